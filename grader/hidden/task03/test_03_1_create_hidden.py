"""03.1 Create a community (hidden tests)."""

import pytest
from bson import ObjectId

from grader.testkit import accounts, communities, expect, race, tokens
from shared.models.community import Community

pytestmark = pytest.mark.exercise("03.1")


async def test_created_event_carries_the_community(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    body = expect.status(await client.post("/communities", json={"name": "Chess Night", "category": "games"},
                                           headers=tokens.as_user(lea, settings)), 201, "POST /communities by a leader")
    created = events.of_type("community.created")
    expect.equal(len(created), 1, "community.created events after one create")
    expect.equal((created[0]["entity_id"], created[0]["data"].get("slug")), (body["id"], "chess-night"),
                 "(entity_id, data.slug) of community.created")


async def test_category_and_tags_are_trimmed_and_lower_cased(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    payload = {"name": "Chess Night", "category": " Games ", "tags": ["Blitz", " blitz", "Openings"],
               "visibility": "private", "max_members": 40, "accepting_members": False}
    body = expect.status(await client.post("/communities", json=payload, headers=tokens.as_user(lea, settings)), 201,
                         "POST /communities with category ' Games ' and tags ['Blitz', ' blitz', 'Openings']")
    stored = await Community.get(ObjectId(body["id"]))
    expect.equal((stored.category, sorted(stored.tags)), ("games", ["blitz", "openings"]),
                 "(category, sorted tags) stored")
    expect.equal((stored.visibility.value, stored.max_members, stored.accepting_members, stored.member_count),
                 ("private", 40, False, 1), "(visibility, max_members, accepting_members, member_count) stored")


@pytest.mark.race("of creates at the same moment whose names give one slug, exactly one gets it")
async def test_a_deleted_communitys_slug_stays_taken_and_odd_names_still_get_a_slug(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    await communities.seed_community(lea, "Chess Night", deleted=True)
    headers = tokens.as_user(lea, settings)
    body = expect.status(await client.post("/communities", json={"name": "Chess Night", "category": "games"},
                                           headers=headers), 201, "POST /communities named like a deleted one")
    expect.equal(body.get("slug"), "chess-night-2", "slug when a deleted community holds 'chess-night'")
    body = expect.status(await client.post("/communities", json={"name": "Café Crème", "category": "food"},
                                           headers=headers), 201, "POST /communities named 'Café Crème'")
    expect.equal(body.get("slug"), "cafe-creme", "slug of 'Café Crème' (accents dropped)")
    # Four creates of one name at the same moment: each insert that loses the race tries the next suffix.
    for round_ in race.rounds():
        name = f"Book Club {'ABC'[round_ - 1]}"
        base = name.lower().replace(" ", "-")
        responses = await race.at_once(client.post("/communities", json={"name": name, "category": "books"},
                                                   headers=headers) for _ in range(4))
        expect.equal(race.statuses(responses), [201] * 4, f"statuses of 4 POST /communities named {name!r} sent at "
                     "the same moment (each gets a slug: catch the unique index's DuplicateKeyError, try the next)")
        expect.equal(sorted(r.json().get("slug") for r in responses), [base, f"{base}-2", f"{base}-3", f"{base}-4"],
                     f"slugs of the 4 communities named {name!r} created at the same moment")
        expect.equal(await Community.find({"name": name}).count(), 4, f"communities stored named {name!r}")
