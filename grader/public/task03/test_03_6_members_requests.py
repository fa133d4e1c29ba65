"""03.6 Members and join requests. Communities and requests are put straight into the database."""

import pytest
from bson import ObjectId

from grader.testkit import accounts, communities, expect, race, tokens
from shared.models.community import Community

pytestmark = pytest.mark.exercise("03.6")


async def test_members_page_by_cursor_while_people_join(client):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    fans = [await accounts.seed_user(f"fan{i}@example.com") for i in range(4)]
    club = await communities.seed_community(lea, "Garden Club", moderators=fans[:1], members=fans[1:])
    first = expect.status(await client.get(f"/communities/{club.id}/members", params={"limit": 3}), 200,
                          "GET /communities/{id}/members?limit=3 of a public community with 5 members")
    expect.true(first.get("next_cursor"), f"members with limit=3 of 5 gave no next_cursor: {first}")
    await communities.seed_join_request(club, lea)  # unrelated noise
    second = expect.status(await client.get(f"/communities/{club.id}/members",
                                            params={"limit": 3, "cursor": first["next_cursor"]}), 200,
                           "GET /communities/{id}/members with the next cursor")
    items = first.get("items", []) + second.get("items", [])
    expected = sorted([(str(lea.id), "owner"), (str(fans[0].id), "moderator")] + [(str(f.id), "member") for f in fans[1:]])
    expect.equal([(m.get("user_id"), m.get("role")) for m in items], expected,
                 "(user_id, role) over both pages, ordered by user id")
    expect.equal(second.get("next_cursor"), None, "next_cursor of the last page")
    whole = expect.status(await client.get(f"/communities/{club.id}/members", params={"limit": 5}), 200,
                          "GET /communities/{id}/members?limit=5 of a community with exactly 5 members")
    expect.equal((len(whole.get("items", [])), whole.get("next_cursor")), (5, None),
                 "(items, next_cursor) when the page holds every member: nothing is left for a next page")
    one = expect.status(await client.get(f"/communities/{club.id}/members", params={"limit": 1}), 200,
                        "GET /communities/{id}/members?limit=1")
    expect.equal([m.get("user_id") for m in one.get("items", [])], [expected[0][0]], "user ids with limit=1")
    error = expect.error(await client.get(f"/communities/{club.id}/members", params={"cursor": "not-a-cursor"}), 422,
                         "GET /communities/{id}/members?cursor=not-a-cursor (a cursor this listing never gave)",
                         code="validation_error")
    expect.equal(error.get("details"), {"field": "cursor"}, "details of the error for an unreadable cursor")
    big = await communities.seed_community(lea, "Big Club")
    crowd = [str(lea.id)] + [str(ObjectId()) for _ in range(119)]
    await Community.get_motor_collection().update_one({"_id": big.id},
                                                      {"$set": {"member_ids": crowd, "member_count": len(crowd)}})
    body = expect.status(await client.get(f"/communities/{big.id}/members", params={"limit": 500}), 200,
                         "GET /communities/{id}/members?limit=500 of a community with 120 members")
    expect.equal((len(body.get("items", [])), bool(body.get("next_cursor"))), (100, True),
                 "(items, has next_cursor) when asking for 500 of 120 members (the page is capped at 100)")


