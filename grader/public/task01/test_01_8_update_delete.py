"""01.8 Update and delete users."""

import pytest

from grader.testkit import accounts, expect

pytestmark = pytest.mark.exercise("01.8")


async def test_update_changes_only_the_given_fields(client, events):
    user = await accounts.seed_user("ada@example.com", "Ada")
    await client.patch(f"/users/{user.id}", json={"bio": "Mathematician"})
    response = await client.patch(f"/users/{user.id}", json={"display_name": "Ada L."})
    body = expect.status(response, 200, "PATCH /users/{id} with a new display_name")
    expect.equal(body["display_name"], "Ada L.", "display_name after the update")
    expect.equal(body["bio"], "Mathematician", "bio after a later update that did not mention it")
    expect.equal(events.types().count("user.updated"), 2, "user.updated events after two updates")


async def test_delete_is_soft(client):
    user = await accounts.seed_user("ada@example.com")
    expect.status(await client.delete(f"/users/{user.id}"), 204, "DELETE /users/{id}")
    expect.error(await client.get(f"/users/{user.id}"), 404, "GET /users/{id} after deleting the user")
    stored = await accounts.stored_user("ada@example.com")
    expect.true(stored is not None, "after DELETE the document is gone from 'users'; a delete must be soft")
    expect.true(stored.deleted_at is not None, "after DELETE the document's deleted_at is still empty")
