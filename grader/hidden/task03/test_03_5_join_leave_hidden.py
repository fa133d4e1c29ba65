"""03.5 Join and leave (hidden tests)."""

import pytest

from grader.testkit import accounts, communities, expect, race, tokens

pytestmark = pytest.mark.exercise("03.5")


async def _setup():
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    return lea, ada


async def test_joining_twice_is_a_duplicate(client, settings):
    lea, ada = await _setup()
    club = await communities.seed_community(lea, "Garden Club")
    headers = tokens.as_user(ada, settings)
    expect.status(await client.post(f"/communities/{club.id}/join", headers=headers), 200, "POST /join")
    expect.error(await client.post(f"/communities/{club.id}/join", headers=headers), 409, "POST /join again",
                 code="duplicate")
    expect.equal((await communities.stored(club)).member_count, 2, "member_count after joining twice")
    for name, options in (("Secret", {"visibility": "private"}), ("Small", {"max_members": 2})):
        other = await communities.seed_community(lea, name, members=[ada], **options)
        expect.error(await client.post(f"/communities/{other.id}/join", headers=headers), 409,
                     f"POST /join by a member of {name} ({options}): a member is a duplicate before anything else",
                     code="duplicate")
    # The same answers when the requests race (on a real database the atomic update decides who is first).
    rush = await communities.seed_community(lea, "Rush")
    responses = await race.at_once(client.post(f"/communities/{rush.id}/join", headers=headers) for _ in range(4))
    refused = [r for r in responses if r.status_code != 200]
    expect.equal(len(refused), 3, "refusals among 4 joins by one user at the same moment")
    for response in refused:
        expect.error(response, 409, "a join that lost the race against the same user's other join", code="duplicate")


async def test_a_non_member_has_nothing_to_leave(client, settings):
    lea, ada = await _setup()
    bob = await accounts.seed_user("bob@example.com", "Bob")
    club = await communities.seed_community(lea, "Garden Club", members=[bob])
    expect.status(await client.post(f"/communities/{club.id}/leave", headers=tokens.as_user(bob, settings)), 200,
                  "POST /leave by a member")
    expect.error(await client.post(f"/communities/{club.id}/leave", headers=tokens.as_user(ada, settings)), 409,
                 "POST /leave by a non-member", code="state_conflict")
    expect.equal((await communities.stored(club)).member_count, 1, "member_count after a non-member's leave")


async def test_a_moderator_who_leaves_stops_moderating(client, settings):
    lea, ada = await _setup()
    club = await communities.seed_community(lea, "Garden Club", moderators=[ada])
    expect.status(await client.post(f"/communities/{club.id}/leave", headers=tokens.as_user(ada, settings)), 200,
                  "POST /leave by a moderator")
    stored = await communities.stored(club)
    expect.equal((stored.moderator_ids, stored.member_ids), ([], [str(lea.id)]), "(moderator_ids, member_ids) afterwards")


@pytest.mark.race("of joins sent at the same moment, no more than max_members get in")
async def test_the_last_place_is_taken_and_then_the_community_is_full(client, settings):
    lea, ada = await _setup()
    bob = await accounts.seed_user("bob@example.com", "Bob")
    club = await communities.seed_community(lea, "Small", max_members=2)
    expect.status(await client.post(f"/communities/{club.id}/join", headers=tokens.as_user(ada, settings)), 200,
                  "POST /join taking the last place")
    expect.error(await client.post(f"/communities/{club.id}/join", headers=tokens.as_user(bob, settings)), 409,
                 "POST /join of a full community", code="state_conflict")
    expect.status(await client.post(f"/communities/{club.id}/leave", headers=tokens.as_user(ada, settings)), 200,
                  "POST /leave")
    expect.status(await client.post(f"/communities/{club.id}/join", headers=tokens.as_user(bob, settings)), 200,
                  "POST /join after a place became free")
    crowd = [await accounts.seed_user(f"fan{i}@example.com") for i in range(4)]
    for round_ in race.rounds():
        last = await communities.seed_community(lea, f"Last Place {round_}", max_members=2)
        responses = await race.at_once(client.post(f"/communities/{last.id}/join", headers=tokens.as_user(f, settings))
                                       for f in crowd)
        refused = [r for r in responses if r.status_code != 200]
        expect.equal(len(refused), 3, "refusals among 4 joins sent at the same moment for the last place of a "
                     "community with max_members=2 (room goes into the atomic update's filter)")
        for response in refused:
            expect.error(response, 409, "a join that lost the race for the last place (the community is full)",
                         code="state_conflict")
        stored = await communities.stored(last)
        expect.equal((stored.member_count, len(stored.member_ids)), (2, 2),
                     "(member_count, len(member_ids)) after 4 joins at the same moment for the last place")


async def test_a_non_member_cannot_leave_a_private_community_they_cannot_see(client, settings):
    lea, ada = await _setup()
    bob = await accounts.seed_user("bob@example.com", "Bob")
    club = await communities.seed_community(lea, "Secret", visibility="private", members=[bob])
    expect.status(await client.post(f"/communities/{club.id}/leave", headers=tokens.as_user(bob, settings)), 200,
                  "POST /leave of a private community by a member")
    expect.error(await client.post(f"/communities/{club.id}/leave", headers=tokens.as_user(ada, settings)), 404,
                 "POST /leave of a private community by a non-member", code="not_found")


@pytest.mark.race("leaves sent at the same moment each count once")
async def test_concurrent_leaves_keep_the_count_right(client, events, settings):
    lea, _ = await _setup()
    fans = [await accounts.seed_user(f"fan{i}@example.com") for i in range(5)]
    for round_ in race.rounds():
        club = await communities.seed_community(lea, f"Garden Club {round_}", members=fans)
        responses = await race.at_once(client.post(f"/communities/{club.id}/leave", headers=tokens.as_user(f, settings))
                                       for f in fans[:4])
        expect.equal(race.statuses(responses), [200] * 4, "statuses of 4 members leaving at the same moment")
        stored = await communities.stored(club)
        expect.equal((stored.member_count, sorted(stored.member_ids)), (2, sorted([str(lea.id), str(fans[4].id)])),
                     "(member_count, member_ids) after 4 leaves sent at the same moment from 6 members ($pull with "
                     "$inc of -1 in one atomic update)")
        left = [e for e in events.of_type("community.member_left") if e["entity_id"] == str(club.id)]
        expect.equal(sorted(e["data"]["member_count"] for e in left), [2, 3, 4, 5],
                     "member_count in the 4 member_left events (each the count right after that leave)")


async def test_a_suspended_community_can_still_be_left(client, settings):
    lea, ada = await _setup()
    club = await communities.seed_community(lea, "Paused", status="suspended", members=[ada])
    expect.status(await client.post(f"/communities/{club.id}/leave", headers=tokens.as_user(ada, settings)), 200,
                  "POST /leave of a suspended community by a member")
    expect.equal((await communities.stored(club)).member_count, 1, "member_count afterwards")
