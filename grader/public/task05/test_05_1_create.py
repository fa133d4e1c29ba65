"""05.1 Create a post. Users and communities are put straight into the database."""

import pytest

from grader.testkit import accounts, communities, expect, posts, tokens

pytestmark = pytest.mark.exercise("05.1")


@pytest.mark.weight(4)
async def test_a_member_creates_a_published_post(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    club = await communities.seed_community(lea, "Garden Club", members=[ada])
    response = await client.post("/posts", json=posts.body(club), headers=tokens.as_user(ada, settings))
    body = expect.status(response, 201, "POST /posts of a text post by a member")
    expect.equal((body.get("community_id"), body.get("post_type"), body.get("status"), body.get("text_content")),
                 (str(club.id), "text", "published", "Hello, garden!"),
                 "(community_id, post_type, status, text_content) in the response")
    expect.about_now(body.get("published_at"), "published_at of a post created without draft")
    expect.equal(body.get("author"), {"user_id": str(ada.id), "display_name": "Ada", "avatar": ada.profile.avatar,
                                      "author_type": "consumer"},
                 "author in the response (a snapshot of the user: user_id, display_name, avatar, author_type = role)")
    stored = await posts.stored_id(body.get("id"))
    expect.true(stored is not None, f"no document in 'posts' has the id of the response ({body.get('id')!r})")
    expect.equal((stored.author.user_id, stored.status.value), (str(ada.id), "published"),
                 "(author.user_id, status) stored")
    created = events.of_type("post.created")
    expect.equal([(e["entity_id"], e["data"].get("status"), e["data"].get("author", {}).get("user_id"))
                  for e in created], [(body["id"], "published", str(ada.id))],
                 "(entity_id, data.status, data.author.user_id) of the post.created events")


@pytest.mark.weight(2)
async def test_a_draft_is_not_published(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    response = await client.post("/posts", json=posts.body(club, draft=True), headers=tokens.as_user(lea, settings))
    body = expect.status(response, 201, "POST /posts with draft=true by the community's owner")
    expect.equal((body.get("status"), body.get("published_at")), ("draft", None),
                 "(status, published_at) of a post created with draft=true")
    expect.equal([e["data"].get("status") for e in events.of_type("post.created")], ["draft"],
                 "data.status of the post.created events")


@pytest.mark.weight(2)
async def test_media_and_link_previews_are_kept(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    headers = tokens.as_user(lea, settings)
    second = {**posts.IMAGE, "media_url": "https://cdn.example.com/p/tulip.png", "thumbnail_url": None}
    for post_type, extra, field, want in (
            ("image", {"media": [posts.IMAGE, second]}, "media", None),
            ("video", {}, "media", None),
            ("link", {"text_content": "Worth a read"}, "link_preview", posts.LINK),
            ("poll", {}, "text_content", "Roses or tulips?")):
        sent = posts.body(club, post_type, **extra)
        body = expect.status(await client.post("/posts", json=sent, headers=headers), 201,
                             f"POST /posts of a {post_type} post")
        if field == "media":
            got = [{k: v for k, v in m.items() if v is not None} for m in body.get("media") or []]
            want = [{k: v for k, v in m.items() if v is not None} for m in sent["media"]]
        else:
            got = body.get(field)
        expect.equal(got, want, f"{field} of the {post_type} post in the response (as sent)")
        expect.equal(body.get("post_type"), post_type, f"post_type of the {post_type} post")


@pytest.mark.weight(5)
@pytest.mark.must("only members post in a community")
async def test_only_members_post_in_a_community(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    bob = await accounts.seed_user("bob@example.com", "Bob", role="leader")  # a leader, but not a member here
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    club = await communities.seed_community(lea, "Garden Club", members=[ada])
    secret = await communities.seed_community(lea, "Secret Garden", visibility="private", members=[ada])
    for community, user, who in ((club, ada, "a member"), (club, lea, "the owner"), (secret, ada, "a member")):
        expect.status(await client.post("/posts", json=posts.body(community), headers=tokens.as_user(user, settings)),
                      201, f"POST /posts in the {community.name} by {who}")
    for user, who in ((bob, "a leader who is not a member"), (root, "an admin who is not a member")):
        response = await client.post("/posts", json=posts.body(club), headers=tokens.as_user(user, settings))
        expect.error(response, 403, f"POST /posts in a public community by {who}", code="forbidden")
    response = await client.post("/posts", json=posts.body(secret), headers=tokens.as_user(bob, settings))
    expect.error(response, 404, "POST /posts in a private community by a non-member (it is invisible to them)",
                 code="not_found")
    expect.equal(await posts.count_posts(), 3, "documents in 'posts' after 3 accepted and 3 refused creates")
    expect.equal(len(events.of_type("post.created")), 3, "post.created events after 3 accepted and 3 refused creates")
    response = await client.post("/posts", json=posts.body(club))
    expect.error(response, 401, "POST /posts without a token")


@pytest.mark.weight(3)
async def test_the_content_must_fit_the_type(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    headers = tokens.as_user(lea, settings)
    expect.status(await client.post("/posts", json=posts.body(club, "video"), headers=headers), 201,
                  "POST /posts of a video post with a video that has duration_seconds")
    no_duration = {k: v for k, v in posts.VIDEO.items() if k != "duration_seconds"}
    for post_type, extra, field, what in (
            ("text", {"text_content": "   "}, "text_content", "a text post whose text is blank"),
            ("poll", {"text_content": None}, "text_content", "a poll without text_content"),
            ("image", {"media": []}, "media", "an image post without media"),
            ("image", {"media": [posts.IMAGE, posts.VIDEO]}, "media", "an image post with a video among its media"),
            ("video", {"media": [posts.IMAGE]}, "media", "a video post whose only medium is an image"),
            ("video", {"media": [no_duration]}, "media", "a video post whose video has no duration_seconds"),
            ("image", {"media": [{**posts.IMAGE, "duration_seconds": 3}]}, "media", "an image with duration_seconds"),
            ("link", {"link_preview": None, "text_content": "see"}, "link_preview", "a link post without link_preview")):
        response = await client.post("/posts", json=posts.body(club, post_type, **extra), headers=headers)
        error = expect.error(response, 422, f"POST /posts of {what}", code="validation_error")
        expect.equal(error.get("details"), {"field": field}, f"details of the error for {what}")
    expect.equal(await posts.count_posts(), 1, "documents in 'posts' after 1 accepted and 8 refused creates")
