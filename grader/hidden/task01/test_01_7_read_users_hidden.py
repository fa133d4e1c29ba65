"""01.7 Read users (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, expect
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("01.7")


async def test_an_id_that_is_not_an_object_id_is_not_found(client):
    user = await accounts.seed_user("ada@example.com")
    expect.status(await client.get(f"/users/{user.id}"), 200, "GET /users/{id} for an existing user")
    for user_id in ("not-an-id", "z" * 24):
        response = await client.get(f"/users/{user_id}")
        expect.error(response, 404, f"GET /users/{user_id} (not a valid ObjectId)", code="not_found")


async def test_a_soft_deleted_user_is_not_found(client):
    live = await accounts.seed_user("ada@example.com", "Ada")
    gone = await accounts.seed_user("gone@example.com", deleted=True)
    expect.status(await client.get(f"/users/{live.id}"), 200, "GET /users/{id} for a live user")
    response = await client.get(f"/users/{gone.id}")
    expect.error(response, 404, "GET /users/{id} for a soft-deleted user", code="not_found")


async def test_a_limit_above_100_returns_100(client):
    users = await accounts.seed_users(105)
    body = expect.status(await client.get("/users", params={"limit": 500}), 200, "GET /users?limit=500")
    expect.equal(len(body), 100, "number of users returned by GET /users?limit=500 with 105 users (MAX_PAGE_SIZE)")
    expect.equal(body[-1]["email"], users[99].email, "the last user of GET /users?limit=500 (the 100th oldest)")


async def test_the_default_page_holds_20_users(client):
    users = await accounts.seed_users(25)
    body = expect.status(await client.get("/users"), 200, "GET /users with no skip or limit")
    expect.equal([u["email"] for u in body], [u.email for u in users[:20]],
                 "GET /users with 25 users and no skip or limit (the 20 oldest)")


async def test_skipping_past_the_end_gives_an_empty_list(client):
    await accounts.seed_users(3)
    body = expect.status(await client.get("/users", params={"skip": 10}), 200, "GET /users?skip=10 with 3 users")
    expect.equal(body, [], "GET /users?skip=10 with 3 users")
    first = expect.status(await client.get("/users", params={"skip": 2}), 200, "GET /users?skip=2 with 3 users")
    expect.equal(len(first), 1, "number of users returned by GET /users?skip=2 with 3 users")


async def test_the_list_is_ordered_by_created_at_not_by_insertion(client):
    now = utc_now()
    newer = await accounts.seed_user("newer@example.com", created_at=now - timedelta(hours=1))
    older = await accounts.seed_user("older@example.com", created_at=now - timedelta(days=2))
    middle = await accounts.seed_user("middle@example.com", created_at=now - timedelta(days=1))
    body = expect.status(await client.get("/users"), 200, "GET /users")
    expect.equal([u["email"] for u in body], [older.email, middle.email, newer.email],
                 "GET /users with users inserted newest first (the list must be sorted by created_at, oldest first)")
