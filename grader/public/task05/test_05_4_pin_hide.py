"""05.4 Pin, unpin and hide. Users, communities and posts are put straight into the database."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, communities, expect, posts, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("05.4")


@pytest.mark.weight(3)
async def test_a_moderator_pins_and_unpins(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    mod = await accounts.seed_user("mod@example.com", "Mod")
    club = await communities.seed_community(lea, "Garden Club", moderators=[mod])
    old = await posts.seed_post(lea, club, "old news", created_at=utc_now() - timedelta(days=1))
    await posts.seed_post(lea, club, "fresh")
    headers = tokens.as_user(mod, settings)
    body = expect.status(await client.post(f"/posts/{old.id}/pin", headers=headers), 200,
                         "POST /posts/{id}/pin by a moderator")
    expect.equal(body.get("is_pinned"), True, "is_pinned after pinning")
    expect.about_now(body.get("pinned_at"), "pinned_at after pinning")
    expect.equal(((await posts.stored(old)).pinned_by, await posts.pinned_count(club)), (str(mod.id), 1),
                 "(pinned_by stored, the community's pinned_post_count) after one pin")
    feed = expect.status(await client.get(f"/posts/community/{club.id}"), 200, "GET /posts/community/{id}")
    expect.equal([item.get("text_content") for item in feed.get("items") or []], ["old news", "fresh"],
                 "the feed after pinning the older post (pinned first)")
    body = expect.status(await client.post(f"/posts/{old.id}/unpin", headers=headers), 200,
                         "POST /posts/{id}/unpin by a moderator")
    expect.equal((body.get("is_pinned"), await posts.pinned_count(club)), (False, 0),
                 "(is_pinned, the community's pinned_post_count) after unpinning")
    expect.equal([(e["entity_id"], e["data"].get("is_pinned")) for e in events.of_type("post.updated")],
                 [(str(old.id), True), (str(old.id), False)], "(entity_id, data.is_pinned) of the post.updated events")


@pytest.mark.weight(3)
async def test_a_community_has_at_most_three_pinned_posts(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    headers = tokens.as_user(lea, settings)
    first = await posts.seed_post(lea, club, "pinned first", pinned=True)
    await posts.seed_post(lea, club, "pinned second", pinned=True)
    third = await posts.seed_post(lea, club, "third")
    fourth = await posts.seed_post(lea, club, "fourth")
    expect.status(await client.post(f"/posts/{third.id}/pin", headers=headers), 200,
                  "POST /posts/{id}/pin with 2 of 3 places taken")
    response = await client.post(f"/posts/{fourth.id}/pin", headers=headers)
    expect.error(response, 409, "POST /posts/{id}/pin with all 3 places taken", code="state_conflict")
    expect.equal(((await posts.stored(fourth)).is_pinned, await posts.pinned_count(club)), (False, 3),
                 "(is_pinned of the refused post, pinned_post_count) after a refused pin")
    expect.status(await client.post(f"/posts/{first.id}/unpin", headers=headers), 200, "POST /posts/{id}/unpin")
    expect.status(await client.post(f"/posts/{fourth.id}/pin", headers=headers), 200,
                  "POST /posts/{id}/pin after an unpin freed a place")
    expect.equal(await posts.pinned_count(club), 3, "pinned_post_count after unpin and pin")


@pytest.mark.weight(5)
@pytest.mark.must("only the community's owner, moderators or an admin moderate its posts")
async def test_only_the_owner_moderators_or_an_admin_moderate(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    mod = await accounts.seed_user("mod@example.com", "Mod")
    ada = await accounts.seed_user("ada@example.com", "Ada", role="leader")  # a leader, but a plain member here
    bob = await accounts.seed_user("bob@example.com", "Bob")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    club = await communities.seed_community(lea, "Garden Club", moderators=[mod], members=[ada])
    secret = await communities.seed_community(lea, "Secret Garden", visibility="private", members=[ada])
    posted = [await posts.seed_post(ada, club, f"post {i}") for i in range(4)]
    for post, action, user, who in ((posted[0], "pin", lea, "the owner"), (posted[1], "pin", mod, "a moderator"),
                                    (posted[0], "unpin", root, "an admin"), (posted[2], "hide", mod, "a moderator")):
        expect.status(await client.post(f"/posts/{post.id}/{action}", headers=tokens.as_user(user, settings)), 200,
                      f"POST /posts/{{id}}/{action} by {who}")
    before = len(events.of_type("post.updated"))
    for action, post in (("pin", posted[3]), ("unpin", posted[1]), ("hide", posted[3])):
        for user, who in ((ada, "the post's author, a plain member"), (bob, "a user who is not a member")):
            response = await client.post(f"/posts/{post.id}/{action}", headers=tokens.as_user(user, settings))
            expect.error(response, 403, f"POST /posts/{{id}}/{action} by {who}", code="forbidden")
    hidden_here = await posts.seed_post(ada, secret, "members only")
    response = await client.post(f"/posts/{hidden_here.id}/hide", headers=tokens.as_user(bob, settings))
    expect.error(response, 404, "POST /posts/{id}/hide of a post in a private community by a non-member",
                 code="not_found")
    states = [(p.is_pinned, p.status.value) for p in [await posts.stored(p) for p in (posted[1], posted[3])]]
    expect.equal(states, [(True, "published"), (False, "published")], "(is_pinned, status) of the posts after the "
                                                                      "refused requests")
    expect.equal(len(events.of_type("post.updated")), before, "post.updated events after the refused requests")


@pytest.mark.weight(2)
async def test_hide_takes_a_post_out_of_the_feed(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    bob = await accounts.seed_user("bob@example.com", "Bob")
    club = await communities.seed_community(lea, "Garden Club", members=[ada, bob])
    post = await posts.seed_post(ada, club, "spam", pinned=True)
    keep = await posts.seed_post(ada, club, "fine")
    headers = tokens.as_user(lea, settings)
    body = expect.status(await client.post(f"/posts/{post.id}/hide", json={"reason": "Spam"}, headers=headers), 200,
                         "POST /posts/{id}/hide of a pinned post by the owner, with a reason")
    expect.equal((body.get("status"), body.get("is_pinned")), ("hidden", False), "(status, is_pinned) after hiding")
    stored = await posts.stored(post)
    expect.equal((stored.hidden_by, stored.hide_reason, await posts.pinned_count(club)), (str(lea.id), "Spam", 0),
                 "(hidden_by, hide_reason, the community's pinned_post_count) after hiding a pinned post")
    expect.about_now(stored.hidden_at, "hidden_at after hiding")
    feed = expect.status(await client.get(f"/posts/community/{club.id}"), 200, "GET /posts/community/{id}")
    expect.equal([item.get("id") for item in feed.get("items") or []], [str(keep.id)], "ids in the feed after hiding")
    expect.status(await client.get(f"/posts/{post.id}", headers=tokens.as_user(ada, settings)), 200,
                  "GET /posts/{id} of a hidden post by its author")
    expect.error(await client.get(f"/posts/{post.id}", headers=tokens.as_user(bob, settings)), 404,
                 "GET /posts/{id} of a hidden post by another member", code="not_found")
    expect.equal([e["data"].get("status") for e in events.of_type("post.updated")], ["hidden"],
                 "data.status of the post.updated events")
    expect.error(await client.post(f"/posts/{post.id}/hide", headers=headers), 409, "POST /posts/{id}/hide of a "
                                                                                  "hidden post", code="state_conflict")
