"""01.8 Update and delete users (hidden tests)."""

from datetime import timedelta

import pytest
from bson import ObjectId

from grader.testkit import accounts, expect, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("01.8")


async def test_update_refreshes_updated_at_keeps_created_at_and_emits_no_secrets(client, events, settings):
    created = utc_now() - timedelta(days=3)
    ada = await accounts.seed_user("ada@example.com", "Ada", created_at=created)
    response = await client.patch(f"/users/{ada.id}", json={"display_name": "Ada L."}, headers=tokens.as_user(ada, settings))
    body = expect.status(response, 200, "PATCH /users/{id} with a new display_name")
    expect.equal(body.get("display_name"), "Ada L.", "display_name in the PATCH response")
    stored = await accounts.stored(ada)
    expect.about_now(stored.updated_at, "updated_at after PATCH (the user was created and last updated 3 days ago)")
    expect.about(stored.created_at, created, "created_at after PATCH (it must not change)", tolerance=timedelta(seconds=1))
    updated = events.of_type("user.updated")
    expect.equal(len(updated), 1, "user.updated events after one PATCH")
    expect.equal(updated[0]["entity_id"], str(ada.id), "user.updated entity_id")
    expect.no_secrets(updated[0]["data"], "the user.updated event data")
    expect.equal((updated[0]["data"].get("profile") or {}).get("display_name"), "Ada L.",
                 "profile.display_name in the user.updated data (user.event_data() after the change)")


async def test_phone_and_avatar_can_be_updated_too(client, settings):
    ada = await accounts.seed_user("ada@example.com", "Ada")
    avatar = "https://cdn.social-commerce.example/avatars/ada.png"
    response = await client.patch(f"/users/{ada.id}", json={"phone": "+44 20 7946 0000", "avatar": avatar},
                                  headers=tokens.as_user(ada, settings))
    body = expect.status(response, 200, "PATCH /users/{id} with a new phone and avatar")
    expect.equal((body.get("phone"), body.get("avatar")), ("+44 20 7946 0000", avatar), "(phone, avatar) after the update")
    expect.equal(body.get("display_name"), "Ada", "display_name after an update that did not mention it")
    stored = await accounts.stored(ada)
    expect.equal((stored.contact_info.phone, stored.profile.avatar), ("+44 20 7946 0000", avatar),
                 "(contact_info.phone, profile.avatar) stored in 'users' after the update")
    response = await client.patch(f"/users/{ada.id}", json={"bio": "Countess"}, headers=tokens.as_user(ada, settings))
    body = expect.status(response, 200, "PATCH /users/{id} with only a new bio")
    expect.equal((body.get("phone"), body.get("avatar"), body.get("bio")), ("+44 20 7946 0000", avatar, "Countess"),
                 "(phone, avatar, bio) after a later update that gave only the bio")


async def test_delete_stamps_the_user_and_emits_user_deleted_with_only_the_id(client, events, settings):
    ada = await accounts.seed_user("ada@example.com", created_at=utc_now() - timedelta(days=1))
    expect.status(await client.delete(f"/users/{ada.id}", headers=tokens.as_user(ada, settings)), 204,
                  "DELETE /users/{id} by the user themself")
    deleted = events.of_type("user.deleted")
    expect.equal(len(deleted), 1, "user.deleted events after one DELETE /users/{id}")
    expect.equal(deleted[0]["entity_id"], str(ada.id), "user.deleted entity_id")
    expect.equal(deleted[0]["data"], {"id": str(ada.id)}, "user.deleted data (only the id, nothing else)")
    stored = await accounts.stored(ada)
    expect.about_now(stored.deleted_at, "deleted_at after DELETE /users/{id}")
    expect.about_now(stored.updated_at, "updated_at after DELETE /users/{id} (the user was last updated a day ago)")


