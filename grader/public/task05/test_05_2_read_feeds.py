"""05.2 Read a post and the feeds. Users, communities and posts are put straight into the database."""

from datetime import timedelta

import pytest
from bson import ObjectId

from grader.testkit import accounts, communities, expect, paging, posts, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("05.2")


def _texts(body) -> list:
    return [item.get("text_content") for item in (body.get("items") or [])] if isinstance(body, dict) else body


@pytest.mark.weight(2)
async def test_get_a_published_post(client):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    post = await posts.seed_post(lea, club, "Welcome!")
    body = expect.status(await client.get(f"/posts/{post.id}"), 200, "GET /posts/{id} of a published post, "
                                                                        "without a token")
    expect.equal((body.get("id"), body.get("text_content"), body.get("status"), (body.get("author") or {}).get("user_id")),
                 (str(post.id), "Welcome!", "published", str(lea.id)), "(id, text_content, status, author.user_id)")


@pytest.mark.weight(3)
async def test_the_feed_shows_pinned_posts_first_then_the_newest(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    other = await communities.seed_community(lea, "Chess Night")
    start = utc_now() - timedelta(hours=2)
    for minutes, text, options in ((0, "old pinned", {"pinned": True}), (10, "first", {}), (20, "second", {}),
                                   (30, "third", {}), (40, "a draft", {"status": "draft"}),
                                   (50, "hidden", {"status": "hidden"}), (60, "deleted", {"deleted": True})):
        await posts.seed_post(lea, club, text, published_at=start + timedelta(minutes=minutes), **options)
    await posts.seed_post(lea, other, "elsewhere")
    body = expect.status(await client.get(f"/posts/community/{club.id}", headers=tokens.as_user(lea, settings)), 200,
                         "GET /posts/community/{id} by the owner")
    expect.equal(_texts(body), ["old pinned", "third", "second", "first"],
                 "text_content of the feed (published and not deleted only, pinned first, then newest published_at "
                 "first; drafts, hidden, deleted posts and other communities' posts left out)")
    expect.equal(body.get("next_cursor"), None, "next_cursor of the only page")
    body = expect.status(await client.get(f"/posts/community/{club.id}", params={"limit": 4}), 200,
                         "GET /posts/community/{id}?limit=4 over 4 posts to show")
    expect.equal((len(body.get("items") or []), body.get("next_cursor")), (4, None),
                 "(items, next_cursor) of a page that holds exactly the last 4 posts (no next page)")


@pytest.mark.weight(3)
async def test_the_cursor_survives_a_post_published_between_pages(client):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    start = utc_now() - timedelta(hours=2)
    await posts.seed_post(lea, club, "pinned", pinned=True, published_at=start)
    for i in range(4):
        await posts.seed_post(lea, club, f"post {i}", published_at=start + timedelta(minutes=i + 1))
    path = f"/posts/community/{club.id}"
    first = expect.status(await client.get(path, params={"limit": 2}), 200, f"GET {path}?limit=2")
    expect.equal(_texts(first), ["pinned", "post 3"], "page 1 of the feed (limit=2)")
    expect.true(first.get("next_cursor"), f"GET {path}?limit=2 over 5 posts gave no next_cursor: {first}")
    await posts.seed_post(lea, club, "brand new")
    second = expect.status(await client.get(path, params={"limit": 2, "cursor": first["next_cursor"]}), 200,
                           f"GET {path} with page 1's cursor")
    expect.equal(_texts(second), ["post 2", "post 1"], "page 2 after a new post was published between the pages "
                                                      "(no repeats, nothing skipped, the new post not shown)")
    third = expect.status(await client.get(path, params={"limit": 2, "cursor": second.get("next_cursor") or ""}), 200,
                          f"GET {path} with page 2's cursor")
    expect.equal((_texts(third), third.get("next_cursor")), (["post 0"], None), "(page 3, its next_cursor)")


@pytest.mark.weight(3)
@pytest.mark.ties("GET /posts/community/{community_id}")
async def test_feed_ties_come_in_id_order(client):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    same_time = utc_now() - timedelta(hours=1)
    names = {}
    # Four pinned and five unpinned posts published in the same instant, stored out of _id order, then an
    # older one: pinned first, each group newest first, ties by _id descending.
    pinned_ids, pinned_order = paging.tied_ids(4)
    plain_ids, plain_order = paging.tied_ids(5)
    for n, post_id in enumerate(pinned_order):
        await posts.seed_post(lea, club, f"pinned {n}", pinned=True, published_at=same_time, id=post_id)
        names[str(post_id)] = f"pinned {n}"
    for n, post_id in enumerate(plain_order):
        await posts.seed_post(lea, club, f"plain {n}", published_at=same_time, id=post_id)
        names[str(post_id)] = f"plain {n}"
    older = await posts.seed_post(lea, club, "older", published_at=same_time - timedelta(days=1))
    names[str(older.id)] = "older"
    items = await paging.by_cursor(client, f"/posts/community/{club.id}", "the community feed", limit=2)
    paging.expect_each_once(items, [*reversed(pinned_ids), *reversed(plain_ids), older.id],
                            "GET /posts/community/{id}, 2 at a time, over 4 pinned and 5 unpinned posts published in "
                            "the same instant and an older one (pinned first, then newest first, ties in "
                            "descending _id order)", names=names)


@pytest.mark.weight(5)
@pytest.mark.must("posts of a private community are invisible to non-members")
async def test_posts_of_a_private_community_are_invisible_to_non_members(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    bob = await accounts.seed_user("bob@example.com", "Bob")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    secret = await communities.seed_community(lea, "Secret Garden", visibility="private", members=[ada])
    post = await posts.seed_post(ada, secret, "members only")
    for user, who in ((ada, "a member"), (root, "an admin")):
        headers = tokens.as_user(user, settings)
        body = expect.status(await client.get(f"/posts/{post.id}", headers=headers), 200,
                             f"GET /posts/{{id}} of a post in a private community by {who}")
        expect.equal(body.get("id"), str(post.id), f"id seen by {who}")
        body = expect.status(await client.get(f"/posts/community/{secret.id}", headers=headers), 200,
                             f"GET /posts/community/{{id}} of a private community by {who}")
        expect.equal(_texts(body), ["members only"], f"the private community's feed seen by {who}")
        body = expect.status(await client.get(f"/posts/author/{ada.id}", headers=headers), 200,
                             f"GET /posts/author/{{id}} by {who}")
        expect.equal(_texts(body), ["members only"], f"the author's posts seen by {who}")
    for headers, who in ((tokens.as_user(bob, settings), "a logged-in non-member"), ({}, "an anonymous caller")):
        expect.error(await client.get(f"/posts/{post.id}", headers=headers), 404,
                     f"GET /posts/{{id}} of a post in a private community by {who}", code="not_found")
        expect.error(await client.get(f"/posts/community/{secret.id}", headers=headers), 404,
                     f"GET /posts/community/{{id}} of a private community by {who}", code="not_found")
        body = expect.status(await client.get(f"/posts/author/{ada.id}", headers=headers), 200,
                             f"GET /posts/author/{{id}} by {who}")
        expect.equal(_texts(body), [], f"the author's posts seen by {who} (the private community's post left out)")


@pytest.mark.weight(3)
async def test_a_post_you_may_not_see_looks_like_one_that_never_existed(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    bob = await accounts.seed_user("bob@example.com", "Bob")
    club = await communities.seed_community(lea, "Garden Club", members=[ada, bob])
    draft = await posts.seed_post(ada, club, "not yet", status="draft")
    hidden = await posts.seed_post(ada, club, "too much", status="hidden")
    deleted = await posts.seed_post(ada, club, "gone", deleted=True)
    expect.status(await client.get(f"/posts/{draft.id}", headers=tokens.as_user(ada, settings)), 200,
                  "GET /posts/{id} of a draft by its author")
    expect.status(await client.get(f"/posts/{hidden.id}", headers=tokens.as_user(lea, settings)), 200,
                  "GET /posts/{id} of a hidden post by the community's owner")
    never = expect.error(await client.get(f"/posts/{ObjectId()}", headers=tokens.as_user(bob, settings)), 404,
                         "GET /posts/{id} with an id no post has", code="not_found")
    for path, what in ((f"/posts/{draft.id}", "someone else's draft"), (f"/posts/{hidden.id}", "a hidden post"),
                       (f"/posts/{deleted.id}", "a deleted post"), ("/posts/abc", "'abc'")):
        response = await client.get(path, headers=tokens.as_user(bob, settings))
        error = expect.error(response, 404, f"GET {path} ({what}) by a plain member", code="not_found")
        expect.equal(error, never, f"the error body for {what}: the same as for an id no post has, so nobody learns "
                                   "the post exists")
