"""01.8 Update and delete users (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, expect
from shared.timeutil import as_utc, utc_now

pytestmark = pytest.mark.exercise("01.8")


async def test_delete_emits_user_deleted_with_only_the_id(client, events):
    user = await accounts.seed_user("ada@example.com")
    expect.status(await client.delete(f"/users/{user.id}"), 204, "DELETE /users/{id}")
    deleted = events.of_type("user.deleted")
    expect.equal(len(deleted), 1, "user.deleted events after one DELETE /users/{id}")
    expect.equal(deleted[0]["entity_id"], str(user.id), "user.deleted entity_id")
    expect.equal(deleted[0]["data"], {"id": str(user.id)}, "user.deleted data (only the id, nothing else)")


async def test_deleting_twice_gives_404_the_second_time(client, events):
    user = await accounts.seed_user("ada@example.com")
    expect.status(await client.delete(f"/users/{user.id}"), 204, "DELETE /users/{id}, the first time")
    again = await client.delete(f"/users/{user.id}")
    expect.error(again, 404, "DELETE /users/{id} for a user already deleted", code="not_found")
    expect.equal(events.types().count("user.deleted"), 1, "user.deleted events after deleting the same user twice")


async def test_updating_a_deleted_user_gives_404(client, events):
    live = await accounts.seed_user("ada@example.com", "Ada")
    expect.status(await client.patch(f"/users/{live.id}", json={"bio": "Hello"}), 200, "PATCH /users/{id} for a live user")
    gone = await accounts.seed_user("gone@example.com", deleted=True)
    response = await client.patch(f"/users/{gone.id}", json={"bio": "Still here?"})
    expect.error(response, 404, "PATCH /users/{id} for a soft-deleted user", code="not_found")
    expect.equal(events.types().count("user.updated"), 1,
                 "user.updated events after one good update and one refused update of a deleted user")


async def test_update_moves_updated_at_forward_and_keeps_created_at(client):
    created = utc_now() - timedelta(days=3)
    user = await accounts.seed_user("ada@example.com", "Ada", created_at=created)
    started = utc_now()
    body = expect.status(await client.patch(f"/users/{user.id}", json={"bio": "Mathematician"}), 200,
                         "PATCH /users/{id} with a new bio")
    stored = await accounts.stored_user("ada@example.com")
    expect.true(as_utc(stored.updated_at) >= started - timedelta(minutes=1),
                f"the user was created (and last updated) at {created.isoformat()}; after PATCH updated_at should be "
                f"about now, got {as_utc(stored.updated_at).isoformat()}")
    expect.true(abs(as_utc(stored.created_at) - created) < timedelta(seconds=1),
                f"created_at must not change on update: was {created.isoformat()}, "
                f"got {as_utc(stored.created_at).isoformat()}")
    expect.equal(body["bio"], "Mathematician", "bio in the PATCH response")


async def test_phone_and_avatar_can_be_updated_too(client):
    user = await accounts.seed_user("ada@example.com", "Ada")
    avatar = "https://cdn.social-commerce.example/avatars/ada.png"
    body = expect.status(await client.patch(f"/users/{user.id}", json={"phone": "+44 20 7946 0000", "avatar": avatar}),
                         200, "PATCH /users/{id} with a new phone and avatar")
    expect.equal(body["phone"], "+44 20 7946 0000", "phone after the update")
    expect.equal(body["avatar"], avatar, "avatar after the update")
    expect.equal(body["display_name"], "Ada", "display_name after an update that did not mention it")
    stored = await accounts.stored_user("ada@example.com")
    expect.equal((stored.contact_info.phone, stored.profile.avatar), ("+44 20 7946 0000", avatar),
                 "(contact_info.phone, profile.avatar) stored in 'users' after the update")


async def test_user_updated_carries_no_secrets(client, events):
    user = await accounts.seed_user("ada@example.com", "Ada")
    expect.status(await client.patch(f"/users/{user.id}", json={"display_name": "Ada L."}), 200,
                  "PATCH /users/{id} with a new display_name")
    updated = events.of_type("user.updated")
    expect.equal(len(updated), 1, "user.updated events after one PATCH")
    data = updated[0]["data"]
    expect.equal(updated[0]["entity_id"], str(user.id), "user.updated entity_id")
    expect.true("password_hash" not in data and "security" not in data,
                f"the user.updated event data must not contain 'password_hash' or 'security'; emit user.event_data() "
                f"(data keys: {sorted(data)})")
    expect.equal(data.get("profile", {}).get("display_name"), "Ada L.", "profile.display_name in the user.updated data")


async def test_a_deleted_user_leaves_the_list(client):
    users = await accounts.seed_users(3)
    expect.status(await client.delete(f"/users/{users[1].id}"), 204, "DELETE /users/{id} for the second of 3 users")
    body = expect.status(await client.get("/users"), 200, "GET /users after deleting one of 3 users")
    expect.equal([u["email"] for u in body], [users[0].email, users[2].email], "GET /users after deleting the second user")


async def test_a_deleted_user_cannot_log_in_and_loses_their_token(client):
    body = await accounts.active_account(client, "ada@example.com")
    token = await accounts.access_token(client, "ada@example.com")
    expect.status(await client.delete(f"/users/{body['id']}"), 204, "DELETE /users/{id}")
    expect.error(await accounts.login(client, "ada@example.com"), 401,
                 "POST /login with the right password after the account was deleted", code="authentication_failed")
    response = await client.get("/me", headers={"Authorization": f"Bearer {token}"})
    expect.error(response, 401, "GET /me with an access token issued before the account was deleted",
                 code="authentication_failed")
