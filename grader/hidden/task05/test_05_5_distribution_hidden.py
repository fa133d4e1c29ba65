"""05.5 Global distribution (hidden tests)."""

import pytest

from grader.testkit import accounts, communities, expect, posts, race, tokens

pytestmark = pytest.mark.exercise("05.5")


@pytest.mark.weight(3)
@pytest.mark.race("a distribution request is decided once, also when decisions are sent at the same moment")
async def test_a_request_is_decided_once(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    other = await accounts.seed_user("other@example.com", "Other", role="admin")
    club = await communities.seed_community(lea, "Garden Club")
    for round_ in race.rounds():
        post = await posts.seed_post(lea, club, f"round {round_}", distribution="pending")
        sends = [(root, "approve"), (other, "approve"), (root, "reject"), (other, "reject")]
        responses = await race.at_once(client.post(f"/posts/{post.id}/distribution/{action}",
                                                   headers=tokens.as_user(admin, settings)) for admin, action in sends)
        expect.equal(race.statuses(responses), [200, 409, 409, 409],
                     "statuses of 2 approvals and 2 rejections of one pending request sent at the same moment (decide "
                     "with one conditional update whose filter holds the pending status)")
        winner = race.winners(responses)[0].json()
        stored = await posts.stored(post)
        expect.equal((stored.distribution.status.value, stored.distribution.decided_by),
                     ((winner.get("distribution") or {}).get("status"), (winner.get("distribution") or {}).get("decided_by")),
                     "(distribution.status, decided_by) stored: the winning decision's")
        updated = [e for e in events.of_type("post.updated") if e["entity_id"] == str(post.id)]
        expect.equal(len(updated), 1, "post.updated events after the 4 decisions sent at the same moment")


@pytest.mark.weight(2)
async def test_each_move_only_from_the_right_state(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    club = await communities.seed_community(lea, "Garden Club")
    author, admin = tokens.as_user(lea, settings), tokens.as_user(root, settings)
    fresh = await posts.seed_post(lea, club, "fresh")
    expect.status(await client.post(f"/posts/{fresh.id}/distribution/request", headers=author), 200,
                  "POST /posts/{id}/distribution/request of a published post")
    draft = await posts.seed_post(lea, club, "draft", status="draft")
    hidden = await posts.seed_post(lea, club, "hidden", status="hidden")
    none = await posts.seed_post(lea, club, "none")
    approved = await posts.seed_post(lea, club, "approved", distribution="approved")
    for post, action, headers, what in (
            (fresh, "request", author, "a request already pending"),
            (draft, "request", author, "a request for a draft"),
            (hidden, "request", author, "a request for a hidden post"),
            (approved, "request", author, "a request for an approved post"),
            (none, "approve", admin, "approving a post nobody put forward"),
            (none, "revoke", admin, "revoking a post nobody put forward"),
            (fresh, "revoke", admin, "revoking a pending request"),
            (approved, "approve", admin, "approving an approved post"),
            (approved, "reject", admin, "rejecting an approved post")):
        expect.error(await client.post(f"/posts/{post.id}/distribution/{action}", headers=headers), 409,
                     f"POST /posts/{{id}}/distribution/{action}: {what}", code="state_conflict")
    expect.equal([(await posts.stored(p)).distribution.status.value for p in (fresh, none, approved)],
                 ["pending", "none", "approved"], "distribution.status of the posts after the refused moves")
    responses = await race.at_once(client.post(f"/posts/{none.id}/distribution/request", headers=author)
                                   for _ in range(2))
    expect.equal(race.statuses(responses), [200, 409], "statuses of 2 POST /posts/{id}/distribution/request sent at "
                                                       "the same moment")
