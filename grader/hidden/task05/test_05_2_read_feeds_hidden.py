"""05.2 Read a post and the feeds (hidden tests)."""

import base64
import json
from datetime import timedelta

import pytest
from bson import ObjectId

from grader.testkit import accounts, communities, expect, paging, posts, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("05.2")


def _texts(body) -> list:
    return [item.get("text_content") for item in (body.get("items") or [])] if isinstance(body, dict) else body


@pytest.mark.weight(2)
@pytest.mark.ties("GET /posts/author/{user_id}")
async def test_author_ties_come_in_id_order(client):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    club = await communities.seed_community(lea, "Garden Club", members=[ada])
    chess = await communities.seed_community(lea, "Chess Night", members=[ada])
    same_time = utc_now() - timedelta(hours=1)
    ids, order = paging.tied_ids(6)
    names = {}
    for n, post_id in enumerate(order):  # pinned or not, in two communities: only the time and _id order here
        await posts.seed_post(ada, club if n % 2 else chess, f"tied {n}", pinned=n == 1, published_at=same_time,
                              id=post_id)
        names[str(post_id)] = f"tied {n}"
    older = await posts.seed_post(ada, club, "older", published_at=same_time - timedelta(days=1))
    names[str(older.id)] = "older"
    await posts.seed_post(lea, club, "not hers", published_at=same_time)
    items = await paging.by_cursor(client, f"/posts/author/{ada.id}", "the author's posts", limit=2)
    paging.expect_each_once(items, [*reversed(ids), older.id],
                            "GET /posts/author/{id}, 2 at a time, over 6 posts published in the same instant and an "
                            "older one (newest first, ties in descending _id order)", names=names)


@pytest.mark.weight(2)
async def test_an_authors_posts_are_matched_by_the_id_as_stored(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    bob = await accounts.seed_user("bob@example.com", "Bob")
    club = await communities.seed_community(lea, "Garden Club", members=[ada, bob])
    secret = await communities.seed_community(lea, "Secret Garden", visibility="private", members=[ada])
    gone = await communities.seed_community(lea, "Gone", members=[ada], deleted=True)
    start = utc_now() - timedelta(hours=1)
    for minutes, community, text, options in ((1, club, "public", {}), (2, secret, "private", {}),
                                              (3, gone, "in a deleted community", {}),
                                              (4, club, "draft", {"status": "draft"}),
                                              (5, club, "hidden", {"status": "hidden"}),
                                              (6, club, "deleted", {"deleted": True})):
        await posts.seed_post(ada, community, text, published_at=start + timedelta(minutes=minutes), **options)
    await posts.seed_post(bob, club, "bob's")
    body = expect.status(await client.get(f"/posts/author/{ada.id}", headers=tokens.as_user(ada, settings)), 200,
                         "GET /posts/author/{id} by the author")
    expect.equal(_texts(body), ["private", "public"], "the author's posts seen by herself (published and not deleted, "
                 "newest first, author.user_id compared as the string it is stored as)")
    body = expect.status(await client.get(f"/posts/author/{ada.id}", headers=tokens.as_user(bob, settings)), 200,
                         "GET /posts/author/{id} by a member of the public community only")
    expect.equal(_texts(body), ["public"], "the author's posts seen by someone outside the private community")
    body = expect.status(await client.get(f"/posts/author/{ObjectId()}"), 200, "GET /posts/author/{id} of an unknown "
                                                                               "user")
    expect.equal(_texts(body), [], "posts of an unknown user")
    expect.error(await client.get("/posts/author/abc"), 404, "GET /posts/author/abc", code="not_found")


@pytest.mark.weight(2)
async def test_bad_cursors_limits_and_missing_communities(client):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    gone = await communities.seed_community(lea, "Gone", deleted=True)
    start = utc_now() - timedelta(days=1)
    for i in range(102):
        await posts.seed_post(lea, club, f"post {i}", published_at=start + timedelta(minutes=i))
    body = expect.status(await client.get(f"/posts/community/{club.id}", params={"limit": 500}), 200,
                         "GET /posts/community/{id}?limit=500 with 102 posts")
    expect.equal((len(body.get("items") or []), bool(body.get("next_cursor"))), (100, True),
                 "(items, has next_cursor) when asking for 500 (a page is capped at 100)")
    author_page = expect.status(await client.get(f"/posts/author/{lea.id}", params={"limit": 1}), 200,
                                "GET /posts/author/{id}?limit=1")
    for cursor, what in (("not-a-cursor", "not base64 JSON"), ("e30=", "an empty object"),
                         (author_page.get("next_cursor") or "x", "a cursor of the author listing")):
        response = await client.get(f"/posts/community/{club.id}", params={"cursor": cursor})
        error = expect.error(response, 422, f"GET /posts/community/{{id}} with {what} as cursor",
                             code="validation_error")
        expect.equal(error.get("details"), {"field": "cursor"}, f"details of the error for {what}")
    feed_page = expect.status(await client.get(f"/posts/community/{club.id}", params={"limit": 1}), 200,
                              "GET /posts/community/{id}?limit=1")
    expect.equal([len(page.get("items") or []) for page in (author_page, feed_page)], [1, 1],
                 "items on a page of each listing asked for with limit=1")
    pinned_text = base64.urlsafe_b64encode(json.dumps({"k": "community", "t": utc_now().isoformat(),
                                                       "id": str(ObjectId()), "p": "yes"}).encode()).decode()
    for path, cursor, what in ((f"/posts/author/{lea.id}", "not-a-cursor", "not base64 JSON"),
                               (f"/posts/author/{lea.id}", feed_page.get("next_cursor") or "x",
                                "a cursor of the community feed"),
                               (f"/posts/community/{club.id}", pinned_text, "a feed cursor whose pinned flag is 'yes'")):
        error = expect.error(await client.get(path, params={"cursor": cursor}), 422, f"GET {path} with {what} as "
                             "cursor", code="validation_error")
        expect.equal(error.get("details"), {"field": "cursor"}, f"details of the error for {what}")
    expect.error(await client.get(f"/posts/community/{club.id}", params={"limit": 0}), 422,
                 "GET /posts/community/{id}?limit=0", code="validation_error")
    for community_id, what in ((gone.id, "a deleted community"), (ObjectId(), "an unknown id"), ("abc", "'abc'")):
        expect.error(await client.get(f"/posts/community/{community_id}"), 404, f"GET /posts/community/{{id}} of "
                     f"{what}", code="not_found")