async def test_a_request_is_listed_and_approved(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    club = await communities.seed_community(lea, "Secret Garden", visibility="private")
    body = expect.status(await client.post(f"/communities/{club.id}/join-requests", json={"message": "Hi!"},
                                           headers=tokens.as_user(ada, settings)), 201,
                         "POST /communities/{id}/join-requests to a private community")
    expect.equal((body.get("status"), body.get("user_id"), body.get("message")), ("pending", str(ada.id), "Hi!"),
                 "(status, user_id, message) of the request")
    listed = expect.status(await client.get(f"/communities/{club.id}/join-requests",
                                            headers=tokens.as_user(lea, settings)), 200,
                           "GET /communities/{id}/join-requests by the owner")
    expect.equal([r.get("id") for r in listed], [body.get("id")], "ids of the pending requests")
    approved = expect.status(await client.post(f"/communities/{club.id}/join-requests/{body['id']}/approve",
                                               headers=tokens.as_user(lea, settings)), 200, "POST .../approve by the owner")
    expect.equal((approved.get("status"), approved.get("decided_by")), ("approved", str(lea.id)),
                 "(status, decided_by) of the approved request")
    stored = await communities.stored(club)
    expect.equal((stored.member_count, stored.is_member(str(ada.id))), (2, True), "(member_count, requester is member)")
    expect.equal([e["data"] for e in events.of_type("community.member_joined")],
                 [{"id": str(club.id), "user_id": str(ada.id), "member_count": 2}], "data of community.member_joined")


async def test_a_rejected_request_adds_nobody(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    club = await communities.seed_community(lea, "Secret Garden", visibility="private")
    request = await communities.seed_join_request(club, ada)
    body = expect.status(await client.post(f"/communities/{club.id}/join-requests/{request.id}/reject",
                                           headers=tokens.as_user(lea, settings)), 200, "POST .../reject by the owner")
    expect.equal(body.get("status"), "rejected", "status of the rejected request")
    expect.equal((await communities.stored(club)).member_ids, [str(lea.id)], "member_ids after the rejection")
    response = await client.post(f"/communities/{club.id}/join-requests/{request.id}/approve",
                                 headers=tokens.as_user(lea, settings))
    expect.error(response, 409, "POST .../approve of a rejected request", code="state_conflict")


@pytest.mark.race("a join request is decided once, also when decisions are sent at the same moment")
async def test_a_request_is_decided_once_when_decisions_arrive_at_the_same_moment(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    mods = [await accounts.seed_user(f"mod{i}@example.com", f"Mod {i}") for i in range(2)]
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    deciders = [lea, *mods, root]  # the owner, two moderators and an admin
    club = await communities.seed_community(lea, "Secret Garden", visibility="private", moderators=mods)
    members = 3
    for round_ in race.rounds():
        ada = await accounts.seed_user(f"ada{round_}@example.com", f"Ada {round_}")
        bob = await accounts.seed_user(f"bob{round_}@example.com", f"Bob {round_}")
        twice, either = await communities.seed_join_request(club, ada), await communities.seed_join_request(club, bob)
        base = f"/communities/{club.id}/join-requests"
        # Four approvals at the same moment: one decides, the others find the request decided.
        responses = await race.at_once(client.post(f"{base}/{twice.id}/approve", headers=tokens.as_user(user, settings))
                                       for user in deciders)
        expect.equal(race.statuses(responses), [200, 409, 409, 409], f"statuses of POST .../approve of {ada.email}'s "
                     "request by the owner, two moderators and an admin at the same moment (claim the request with "
                     "one conditional update)")
        for response in race.winners(responses, 409):
            expect.error(response, 409, "an approval that lost the race (the request is no longer pending)",
                         code="state_conflict")
        members += 1
        joined = [e for e in events.of_type("community.member_joined") if e["data"].get("user_id") == str(ada.id)]
        stored = await communities.stored(club)
        expect.equal(((await communities.stored_request(twice)).status.value, stored.member_count,
                      len(stored.member_ids), len(joined)), ("approved", members, members, 1),
                     f"(request status, member_count, len(member_ids), member_joined events for {ada.email}) after "
                     "four approvals at the same moment")
        # Two approvals and two rejections at the same moment: exactly one of them decides.
        actions = ["approve", "reject", "approve", "reject"]
        responses = await race.at_once(client.post(f"{base}/{either.id}/{action}",
                                                   headers=tokens.as_user(user, settings))
                                       for action, user in zip(actions, deciders))
        expect.equal(race.statuses(responses), [200, 409, 409, 409], f"statuses of two POST .../approve and two "
                     f"POST .../reject of {bob.email}'s request sent at the same moment")
        [winner] = [action for action, r in zip(actions, responses) if r.status_code == 200] or [None]
        approved = winner == "approve"
        members += approved
        joined = [e for e in events.of_type("community.member_joined") if e["data"].get("user_id") == str(bob.id)]
        stored = await communities.stored(club)
        expect.equal(((await communities.stored_request(either)).status.value, stored.is_member(str(bob.id)),
                      stored.member_count, len(joined)),
                     ("approved" if approved else "rejected", approved, members, int(approved)),
                     f"(request status, requester is member, member_count, member_joined events) after the "
                     f"{'approval' if approved else 'rejection'} won the race")


@pytest.mark.weight(5)
@pytest.mark.must("a private community's members are invisible to non-members")
async def test_a_private_communitys_members_are_invisible_to_non_members(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    bob = await accounts.seed_user("bob@example.com", "Bob")
    club = await communities.seed_community(lea, "Secret Garden", visibility="private", members=[ada])
    path = f"/communities/{club.id}/members"
    body = expect.status(await client.get(path, headers=tokens.as_user(ada, settings)), 200, f"GET {path} by a member")
    expect.equal(len(body.get("items", [])), 2, "members seen by a member")
    for headers, who in ((tokens.as_user(bob, settings), "a non-member"), ({}, "an anonymous caller")):
        expect.error(await client.get(path, headers=headers), 404, f"GET {path} of a private community by {who}",
                     code="not_found")
    expect.error(await client.get(f"/communities/{club.id}/join-requests", headers=tokens.as_user(bob, settings)), 404,
                 "GET .../join-requests of a private community by a non-member", code="not_found")


@pytest.mark.weight(5)
@pytest.mark.must("only the owner, its moderators or an admin decide join requests")
async def test_only_the_owner_moderators_or_an_admin_decide_requests(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    mod = await accounts.seed_user("mod@example.com", "Mod")
    ada = await accounts.seed_user("ada@example.com", "Ada", role="leader")  # a leader, but a plain member here
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    asking = [await accounts.seed_user(f"ask{i}@example.com") for i in range(4)]
    club = await communities.seed_community(lea, "Secret Garden", visibility="private", moderators=[mod], members=[ada])
    requests = [await communities.seed_join_request(club, user) for user in asking]
    for request, (user, who) in zip(requests, ((lea, "the owner"), (mod, "a moderator"), (root, "an admin"))):
        expect.status(await client.post(f"/communities/{club.id}/join-requests/{request.id}/approve",
                                        headers=tokens.as_user(user, settings)), 200, f"POST .../approve by {who}")
    last = requests[3]
    for user, who in ((ada, "a plain member (a leader elsewhere)"), (asking[3], "the requester")):
        for action in ("approve", "reject"):
            response = await client.post(f"/communities/{club.id}/join-requests/{last.id}/{action}",
                                         headers=tokens.as_user(user, settings))
            expect.error(response, 403 if user is ada else 404, f"POST .../{action} by {who}",
                         code="forbidden" if user is ada else "not_found")
        expect.error(await client.get(f"/communities/{club.id}/join-requests", headers=tokens.as_user(user, settings)),
                     403 if user is ada else 404, f"GET .../join-requests by {who}")
    stored = await communities.stored(club)
    expect.equal((stored.member_count, stored.is_member(str(asking[3].id)), (await communities.stored_request(last)).status.value),
                 (6, False, "pending"), "(member_count, last requester is member, last request's status) after refusals")


async def test_duplicate_and_misplaced_requests_are_refused(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    secret = await communities.seed_community(lea, "Secret", visibility="private")
    public = await communities.seed_community(lea, "Open")
    closed = await communities.seed_community(lea, "Closed", visibility="private", accepting_members=False)
    full = await communities.seed_community(lea, "Full", visibility="private", max_members=1)
    suspended = await communities.seed_community(lea, "Paused", visibility="private", status="suspended")
    headers = tokens.as_user(ada, settings)
    expect.status(await client.post(f"/communities/{secret.id}/join-requests", headers=headers), 201, "a first request")
    expect.error(await client.post(f"/communities/{secret.id}/join-requests", headers=headers), 409,
                 "a second request while the first is pending", code="duplicate")
    expect.error(await client.post(f"/communities/{secret.id}/join-requests", headers=tokens.as_user(lea, settings)),
                 409, "a request by the owner (already a member)", code="duplicate")
    expect.error(await client.post(f"/communities/{public.id}/join-requests", headers=headers), 409,
                 "a request to a public community", code="state_conflict")
    expect.error(await client.post(f"/communities/{closed.id}/join-requests", headers=headers), 409,
                 "a request to a community closed to new members", code="state_conflict")
    expect.error(await client.post(f"/communities/{full.id}/join-requests", headers=headers), 409,
                 "a request to a private community that is full (max_members 1, the owner only)",
                 code="state_conflict")
    expect.error(await client.post(f"/communities/{suspended.id}/join-requests", headers=headers), 409,
                 "a request to a suspended private community", code="state_conflict")
