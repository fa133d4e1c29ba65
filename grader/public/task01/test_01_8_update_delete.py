"""01.8 Update and delete users.

The users are put straight into the database, and the tests act as them with access tokens
made following the token contract of 01.4 (grader/testkit/tokens.py): the app's own guard
checks those tokens, so these tests do not depend on your login."""

import pytest

from grader.testkit import accounts, expect, tokens

pytestmark = pytest.mark.exercise("01.8")


async def test_update_changes_only_the_given_fields(client, events, settings):
    ada = await accounts.seed_user("ada@example.com", "Ada")
    as_ada = tokens.as_user(ada, settings)
    expect.status(await client.patch(f"/users/{ada.id}", json={"bio": "Mathematician"}, headers=as_ada), 200,
                  "PATCH /users/{id} by the user themself with a new bio")
    response = await client.patch(f"/users/{ada.id}", json={"display_name": "Ada L."}, headers=as_ada)
    body = expect.status(response, 200, "PATCH /users/{id} by the user themself with a new display_name")
    expect.equal(body.get("display_name"), "Ada L.", "display_name after the update")
    expect.equal(body.get("bio"), "Mathematician", "bio after a later update that did not mention it")
    expect.equal(len(events.of_type("user.updated")), 2, "user.updated events after two updates")


async def test_delete_is_soft(client, settings):
    ada = await accounts.seed_user("ada@example.com", "Ada")
    response = await client.delete(f"/users/{ada.id}", headers=tokens.as_user(ada, settings))
    expect.status(response, 204, "DELETE /users/{id} by the user themself")
    stored = await accounts.stored(ada)
    expect.true(stored is not None, "after DELETE the document is gone from 'users'; a delete must be soft")
    expect.about_now(stored.deleted_at, "deleted_at of the user's document after DELETE")
    expect.error(await client.get(f"/users/{ada.id}"), 404, "GET /users/{id} after deleting the user", code="not_found")


async def test_without_a_valid_token_nothing_changes(client, settings):
    ada = await accounts.seed_user("ada@example.com", "Ada")
    as_ada = tokens.as_user(ada, settings)
    expect.status(await client.patch(f"/users/{ada.id}", json={"bio": "Mine"}, headers=as_ada), 200,
                  "PATCH /users/{id} by the user themself, with their access token")
    for headers, how in (({}, "without an Authorization header"),
                         (tokens.bearer("not-a-token"), "with 'Authorization: Bearer not-a-token'"),
                         (tokens.as_user(ada, settings, minutes=-5), "with the user's own token, expired")):
        response = await client.patch(f"/users/{ada.id}", json={"bio": "Not mine"}, headers=headers)
        expect.error(response, 401, f"PATCH /users/{{id}} {how}", code="authentication_failed")
        response = await client.delete(f"/users/{ada.id}", headers=headers)
        expect.error(response, 401, f"DELETE /users/{{id}} {how}", code="authentication_failed")
    body = expect.status(await client.get(f"/users/{ada.id}"), 200, "GET /users/{id} after the refused requests")
    expect.equal(body.get("bio"), "Mine", "bio after PATCH requests without a valid token")
    expect.status(await client.delete(f"/users/{ada.id}", headers=as_ada), 204,
                  "DELETE /users/{id} by the user themself, with their access token")
    expect.error(await client.get(f"/users/{ada.id}"), 404, "GET /users/{id} after the user deleted themself",
                 code="not_found")


@pytest.mark.weight(5)
@pytest.mark.must("only the user themself or an admin may change or delete an account")
async def test_only_the_user_themself_or_an_admin_may_change_or_delete_an_account(client, events, settings):
    ada = await accounts.seed_user("ada@example.com", "Ada")
    bob = await accounts.seed_user("bob@example.com", "Bob")
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    as_ada = tokens.as_user(ada, settings)
    expect.status(await client.patch(f"/users/{ada.id}", json={"bio": "Mine"}, headers=as_ada), 200,
                  "PATCH /users/{id} by the user themself")
    before = await accounts.stored(ada)
    for intruder, who in ((bob, "another consumer"), (lea, "a leader (not an admin)")):
        headers = tokens.as_user(intruder, settings)
        response = await client.patch(f"/users/{ada.id}", json={"bio": "Not yours"}, headers=headers)
        expect.error(response, 403, f"PATCH /users/{{id}} of ada@example.com by {who}", code="forbidden")
        response = await client.delete(f"/users/{ada.id}", headers=headers)
        expect.error(response, 403, f"DELETE /users/{{id}} of ada@example.com by {who}", code="forbidden")
    after = await accounts.stored(ada)
    expect.equal((after.profile.bio, after.updated_at, after.deleted_at), (before.profile.bio, before.updated_at, None),
                 "ada@example.com's (profile.bio, updated_at, deleted_at) after the refused PATCH and DELETE requests "
                 "of other users (nothing may change)")
    expect.equal((len(events.of_type("user.updated")), len(events.of_type("user.deleted"))), (1, 0),
                 "(user.updated, user.deleted) events after one update by the owner and only refused requests since")

    as_root = tokens.as_user(root, settings)
    body = expect.status(await client.patch(f"/users/{ada.id}", json={"display_name": "Ada (checked)"}, headers=as_root),
                         200, "PATCH /users/{id} of ada@example.com by an admin")
    expect.equal(body.get("display_name"), "Ada (checked)", "display_name after an admin's update")
    expect.status(await client.delete(f"/users/{bob.id}", headers=as_root), 204,
                  "DELETE /users/{id} of bob@example.com by an admin")
    expect.error(await client.get(f"/users/{bob.id}"), 404, "GET /users/{id} of bob@example.com after an admin deleted "
                                                            "him", code="not_found")
    expect.status(await client.delete(f"/users/{ada.id}", headers=as_ada), 204, "DELETE /users/{id} by the user themself")
    expect.error(await client.get(f"/users/{ada.id}"), 404, "GET /users/{id} after the user deleted themself",
                 code="not_found")
