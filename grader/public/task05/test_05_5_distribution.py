"""05.5 Global distribution. Users, communities and posts are put straight into the database."""

import pytest

from grader.testkit import accounts, communities, expect, posts, tokens

pytestmark = pytest.mark.exercise("05.5")


async def _setup():
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    club = await communities.seed_community(lea, "Garden Club", members=[ada])
    return lea, ada, root, club


@pytest.mark.weight(3)
async def test_the_author_asks_and_an_admin_approves(client, events, settings):
    lea, ada, root, club = await _setup()
    post = await posts.seed_post(ada, club, "for everyone")
    body = expect.status(await client.post(f"/posts/{post.id}/distribution/request",
                                           headers=tokens.as_user(ada, settings)), 200,
                         "POST /posts/{id}/distribution/request by the author")
    distribution = body.get("distribution") or {}
    expect.equal(distribution.get("status"), "pending", "distribution.status after the request")
    expect.about_now(distribution.get("requested_at"), "distribution.requested_at after the request")
    body = expect.status(await client.post(f"/posts/{post.id}/distribution/approve",
                                           headers=tokens.as_user(root, settings)), 200,
                         "POST /posts/{id}/distribution/approve by an admin")
    distribution = body.get("distribution") or {}
    expect.equal((distribution.get("status"), distribution.get("decided_by")), ("approved", str(root.id)),
                 "(distribution.status, distribution.decided_by) after the approval")
    expect.about_now(distribution.get("decided_at"), "distribution.decided_at after the approval")
    stored = await posts.stored(post)
    expect.equal((stored.distribution.status.value, stored.distribution.decided_by), ("approved", str(root.id)),
                 "(distribution.status, distribution.decided_by) stored")
    expect.equal([(e["entity_id"], e["data"].get("distribution", {}).get("status"))
                  for e in events.of_type("post.updated")], [(str(post.id), "pending"), (str(post.id), "approved")],
                 "(entity_id, data.distribution.status) of the post.updated events")


@pytest.mark.weight(2)
async def test_reject_ask_again_then_revoke(client, settings):
    lea, ada, root, club = await _setup()
    post = await posts.seed_post(ada, club, "for everyone", distribution="pending")
    author, admin = tokens.as_user(ada, settings), tokens.as_user(root, settings)
    body = expect.status(await client.post(f"/posts/{post.id}/distribution/reject", json={"reason": "Too local"},
                                           headers=admin), 200, "POST /posts/{id}/distribution/reject by an admin")
    expect.equal(((body.get("distribution") or {}).get("status"), (body.get("distribution") or {}).get("reason")),
                 ("rejected", "Too local"), "(distribution.status, distribution.reason) after the rejection")
    body = expect.status(await client.post(f"/posts/{post.id}/distribution/request", headers=author), 200,
                         "POST /posts/{id}/distribution/request after a rejection")
    expect.equal(((body.get("distribution") or {}).get("status"), (body.get("distribution") or {}).get("decided_by")),
                 ("pending", None), "(distribution.status, decided_by) after asking again (the old decision cleared)")
    expect.status(await client.post(f"/posts/{post.id}/distribution/approve", headers=admin), 200,
                  "POST /posts/{id}/distribution/approve")
    body = expect.status(await client.post(f"/posts/{post.id}/distribution/revoke", json={"reason": "Complaints"},
                                           headers=admin), 200, "POST /posts/{id}/distribution/revoke by an admin")
    expect.equal(((body.get("distribution") or {}).get("status"), (body.get("distribution") or {}).get("reason")),
                 ("revoked", "Complaints"), "(distribution.status, distribution.reason) after the revocation")
    expect.error(await client.post(f"/posts/{post.id}/distribution/request", headers=author), 409,
                 "POST /posts/{id}/distribution/request of a revoked post (revoked is final)", code="state_conflict")


@pytest.mark.weight(5)
@pytest.mark.must("only admins decide global distribution")
async def test_only_admins_decide_global_distribution(client, events, settings):
    lea, ada, root, club = await _setup()
    mod = await accounts.seed_user("mod@example.com", "Mod")
    club.moderator_ids.append(str(mod.id))
    club.member_ids.append(str(mod.id))
    await club.save()
    first = await posts.seed_post(ada, club, "one", distribution="pending")
    pending = await posts.seed_post(ada, club, "two", distribution="pending")
    live = await posts.seed_post(ada, club, "three", distribution="approved")
    admin = tokens.as_user(root, settings)
    expect.status(await client.post(f"/posts/{first.id}/distribution/approve", headers=admin), 200,
                  "POST /posts/{id}/distribution/approve by an admin")
    before = len(events.of_type("post.updated"))
    for user, who in ((lea, "the community's owner"), (mod, "a moderator"), (ada, "the author")):
        headers = tokens.as_user(user, settings)
        for post, action in ((pending, "approve"), (pending, "reject"), (live, "revoke")):
            expect.error(await client.post(f"/posts/{post.id}/distribution/{action}", headers=headers), 403,
                         f"POST /posts/{{id}}/distribution/{action} by {who}", code="forbidden")
    expect.error(await client.post(f"/posts/{live.id}/distribution/request", headers=admin), 403,
                 "POST /posts/{id}/distribution/request by an admin who is not the author", code="forbidden")
    states = [(await posts.stored(p)).distribution.status.value for p in (pending, live)]
    expect.equal(states, ["pending", "approved"], "distribution.status of the posts after the refused requests")
    expect.equal(len(events.of_type("post.updated")), before, "post.updated events after the refused requests")
