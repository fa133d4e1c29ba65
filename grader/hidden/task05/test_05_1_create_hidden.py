"""05.1 Create a post (hidden tests)."""

import pytest
from bson import ObjectId

from grader.testkit import accounts, communities, expect, posts, suppliers, tokens

pytestmark = pytest.mark.exercise("05.1")


async def test_only_an_active_community_that_exists_takes_posts(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    headers = tokens.as_user(lea, settings)
    club = await communities.seed_community(lea, "Garden Club")
    expect.status(await client.post("/posts", json=posts.body(club), headers=headers), 201,
                  "POST /posts in an active community by its owner")
    for name, options in (("Archived", {"status": "archived"}), ("Suspended", {"status": "suspended"})):
        closed = await communities.seed_community(lea, name, **options)
        expect.error(await client.post("/posts", json=posts.body(closed), headers=headers), 409,
                     f"POST /posts in a {name.lower()} community by its owner", code="state_conflict")
    gone = await communities.seed_community(lea, "Gone", deleted=True)
    for community_id, what in ((str(gone.id), "a deleted community"), (str(ObjectId()), "an unknown community id"),
                               ("abc", "the community id 'abc'")):
        expect.error(await client.post("/posts", json={**posts.body(club), "community_id": community_id},
                                       headers=headers), 404, f"POST /posts in {what}", code="not_found")
    expect.equal(await posts.count_posts(), 1, "documents in 'posts' after 1 accepted and 5 refused creates")


async def test_bad_input_is_a_422(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    headers = tokens.as_user(lea, settings)
    expect.status(await client.post("/posts", json=posts.body(club), headers=headers), 201, "POST /posts")
    for extra, what in (({"post_type": "story"}, "an unknown post_type"),
                        ({"text_content": "x" * 5001}, "text_content of 5001 characters"),
                        ({"post_type": "image", "media": [{**posts.IMAGE, "media_url": "not a url"}]}, "a media_url "
                         "that is no URL"),
                        ({"post_type": "image", "media": [{**posts.IMAGE, "size_bytes": 0}]}, "size_bytes 0"),
                        ({"post_type": "video", "media": [{**posts.VIDEO, "duration_seconds": -1}]}, "a negative "
                         "duration"),
                        ({"pinned": True}, "a field the body does not have")):
        response = await client.post("/posts", json={**posts.body(club), **extra}, headers=headers)
        expect.error(response, 422, f"POST /posts with {what}", code="validation_error")
    expect.equal(await posts.count_posts(), 1, "documents in 'posts' after 1 accepted and 6 refused creates")


async def test_the_author_is_a_snapshot_of_the_user(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    lea.profile.avatar = "https://cdn.example.com/avatars/lea.png"
    await lea.save()
    club = await communities.seed_community(lea, "Garden Club")
    body = expect.status(await client.post("/posts", json=posts.body(club, "link"),
                                           headers=tokens.as_user(lea, settings)), 201, "POST /posts by a leader")
    want = {"user_id": str(lea.id), "display_name": "Lea", "avatar": "https://cdn.example.com/avatars/lea.png",
            "author_type": "leader"}
    expect.equal(body.get("author"), want, "author of a leader's post")
    lea.profile.display_name = "Lea Renamed"
    await lea.save()
    stored = await posts.stored_id(body.get("id"))
    expect.equal(stored.author.display_name if stored else None, "Lea", "author.display_name stored after the user "
                 "was renamed (a snapshot taken at creation)")
    expect.equal([e["data"].get("author") for e in events.of_type("post.created")], [want],
                 "data.author of the post.created events")


async def test_a_supplier_never_posts(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    secret = await communities.seed_community(lea, "Secret Garden", visibility="private")
    expect.status(await client.post("/posts", json=posts.body(club), headers=tokens.as_user(lea, settings)), 201,
                  "POST /posts in a public community by its owner")
    acme = suppliers.as_supplier(await suppliers.seed_supplier(), settings)
    expect.error(await client.post("/posts", json=posts.body(club), headers=acme), 403,
                 "POST /posts in a public community with a supplier's token (a supplier is never a member)",
                 code="forbidden")
    expect.error(await client.post("/posts", json=posts.body(secret), headers=acme), 404,
                 "POST /posts in a private community with a supplier's token (it is invisible to a supplier)",
                 code="not_found")
    expect.equal(await posts.count_posts(), 1, "documents in 'posts' after 1 accepted and 2 refused creates")
    expect.equal(len(events.of_type("post.created")), 1, "post.created events after 1 accepted and 2 refused creates")
