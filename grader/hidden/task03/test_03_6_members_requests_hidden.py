"""03.6 Members and join requests (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, communities, expect, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("03.6")


async def test_duplicate_and_misplaced_requests_are_refused(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    secret = await communities.seed_community(lea, "Secret", visibility="private")
    public = await communities.seed_community(lea, "Open")
    closed = await communities.seed_community(lea, "Closed", visibility="private", accepting_members=False)
    full = await communities.seed_community(lea, "Full", visibility="private", max_members=1)
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


async def test_approving_into_a_full_community_keeps_the_request_pending(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    bob = await accounts.seed_user("bob@example.com", "Bob")
    club = await communities.seed_community(lea, "Secret", visibility="private", max_members=2)
    first, second = await communities.seed_join_request(club, ada), await communities.seed_join_request(club, bob)
    cy = await accounts.seed_user("cy@example.com", "Cy")
    oldest = await communities.seed_join_request(club, cy, created_at=utc_now() - timedelta(hours=1))
    headers = tokens.as_user(lea, settings)
    listed = expect.status(await client.get(f"/communities/{club.id}/join-requests", headers=headers), 200,
                           "GET /communities/{id}/join-requests by the owner")
    expect.equal([r.get("id") for r in listed], [str(oldest.id), str(first.id), str(second.id)],
                 "ids of the pending requests, oldest first (the last one stored was made an hour earlier)")
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
