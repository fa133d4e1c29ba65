"""03.1 Create a community. Users are put straight into the database and the tests act as
them with tokens made by the testkit, so nothing here depends on your Task 01 code."""

import pytest
from bson import ObjectId

from grader.testkit import accounts, communities, expect, tokens
from shared.models.community import Community

pytestmark = pytest.mark.exercise("03.1")

BODY = {"name": "Garden Club", "category": "Gardening", "description": "Seeds and soil.", "tags": ["Roses", "roses"]}


async def test_create_returns_the_community_with_the_owner_as_first_member(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    response = await client.post("/communities", json=BODY, headers=tokens.as_user(lea, settings))
    body = expect.status(response, 201, "POST /communities by a leader")
    expect.equal((body.get("name"), body.get("slug"), body.get("owner_id"), body.get("member_count")),
                 ("Garden Club", "garden-club", str(lea.id), 1),
                 "(name, slug, owner_id, member_count) of a community a leader created as 'Garden Club'")
    expect.equal((body.get("status"), body.get("visibility"), body.get("version"), body.get("description")),
                 ("active", "public", 1, "Seeds and soil."), "(status, visibility, version, description) of a new community")
    stored = await Community.get(ObjectId(body["id"]))
    expect.true(stored is not None, "after POST /communities, no document in 'communities' has the returned id")
    expect.equal(stored.member_ids, [str(lea.id)], "member_ids stored for a new community (the owner only)")


async def test_a_taken_slug_gets_a_number(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    await communities.seed_community(lea, "Garden Club")
    headers = tokens.as_user(lea, settings)
    slugs = []
    for name in ("Garden  Club!", "garden club"):
        body = expect.status(await client.post("/communities", json={**BODY, "name": name}, headers=headers), 201,
                             f"POST /communities named {name!r} while 'garden-club' is taken")
        slugs.append(body.get("slug"))
    expect.equal(slugs, ["garden-club-2", "garden-club-3"], "slugs of two more communities named like 'Garden Club'")


@pytest.mark.weight(5)
@pytest.mark.must("only leaders create communities")
async def test_only_leaders_create_communities(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    expect.status(await client.post("/communities", json=BODY, headers=tokens.as_user(lea, settings)), 201,
                  "POST /communities by a leader")
    for user, who in ((ada, "a consumer"), (root, "an admin (not a leader)")):
        response = await client.post("/communities", json={**BODY, "name": "Not Mine"},
                                     headers=tokens.as_user(user, settings))
        expect.error(response, 403, f"POST /communities by {who}", code="forbidden")
    response = await client.post("/communities", json={**BODY, "name": "Not Mine"})
    expect.error(response, 401, "POST /communities without a token", code="authentication_failed")
    expect.equal(await communities.count_communities(), 1, "communities stored after one leader's create and "
                                                           "three refused ones")
    expect.equal(len(events.of_type("community.created")), 1, "community.created events after one accepted create")
