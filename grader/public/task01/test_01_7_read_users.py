"""01.7 Read users. The users are put straight into the database."""

import pytest
from bson import ObjectId

from grader.testkit import accounts, expect, paging
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("01.7")


async def test_get_returns_the_user_and_an_unknown_id_is_not_found(client):
    user = await accounts.seed_user("ada@example.com", "Ada")
    body = expect.status(await client.get(f"/users/{user.id}"), 200, "GET /users/{id} for an existing user")
    expect.equal((body.get("id"), body.get("display_name")), (str(user.id), "Ada"), "(id, display_name) of the user returned")
    response = await client.get(f"/users/{ObjectId()}")
    expect.error(response, 404, "GET /users/{id} with an id no user has", code="not_found")


async def test_a_deleted_user_is_left_out_of_the_list_and_not_found(client):
    users = await accounts.seed_users(3)
    gone = await accounts.seed_user("gone@example.com", deleted=True)
    body = expect.status(await client.get("/users"), 200, "GET /users")
    expect.equal([u.get("email") for u in body], [u.email for u in users],
                 "GET /users with 3 live users and 1 deleted one (oldest first, deleted left out)")
    expect.status(await client.get(f"/users/{users[0].id}"), 200, "GET /users/{id} for a live user")
    expect.error(await client.get(f"/users/{gone.id}"), 404, "GET /users/{id} for a soft-deleted user", code="not_found")


@pytest.mark.ties("GET /users")
async def test_skip_and_limit_page_through_users(client):
    users = await accounts.seed_users(5)
    body = expect.status(await client.get("/users", params={"skip": 1, "limit": 2}), 200, "GET /users?skip=1&limit=2")
    expect.equal([u.get("email") for u in body], [u.email for u in users[1:3]], "GET /users?skip=1&limit=2 over 5 users")
    # Users registered in the same instant: the tiebreak (_id) alone decides their order.
    same_time = utc_now()
    ids, insert_order = paging.tied_ids(5)
    tied = {str(i): (await accounts.seed_user(f"tied{n}@example.com", created_at=same_time, id=i)).email
            for n, i in enumerate(insert_order)}
    items = await paging.by_skip(client, "/users", "5 users with the same created_at after 5 older ones, paged 2 at "
                                 "a time", limit=2)
    paging.expect_each_once(items, [u.id for u in users] + ids, "GET /users, 2 at a time, over 5 users and then 5 "
                            "with one created_at (ties in _id order)", names={**tied, **{str(u.id): u.email for u in users}})
