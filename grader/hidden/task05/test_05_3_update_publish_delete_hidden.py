"""05.3 Update, publish and delete (hidden tests)."""

import pytest

from grader.testkit import accounts, communities, expect, posts, race, tokens

pytestmark = pytest.mark.exercise("05.3")


@pytest.mark.weight(3)
@pytest.mark.race("a publish sent several times at the same moment happens once")
async def test_a_publish_sent_several_times_at_once_happens_once(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    headers = tokens.as_user(lea, settings)
    for round_ in race.rounds():
        draft = await posts.seed_post(lea, club, f"draft {round_}", status="draft")
        path = f"/posts/{draft.id}/publish"
        responses = await race.at_once(client.post(path, headers=headers) for _ in range(4))
        expect.equal(race.statuses(responses), [200, 409, 409, 409], f"statuses of 4 POST {path} sent at the same "
                     "moment (the move happens once: change the status with one conditional update)")
        for response in race.winners(responses, 409):
            expect.error(response, 409, f"a POST {path} that lost the race", code="state_conflict")
        published = [e for e in events.of_type("post.published") if e["entity_id"] == str(draft.id)]
        expect.equal(len(published), 1, f"post.published events after 4 POST {path} sent at the same moment")


async def test_edits_keep_the_content_rules(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    headers = tokens.as_user(lea, settings)
    image = await posts.seed_post(lea, club, None, post_type="image", media=[posts.IMAGE])
    two = [posts.IMAGE, {**posts.IMAGE, "media_url": "https://cdn.example.com/p/b.jpg"}]
    body = expect.status(await client.patch(f"/posts/{image.id}", json={"media": two}, headers=headers), 200,
                         "PATCH /posts/{id} of an image post with two images")
    expect.equal(len(body.get("media") or []), 2, "media in the response after sending two images")
    link = await posts.seed_post(lea, club, "see", post_type="link", link_preview=posts.LINK)
    hidden = await posts.seed_post(lea, club, "hidden", status="hidden")
    for post, change, field, what in ((image, {"media": []}, "media", "an image post's media emptied"),
                                      (image, {"media": None}, "media", "an image post's media cleared"),
                                      (link, {"link_preview": None}, "link_preview", "a link post's preview cleared"),
                                      (link, {}, None, "an empty body")):
        error = expect.error(await client.patch(f"/posts/{post.id}", json=change, headers=headers), 422,
                             f"PATCH /posts/{{id}} with {what}", code="validation_error")
        if field:
            expect.equal(error.get("details"), {"field": field}, f"details of the error for {what}")
    expect.error(await client.patch(f"/posts/{hidden.id}", json={"text_content": "x"}, headers=headers), 409,
                 "PATCH /posts/{id} of a hidden post by its author", code="state_conflict")
    expect.equal(len((await posts.stored(image)).media), 2, "media stored after the refused edits")


async def test_delete_gives_back_a_pin_and_publish_needs_an_active_community(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    headers = tokens.as_user(lea, settings)
    pinned = await posts.seed_post(lea, club, "pinned", pinned=True)
    await posts.seed_post(lea, club, "also pinned", pinned=True)
    expect.status(await client.delete(f"/posts/{pinned.id}", headers=headers), 204, "DELETE /posts/{id} of a pinned "
                                                                                   "post")
    expect.equal(await posts.pinned_count(club), 1, "the community's pinned_post_count after deleting one of its 2 "
                                                    "pinned posts")
    expect.equal((await posts.stored(pinned)).is_pinned, False, "is_pinned stored after deleting a pinned post")
    plain = await posts.seed_post(lea, club, "plain")
    expect.status(await client.delete(f"/posts/{plain.id}", headers=headers), 204, "DELETE /posts/{id} of a post that "
                                                                                  "is not pinned")
    expect.equal(await posts.pinned_count(club), 1, "pinned_post_count after deleting a post that was not pinned")
    twice = await posts.seed_post(lea, club, "twice")
    responses = await race.at_once(client.delete(f"/posts/{twice.id}", headers=headers) for _ in range(2))
    expect.equal(race.statuses(responses), [204, 404], "statuses of 2 DELETE /posts/{id} sent at the same moment")
    archived = await communities.seed_community(lea, "Old Club", status="archived")
    draft = await posts.seed_post(lea, archived, "late", status="draft")
    expect.error(await client.post(f"/posts/{draft.id}/publish", headers=headers), 409,
                 "POST /posts/{id}/publish of a draft in an archived community", code="state_conflict")


async def test_an_empty_edit_is_refused_after_who_may_and_before_the_state(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    club = await communities.seed_community(lea, "Garden Club", members=[ada])
    headers = tokens.as_user(lea, settings)
    mine = await posts.seed_post(lea, club, "mine")
    hidden = await posts.seed_post(lea, club, "hidden", status="hidden")
    theirs = await posts.seed_post(ada, club, "theirs")
    expect.status(await client.patch(f"/posts/{mine.id}", json={"text_content": "edited"}, headers=headers), 200,
                  "PATCH /posts/{id} of a published post by its author")
    expect.error(await client.patch(f"/posts/{theirs.id}", json={}, headers=headers), 403,
                 "PATCH /posts/{id} with an empty body of someone else's post (who may comes first)", code="forbidden")
    for post, what in ((mine, "a published post"), (hidden, "a hidden post (the body is checked before the state)")):
        error = expect.error(await client.patch(f"/posts/{post.id}", json={}, headers=headers), 422,
                             f"PATCH /posts/{{id}} with an empty body of {what}", code="validation_error")
        expect.equal(error.get("details"), {"field": "body"}, f"details of the error for an empty body of {what}")
