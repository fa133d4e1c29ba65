"""03.5 Join and leave. Communities are put straight into the database."""

import pytest
from bson import ObjectId

from grader.testkit import accounts, communities, expect, race, tokens

pytestmark = pytest.mark.exercise("03.5")


@pytest.mark.weight(2)
async def test_join_adds_the_member_and_counts_them(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    club = await communities.seed_community(lea, "Garden Club")
    body = expect.status(await client.post(f"/communities/{club.id}/join", headers=tokens.as_user(ada, settings)), 200,
                         "POST /communities/{id}/join by a consumer")
    expect.equal(body.get("member_count"), 2, "member_count in the response after one join")
    stored = await communities.stored(club)
    expect.equal((stored.member_count, sorted(stored.member_ids)), (2, sorted([str(lea.id), str(ada.id)])),
                 "(member_count, member_ids) stored after one join")
    joined = events.of_type("community.member_joined")
    expect.equal([e["data"] for e in joined], [{"id": str(club.id), "user_id": str(ada.id), "member_count": 2}],
                 "data of the community.member_joined events")


async def test_leave_removes_the_member(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    club = await communities.seed_community(lea, "Garden Club", members=[ada])
    body = expect.status(await client.post(f"/communities/{club.id}/leave", headers=tokens.as_user(ada, settings)), 200,
                         "POST /communities/{id}/leave by a member")
    expect.equal(body.get("member_count"), 1, "member_count in the response after leaving")
    stored = await communities.stored(club)
    expect.equal((stored.member_count, stored.member_ids), (1, [str(lea.id)]), "(member_count, member_ids) stored")
    left = events.of_type("community.member_left")
    expect.equal([e["data"] for e in left], [{"id": str(club.id), "user_id": str(ada.id), "member_count": 1}],
                 "data of the community.member_left events")


async def test_the_owner_cannot_leave(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    club = await communities.seed_community(lea, "Garden Club", members=[ada])
    expect.status(await client.post(f"/communities/{club.id}/leave", headers=tokens.as_user(ada, settings)), 200,
                  "POST /communities/{id}/leave by a member")
    response = await client.post(f"/communities/{club.id}/leave", headers=tokens.as_user(lea, settings))
    expect.error(response, 409, "POST /communities/{id}/leave by the owner", code="state_conflict")
    stored = await communities.stored(club)
    expect.equal((stored.member_count, stored.member_ids), (1, [str(lea.id)]), "(member_count, member_ids) afterwards")


async def test_join_is_refused_when_suspended_closed_or_full(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    headers = tokens.as_user(ada, settings)
    roomy = await communities.seed_community(lea, "Roomy", max_members=2)
    expect.status(await client.post(f"/communities/{roomy.id}/join", headers=headers), 200,
                  "POST /join of an active community with room for one more")
    for name, options in (("Suspended", {"status": "suspended"}), ("Closed", {"accepting_members": False}),
                          ("Full", {"max_members": 1})):
        club = await communities.seed_community(lea, name, **options)
        response = await client.post(f"/communities/{club.id}/join", headers=headers)
        expect.error(response, 409, f"POST /join of a community that is {name.lower()}", code="state_conflict")
        expect.equal((await communities.stored(club)).member_count, 1, f"member_count of the {name.lower()} community")


@pytest.mark.weight(5)
@pytest.mark.must("member counts stay right under concurrent joins")
@pytest.mark.race("joins sent at the same moment each count once")
async def test_member_counts_stay_right_under_concurrent_joins(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    fans = [await accounts.seed_user(f"fan{i}@example.com", f"Fan {i}") for i in range(6)]
    ada = await accounts.seed_user("ada@example.com", "Ada")
    for round_ in race.rounds():
        club = await communities.seed_community(lea, f"Garden Club {round_}")
        join = f"/communities/{club.id}/join"
        responses = await race.at_once(client.post(join, headers=tokens.as_user(f, settings)) for f in fans)
        expect.equal(race.statuses(responses), [200] * 6, "statuses of 6 users joining at the same time")
        stored = await communities.stored(club)
        expect.equal((stored.member_count, len(stored.member_ids), len(set(stored.member_ids))), (7, 7, 7),
                     "(member_count, len(member_ids), distinct member_ids) after 6 joins at the same moment to a "
                     "community of 1 (add and count in one atomic update, not read, append and save)")
        responses = await race.at_once(client.post(join, headers=tokens.as_user(ada, settings)) for _ in range(4))
        expect.equal(race.statuses(responses), [200, 409, 409, 409],
                     "statuses of one user joining 4 times at once (one join, three refusals: the atomic update's "
                     "filter says the caller is not a member yet)")
        stored = await communities.stored(club)
        expect.equal((stored.member_count, len(stored.member_ids)), (8, 8),
                     "(member_count, len(member_ids)) after the same user joined 4 times at once")
        capped = await communities.seed_community(lea, f"Small Club {round_}", max_members=3)
        join = f"/communities/{capped.id}/join"
        responses = await race.at_once(client.post(join, headers=tokens.as_user(f, settings)) for f in fans)
        expect.equal(race.statuses(responses), [200, 200, 409, 409, 409, 409],
                     "statuses of 6 joins at the same moment to a community of 1 with max_members=3 (the atomic "
                     "update's filter says there is room)")
        stored = await communities.stored(capped)
        expect.equal((stored.member_count, len(stored.member_ids)), (3, 3),
                     "(member_count, len(member_ids)) of the full one")
    rounds = len(race.rounds())
    expect.equal(len(events.of_type("community.member_joined")), 9 * rounds,
                 f"community.member_joined events after {9 * rounds} joins (9 in each of {rounds} round(s))")


async def test_a_private_or_archived_community_cannot_be_joined_directly(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    headers = tokens.as_user(ada, settings)
    club = await communities.seed_community(lea, "Open")
    expect.status(await client.post(f"/communities/{club.id}/join", headers=headers), 200, "POST /join of a public one")
    for name, options in (("Secret", {"visibility": "private"}), ("Old", {"status": "archived"})):
        other = await communities.seed_community(lea, name, **options)
        expect.error(await client.post(f"/communities/{other.id}/join", headers=headers), 409,
                     f"POST /join of a {'private' if name == 'Secret' else 'archived'} community", code="state_conflict")
        expect.equal((await communities.stored(other)).member_ids, [str(lea.id)], f"member_ids of {name}")


async def test_missing_and_deleted_communities_are_not_found(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    headers = tokens.as_user(ada, settings)
    live = await communities.seed_community(lea, "Live")
    expect.status(await client.post(f"/communities/{live.id}/join", headers=headers), 200, "POST /join")
    gone = await communities.seed_community(lea, "Gone", deleted=True, members=[ada])
    for path in (f"/communities/{gone.id}/join", f"/communities/{gone.id}/leave", f"/communities/{ObjectId()}/join",
                 "/communities/abc/join", "/communities/abc/leave"):
        expect.error(await client.post(path, headers=headers), 404, f"POST {path}", code="not_found")
