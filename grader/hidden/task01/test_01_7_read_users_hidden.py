"""01.7 Read users (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, expect
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("01.7")


async def test_a_listed_user_can_be_read_until_deleted_and_bad_ids_are_not_found(client):
    await accounts.seed_user("ada@example.com", "Ada")
    listed = expect.status(await client.get("/users"), 200, "GET /users with one user")
    expect.equal([u.get("email") for u in listed], ["ada@example.com"], "GET /users with one user")
    user_id = listed[0].get("id")
    body = expect.status(await client.get(f"/users/{user_id}"), 200, "GET /users/{id} with the id GET /users gave")
    expect.equal(body.get("email"), "ada@example.com", "GET /users/{id}: email of the user")
    for bad in ("not-an-id", "z" * 24):
        expect.error(await client.get(f"/users/{bad}"), 404, f"GET /users/{bad} (not a valid ObjectId)",
                     code="not_found")
    await accounts.soft_delete("ada@example.com")
    expect.error(await client.get(f"/users/{user_id}"), 404, "GET /users/{id} after the user was soft-deleted",
                 code="not_found")
    expect.equal(expect.status(await client.get("/users"), 200, "GET /users"), [],
                 "GET /users after its only user was soft-deleted")


async def test_pages_are_sorted_by_created_at_and_capped_at_100(client):
    now = utc_now()
    newer = await accounts.seed_user("newer@example.com", created_at=now - timedelta(hours=1))
    older = await accounts.seed_user("older@example.com", created_at=now - timedelta(days=2))
    body = expect.status(await client.get("/users"), 200, "GET /users")
    expect.equal([u.get("email") for u in body], [older.email, newer.email],
                 "GET /users with two users inserted newest first (sort by created_at, oldest first)")
    users = [older] + await accounts.seed_users(103, start=now - timedelta(days=1)) + [newer]  # 105, oldest first
    first = expect.status(await client.get("/users"), 200, "GET /users with 105 users and no skip or limit")
    expect.equal([u.get("email") for u in first], [u.email for u in users[:20]],
                 "GET /users with 105 users and no skip or limit (the 20 oldest)")
    capped = expect.status(await client.get("/users", params={"limit": 500}), 200, "GET /users?limit=500")
    expect.equal(len(capped), 100, "number of users returned by GET /users?limit=500 with 105 users (MAX_PAGE_SIZE)")
    expect.equal(capped[-1].get("email"), users[99].email, "the last user of GET /users?limit=500 (the 100th oldest)")
    one = expect.status(await client.get(f"/users/{capped[-1].get('id')}"), 200,
                        "GET /users/{id} for the last user GET /users?limit=500 gave")
    expect.equal(one.get("email"), users[99].email, "GET /users/{id} for the 100th oldest user: email")
    expect.equal(expect.status(await client.get("/users", params={"skip": 105}), 200, "GET /users?skip=105"), [],
                 "GET /users?skip=105 with 105 users (past the end)")
    single = expect.status(await client.get("/users", params={"skip": 3, "limit": 1}), 200, "GET /users?skip=3&limit=1")
    expect.equal([u.get("email") for u in single], [users[3].email], "GET /users?skip=3&limit=1 with 105 users")
