"""03.6 Members and join requests (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, communities, expect, paging, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("03.6")


@pytest.mark.ties("GET /communities/{id}/join-requests")
async def test_requests_come_oldest_first_and_approving_into_a_full_community_keeps_one_pending(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    bob = await accounts.seed_user("bob@example.com", "Bob")
    club = await communities.seed_community(lea, "Secret", visibility="private", max_members=2)
    first, second = await communities.seed_join_request(club, ada), await communities.seed_join_request(club, bob)
    cy = await accounts.seed_user("cy@example.com", "Cy")
    oldest = await communities.seed_join_request(club, cy, created_at=utc_now() - timedelta(hours=1))
    # Requests made in the same instant: the tiebreak (_id, ascending) alone decides their order.
    same_time = utc_now() - timedelta(minutes=30)
    ids, insert_order = paging.tied_ids(5)
    tied = {}
    for n, request_id in enumerate(insert_order):
        user = await accounts.seed_user(f"tied{n}@example.com", f"Tied {n}")
        await communities.seed_join_request(club, user, created_at=same_time, id=request_id)
        tied[str(request_id)] = f"tied{n}@example.com's"
    headers = tokens.as_user(lea, settings)
    listed = expect.status(await client.get(f"/communities/{club.id}/join-requests", headers=headers), 200,
                           "GET /communities/{id}/join-requests by the owner")
    expect.true(isinstance(listed, list), f"GET /communities/{{id}}/join-requests: expected a JSON list, got {listed}")
    paging.expect_each_once(listed, [oldest.id, *ids, first.id, second.id], "ids of the pending requests, oldest "
                            "first: cy's made an hour ago, 5 made in one instant half an hour ago (ties in _id order), "
                            "then ada's and bob's", names={**tied, str(oldest.id): "cy's", str(first.id): "ada's",
                                                           str(second.id): "bob's"})
    expect.status(await client.post(f"/communities/{club.id}/join-requests/{first.id}/approve", headers=headers), 200,
                  "approve the first request (takes the last place)")
    expect.error(await client.post(f"/communities/{club.id}/join-requests/{first.id}/approve", headers=headers), 409,
                 "approve the same request again", code="state_conflict")
    expect.error(await client.post(f"/communities/{club.id}/join-requests/{second.id}/approve", headers=headers), 409,
                 "approve a request when the community is full", code="state_conflict")
    elsewhere = await communities.seed_community(lea, "Elsewhere", visibility="private")
    foreign = await communities.seed_join_request(elsewhere, bob)
    for request_id in (foreign.id, "abc"):
        expect.error(await client.post(f"/communities/{club.id}/join-requests/{request_id}/reject", headers=headers), 404,
                     f"reject request {request_id} through a community it does not belong to", code="not_found")
    expect.equal((await communities.stored_request(foreign)).status.value, "pending", "status of the other request")
    expect.equal(((await communities.stored_request(second)).status.value, (await communities.stored(club)).member_count),
                 ("pending", 2), "(status of the refused request, member_count)")
    insider = await communities.seed_community(lea, "Insiders", visibility="private", members=[ada])
    stale = await communities.seed_join_request(insider, ada)
    expect.error(await client.post(f"/communities/{insider.id}/join-requests/{stale.id}/approve", headers=headers), 409,
                 "approve a request whose requester is a member already", code="state_conflict")
    expect.equal(((await communities.stored_request(stale)).status.value, (await communities.stored(insider)).member_count),
                 ("pending", 2), "(status of that request, member_count)")
