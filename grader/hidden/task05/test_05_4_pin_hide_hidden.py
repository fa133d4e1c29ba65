"""05.4 Pin, unpin and hide (hidden tests)."""

import pytest
from bson import ObjectId

from grader.testkit import accounts, communities, expect, posts, race, tokens

pytestmark = pytest.mark.exercise("05.4")


@pytest.mark.weight(4)
@pytest.mark.race("pins sent at the same moment never exceed the community's pin limit")
async def test_pins_at_the_same_moment_never_exceed_the_limit(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    headers = tokens.as_user(lea, settings)
    for round_ in race.rounds():
        club = await communities.seed_community(lea, f"Garden Club {round_}")
        await posts.seed_post(lea, club, "pinned already", pinned=True)
        candidates = [await posts.seed_post(lea, club, f"candidate {i}") for i in range(5)]
        responses = await race.at_once(client.post(f"/posts/{p.id}/pin", headers=headers) for p in candidates)
        expect.equal(race.statuses(responses), [200, 200, 409, 409, 409],
                     "statuses of 5 pins of different posts sent at the same moment with 2 of 3 places free (take a "
                     "place with one conditional update of the count, not count and then pin)")
        pinned = await posts.count_posts({"community_id": str(club.id), "is_pinned": True})
        expect.equal((pinned, await posts.pinned_count(club)), (3, 3),
                     "(pinned posts stored, the community's pinned_post_count) after the concurrent pins")
        again = await posts.seed_post(lea, club, "again")
        for post in [p for p, r in zip(candidates, responses) if r.status_code == 200]:
            expect.status(await client.post(f"/posts/{post.id}/unpin", headers=headers), 200,
                          "POST /posts/{id}/unpin of a post the race pinned")
        responses = await race.at_once(client.post(f"/posts/{again.id}/pin", headers=headers) for _ in range(3))
        expect.equal(race.statuses(responses), [200, 409, 409],
                     "statuses of one post pinned 3 times at the same moment with 2 places free")
        expect.equal(await posts.pinned_count(club), 2, "pinned_post_count after the same post was pinned 3 times at "
                                                        "once (it takes one place)")


@pytest.mark.weight(2)
async def test_pin_unpin_and_hide_only_from_the_right_state(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    headers = tokens.as_user(lea, settings)
    pinned = await posts.seed_post(lea, club, "pinned", pinned=True)
    plain = await posts.seed_post(lea, club, "plain")
    hidden = await posts.seed_post(lea, club, "hidden", status="hidden")
    draft = await posts.seed_post(lea, club, "draft", status="draft")
    expect.status(await client.post(f"/posts/{pinned.id}/unpin", headers=headers), 200, "POST /posts/{id}/unpin of a "
                                                                                      "pinned post")
    for path, what in ((f"/posts/{pinned.id}/unpin", "unpin of a post unpinned already"),
                       (f"/posts/{plain.id}/unpin", "unpin of a post that was never pinned"),
                       (f"/posts/{hidden.id}/pin", "pin of a hidden post"),
                       (f"/posts/{draft.id}/pin", "pin of a draft (by its author, a moderator)"),
                       (f"/posts/{draft.id}/hide", "hide of a draft"),
                       (f"/posts/{hidden.id}/hide", "hide of a hidden post")):
        expect.error(await client.post(path, headers=headers), 409, f"POST {what}", code="state_conflict")
    expect.status(await client.post(f"/posts/{plain.id}/pin", headers=headers), 200, "POST /posts/{id}/pin")
    expect.error(await client.post(f"/posts/{plain.id}/pin", headers=headers), 409, "POST /posts/{id}/pin of a "
                 "pinned post", code="state_conflict")
    expect.equal(await posts.pinned_count(club), 1, "pinned_post_count after the refused moves")
    other = await posts.seed_post(lea, club, "other")
    expect.status(await client.post(f"/posts/{other.id}/hide", headers=headers), 200, "POST /posts/{id}/hide of a "
                                                                                    "post that is not pinned")
    expect.equal(await posts.pinned_count(club), 1, "pinned_post_count after hiding a post that was not pinned")
    for action in ("unpin", "hide"):  # plain is pinned; two of each at the same moment: one happens
        responses = await race.at_once(client.post(f"/posts/{plain.id}/{action}", headers=headers) for _ in range(2))
        expect.equal(race.statuses(responses), [200, 409], f"statuses of 2 POST /posts/{{id}}/{action} sent at the "
                                                           "same moment")
    expect.equal(await posts.pinned_count(club), 0, "pinned_post_count after the unpins and hides")
    for path in (f"/posts/{ObjectId()}/pin", "/posts/abc/hide"):
        expect.error(await client.post(path, headers=headers), 404, f"POST {path}", code="not_found")


async def test_an_archived_or_suspended_community_is_still_moderated(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    headers = tokens.as_user(lea, settings)
    for status in ("active", "archived", "suspended"):
        club = await communities.seed_community(lea, f"{status.title()} Club", status=status)
        post = await posts.seed_post(lea, club, "rules")
        for action in ("pin", "unpin", "hide"):
            expect.status(await client.post(f"/posts/{post.id}/{action}", headers=headers), 200,
                          f"POST /posts/{{id}}/{action} in the {status} community by its owner")
        expect.equal(await posts.pinned_count(club), 0, f"pinned_post_count of the {status} community after a pin, "
                                                        "an unpin and a hide")