async def test_a_deleted_user_is_not_found_whoever_asks(client, events, settings):
    ada = await accounts.seed_user("ada@example.com", "Ada")
    bob = await accounts.seed_user("bob@example.com", "Bob")
    as_ada, as_bob = tokens.as_user(ada, settings), tokens.as_user(bob, settings)
    expect.status(await client.patch(f"/users/{ada.id}", json={"bio": "Hello"}, headers=as_ada), 200,
                  "PATCH /users/{id} by the user themself")
    expect.status(await client.delete(f"/users/{ada.id}", headers=as_ada), 204, "DELETE /users/{id} by the user themself")
    response = await client.patch(f"/users/{ada.id}", json={"bio": "Still here?"}, headers=as_bob)
    expect.error(response, 404, "PATCH /users/{id} of a deleted user by another user (404 before 403)", code="not_found")
    response = await client.delete(f"/users/{ada.id}", headers=as_bob)
    expect.error(response, 404, "DELETE /users/{id} of a deleted user by another user (404 before 403)",
                 code="not_found")
    expect.equal((len(events.of_type("user.updated")), len(events.of_type("user.deleted"))), (1, 1),
                 "(user.updated, user.deleted) events after one update and one delete, then only refused requests")


async def test_a_missing_user_is_not_found_even_with_a_valid_token(client, settings):
    ada = await accounts.seed_user("ada@example.com", "Ada")
    as_ada = tokens.as_user(ada, settings)
    expect.status(await client.patch(f"/users/{ada.id}", json={"bio": "Hello"}, headers=as_ada), 200,
                  "PATCH /users/{id} by the user themself")
    for missing, what in ((str(ObjectId()), "an id no user has"), ("abc", "'abc', not an ObjectId")):
        response = await client.patch(f"/users/{missing}", json={"bio": "Hello"}, headers=as_ada)
        expect.error(response, 404, f"PATCH /users/{{id}} with {what}, by a logged-in user", code="not_found")
        response = await client.delete(f"/users/{missing}", headers=as_ada)
        expect.error(response, 404, f"DELETE /users/{{id}} with {what}, by a logged-in user", code="not_found")
    expect.status(await client.delete(f"/users/{ada.id}", headers=as_ada), 204, "DELETE /users/{id} by the user themself")


async def test_an_admin_may_update_and_delete_anyone(client, events, settings):
    ada = await accounts.seed_user("ada@example.com", "Ada")
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    as_root = tokens.as_user(root, settings)
    for user in (ada, lea):
        body = expect.status(await client.patch(f"/users/{user.id}", json={"bio": "Checked"}, headers=as_root), 200,
                             f"PATCH /users/{{id}} of {user.email} by an admin")
        expect.equal(body.get("bio"), "Checked", f"bio of {user.email} after an admin's update")
    expect.equal(sorted(e["entity_id"] for e in events.of_type("user.updated")), sorted([str(ada.id), str(lea.id)]),
                 "entity_id of the user.updated events after an admin updated two users (the changed users' ids)")
    expect.status(await client.delete(f"/users/{lea.id}", headers=as_root), 204,
                  "DELETE /users/{id} of a leader by an admin")
    expect.error(await client.get(f"/users/{lea.id}"), 404, "GET /users/{id} after an admin deleted the user",
                 code="not_found")
    expect.equal((await accounts.stored(root)).deleted_at, None, "the admin's own deleted_at after deleting someone else")


async def test_a_deleted_users_token_stops_working(client, settings):
    ada = await accounts.seed_user("ada@example.com", "Ada")
    as_ada = tokens.as_user(ada, settings)
    body = expect.status(await client.get("/me", headers=as_ada), 200, "GET /me with the user's access token (01.5)")
    expect.equal(body.get("id"), str(ada.id), "GET /me: id of the user")
    expect.status(await client.patch(f"/users/{ada.id}", json={"bio": "Hello"}, headers=as_ada), 200,
                  "PATCH /users/{id} by the user themself")
    expect.status(await client.delete(f"/users/{ada.id}", headers=as_ada), 204, "DELETE /users/{id} by the user themself")
    response = await client.patch(f"/users/{ada.id}", json={"bio": "Back again"}, headers=as_ada)
    expect.error(response, 401, "PATCH /users/{id} with the access token of the user, after they were deleted",
                 code="authentication_failed")
    response = await client.get("/me", headers=as_ada)
    expect.error(response, 401, "GET /me with the access token of the user, after they were deleted",
                 code="authentication_failed")
