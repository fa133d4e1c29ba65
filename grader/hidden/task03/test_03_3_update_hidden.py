"""03.3 Update with a version check (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, communities, expect, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("03.3")


async def test_update_emits_the_updated_community_and_refreshes_updated_at(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club", created_at=utc_now() - timedelta(days=1))
    response = await client.patch(f"/communities/{club.id}", json={"version": 1, "tags": ["Roses"], "category": "Plants"},
                                  headers=tokens.as_user(lea, settings))
    expect.status(response, 200, "PATCH /communities/{id} with new tags and category")
    updated = events.of_type("community.updated")
    expect.equal(len(updated), 1, "community.updated events after one update")
    expect.equal((updated[0]["entity_id"], updated[0]["data"].get("version"), updated[0]["data"].get("tags")),
                 (str(club.id), 2, ["roses"]), "(entity_id, data.version, data.tags) of community.updated")
    stored = await communities.stored(club)
    expect.equal((stored.category, stored.slug), ("plants", "garden-club"), "(category, slug) after the update "
                                                                              "(the slug stays)")
    expect.about_now(stored.updated_at, "updated_at after the update")
    error = expect.error(await client.patch(f"/communities/{club.id}", json={"version": 1, "description": "late"},
                                            headers=tokens.as_user(lea, settings)), 409,
                         "PATCH /communities/{id} with version 1 after the update made it 2", code="version_conflict")
    expect.equal(error.get("details"), {"current_version": 2}, "details of the version conflict")


async def test_only_an_active_community_can_be_edited(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    live = await communities.seed_community(lea, "Live")
    headers = tokens.as_user(lea, settings)
    expect.status(await client.patch(f"/communities/{live.id}", json={"version": 1, "description": "ok"},
                                     headers=headers), 200, "PATCH /communities/{id} of an active community")
    for status in ("archived", "suspended"):
        club = await communities.seed_community(lea, f"Club {status}", status=status)
        response = await client.patch(f"/communities/{club.id}", json={"version": 1, "description": "x"},
                                      headers=headers)
        expect.error(response, 409, f"PATCH /communities/{{id}} of a {status} community", code="state_conflict")
        expect.equal((await communities.stored(club)).version, 1, f"version of the {status} community afterwards")


async def test_max_members_below_the_member_count_is_refused(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    fans = [await accounts.seed_user(f"fan{i}@example.com") for i in range(2)]
    club = await communities.seed_community(lea, "Garden Club", members=fans)
    headers = tokens.as_user(lea, settings)
    expect.status(await client.patch(f"/communities/{club.id}", json={"version": 1, "max_members": 3},
                                     headers=headers), 200, "PATCH max_members=3 with 3 members")
    response = await client.patch(f"/communities/{club.id}", json={"version": 2, "max_members": 2}, headers=headers)
    error = expect.error(response, 422, "PATCH max_members=2 with 3 members", code="validation_error")
    expect.equal(error.get("details"), {"field": "max_members"}, "details of the error for max_members=2")
    expect.equal((await communities.stored(club)).max_members, 3, "max_members after the refused update")


async def test_a_private_community_is_not_found_for_a_non_member_editor(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    bob = await accounts.seed_user("bob@example.com", "Bob")
    club = await communities.seed_community(lea, "Secret", visibility="private")
    expect.status(await client.patch(f"/communities/{club.id}", json={"version": 1, "description": "ok"},
                                     headers=tokens.as_user(lea, settings)), 200, "PATCH of a private community by its owner")
    response = await client.patch(f"/communities/{club.id}", json={"version": 2, "description": "x"},
                                  headers=tokens.as_user(bob, settings))
    expect.error(response, 404, "PATCH of a private community by a non-member (404, not 403)", code="not_found")
