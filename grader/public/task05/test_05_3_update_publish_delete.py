"""05.3 Update, publish and delete. Users, communities and posts are put straight into the database."""

import pytest

from grader.testkit import accounts, communities, expect, posts, tokens

pytestmark = pytest.mark.exercise("05.3")


@pytest.mark.weight(3)
async def test_the_author_edits_a_draft_and_a_published_post(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    club = await communities.seed_community(lea, "Garden Club", members=[ada])
    draft = await posts.seed_post(ada, club, "first try", status="draft")
    headers = tokens.as_user(ada, settings)
    body = expect.status(await client.patch(f"/posts/{draft.id}", json={"text_content": "second try"},
                                            headers=headers), 200, "PATCH /posts/{id} of a draft by its author")
    expect.equal((body.get("text_content"), body.get("status"), body.get("edited_at")), ("second try", "draft", None),
                 "(text_content, status, edited_at) after editing a draft (edited_at is for published posts)")
    published = await posts.seed_post(ada, club, "out there", post_type="link", link_preview=posts.LINK)
    new_preview = {**posts.LINK, "title": "Growing roses, updated"}
    body = expect.status(await client.patch(f"/posts/{published.id}", json={"link_preview": new_preview},
                                            headers=headers), 200, "PATCH /posts/{id} of a published post by its author")
    expect.equal(((body.get("link_preview") or {}).get("title"), body.get("text_content")),
                 ("Growing roses, updated", "out there"), "(link_preview.title, text_content) after sending only "
                                                          "link_preview (fields not sent stay)")
    expect.about_now(body.get("edited_at"), "edited_at after editing a published post")
    stored = await posts.stored(published)
    expect.equal(stored.link_preview.title if stored.link_preview else None, "Growing roses, updated",
                 "link_preview.title stored")
    expect.about_now(stored.updated_at, "updated_at stored after the edit")
    expect.equal([(e["entity_id"], e["data"].get("text_content")) for e in events.of_type("post.updated")],
                 [(str(draft.id), "second try"), (str(published.id), "out there")],
                 "(entity_id, data.text_content) of the post.updated events")


@pytest.mark.weight(3)
async def test_publish_a_draft_once(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    draft = await posts.seed_post(lea, club, "soon", status="draft")
    headers = tokens.as_user(lea, settings)
    body = expect.status(await client.post(f"/posts/{draft.id}/publish", headers=headers), 200,
                         "POST /posts/{id}/publish of a draft by its author")
    expect.equal(body.get("status"), "published", "status after publishing")
    expect.about_now(body.get("published_at"), "published_at after publishing")
    feed = expect.status(await client.get(f"/posts/community/{club.id}"), 200, "GET /posts/community/{id}")
    expect.equal([item.get("id") for item in feed.get("items") or []], [str(draft.id)], "ids in the feed")
    expect.equal([(e["entity_id"], e["data"].get("status")) for e in events.of_type("post.published")],
                 [(str(draft.id), "published")], "(entity_id, data.status) of the post.published events")
    response = await client.post(f"/posts/{draft.id}/publish", headers=headers)
    expect.error(response, 409, "POST /posts/{id}/publish of a post published already (a refused state move is a 409, "
                                "never a 422)", code="state_conflict")
    expect.equal(len(events.of_type("post.published")), 1, "post.published events after the refused second publish")


@pytest.mark.weight(5)
@pytest.mark.must("only the author edits, publishes or deletes a post")
async def test_only_the_author_edits_publishes_or_deletes_a_post(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    bob = await accounts.seed_user("bob@example.com", "Bob")
    mod = await accounts.seed_user("mod@example.com", "Mod")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    club = await communities.seed_community(lea, "Garden Club", members=[ada, bob], moderators=[mod])
    mine = await posts.seed_post(ada, club, "mine")
    draft = await posts.seed_post(ada, club, "mine, later", status="draft")
    other = await posts.seed_post(ada, club, "another")
    author = tokens.as_user(ada, settings)
    expect.status(await client.patch(f"/posts/{mine.id}", json={"text_content": "mine!"}, headers=author), 200,
                  "PATCH /posts/{id} by its author")
    expect.status(await client.post(f"/posts/{draft.id}/publish", headers=author), 200,
                  "POST /posts/{id}/publish by its author")
    expect.status(await client.delete(f"/posts/{other.id}", headers=author), 204, "DELETE /posts/{id} by its author")
    before = [len(events.of_type(t)) for t in ("post.updated", "post.published", "post.deleted")]
    late = await posts.seed_post(ada, club, "a draft of hers", status="draft")
    for user, who in ((bob, "another member"), (mod, "a moderator"), (lea, "the community's owner"),
                      (root, "an admin")):
        headers = tokens.as_user(user, settings)
        expect.error(await client.patch(f"/posts/{mine.id}", json={"text_content": "not yours"}, headers=headers),
                     403, f"PATCH /posts/{{id}} by {who}", code="forbidden")
        expect.error(await client.delete(f"/posts/{mine.id}", headers=headers), 403, f"DELETE /posts/{{id}} by {who}",
                     code="forbidden")
        expect.error(await client.post(f"/posts/{late.id}/publish", headers=headers), 404,
                     f"POST /posts/{{id}}/publish of someone else's draft by {who} (a draft is invisible to them)",
                     code="not_found")
    stored, stored_late = await posts.stored(mine), await posts.stored(late)
    expect.equal((stored.text_content, stored.deleted_at, stored_late.status.value), ("mine!", None, "draft"),
                 "(text_content, deleted_at, the other draft's status) after the refused requests")
    after = [len(events.of_type(t)) for t in ("post.updated", "post.published", "post.deleted")]
    expect.equal(after, before, "(post.updated, post.published, post.deleted) events before and after the refused "
                                "requests")


@pytest.mark.weight(3)
async def test_delete_is_soft(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    post = await posts.seed_post(lea, club, "bye")
    headers = tokens.as_user(lea, settings)
    expect.status(await client.delete(f"/posts/{post.id}", headers=headers), 204, "DELETE /posts/{id} by its author")
    stored = await posts.stored(post)
    expect.true(stored is not None, "after DELETE the document is gone from 'posts'; a delete must be soft")
    expect.about_now(stored.deleted_at, "deleted_at after DELETE /posts/{id}")
    expect.equal([e["data"] for e in events.of_type("post.deleted")], [{"id": str(post.id)}],
                 "data of the post.deleted events")
    expect.error(await client.get(f"/posts/{post.id}", headers=headers), 404, "GET /posts/{id} after the delete",
                 code="not_found")
    expect.error(await client.delete(f"/posts/{post.id}", headers=headers), 404, "DELETE /posts/{id} a second time",
                 code="not_found")
