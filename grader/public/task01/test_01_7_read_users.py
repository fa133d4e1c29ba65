"""01.7 Read users."""

from bson import ObjectId
import pytest

from grader.testkit import accounts, expect

pytestmark = pytest.mark.exercise("01.7")


async def test_get_returns_the_user(client):
    user = await accounts.seed_user("ada@example.com", "Ada")
    body = expect.status(await client.get(f"/users/{user.id}"), 200, "GET /users/{id} for an existing user")
    expect.equal(body["display_name"], "Ada", "display_name of the user returned")


async def test_an_unknown_id_is_not_found(client):
    await accounts.seed_user("ada@example.com")
    response = await client.get(f"/users/{ObjectId()}")
    expect.error(response, 404, "GET /users/{id} with an id no user has", code="not_found")


async def test_the_list_is_oldest_first_and_skips_deleted_users(client):
    users = await accounts.seed_users(3)
    await accounts.seed_user("gone@example.com", deleted=True)
    body = expect.status(await client.get("/users"), 200, "GET /users")
    expect.equal([u["email"] for u in body], [u.email for u in users],
                 "GET /users with 3 live users and 1 deleted one (oldest first, deleted left out)")


async def test_skip_and_limit_page_through_users(client):
    users = await accounts.seed_users(5)
    body = expect.status(await client.get("/users", params={"skip": 1, "limit": 2}), 200, "GET /users?skip=1&limit=2")
    expect.equal([u["email"] for u in body], [u.email for u in users[1:3]], "GET /users?skip=1&limit=2 over 5 users")
