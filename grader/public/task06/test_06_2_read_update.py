"""06.2 Read and edit with a version check. Suppliers, products, communities and promotions are put
straight into the database."""

from datetime import timedelta

import pytest
from bson import ObjectId

from grader.testkit import accounts, communities, expect, products, promotions, race, suppliers, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("06.2")


@pytest.mark.weight(3)
async def test_the_owner_reads_its_promotion(client, settings):
    acme = await products.seller()
    other = await products.seller("sales@other.example", "Other Goods Ltd")
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    deal = await promotions.seed_promotion(acme, [tee], title="Tee week", discount=15)
    body = expect.status(await client.get(f"/promotions/{deal.id}", headers=suppliers.as_supplier(acme, settings)),
                         200, "GET /promotions/{id} of a draft by its supplier")
    expect.equal((body.get("id"), body.get("title"), body.get("status"), body.get("discount_percent"),
                  body.get("version")), (str(deal.id), "Tee week", "draft", 15, 1),
                 "(id, title, status, discount_percent, version)")
    for promotion_id, headers, what in ((deal.id, suppliers.as_supplier(other, settings), "another supplier"),
                                        (ObjectId(), suppliers.as_supplier(acme, settings), "an unknown id"),
                                        ("abc", suppliers.as_supplier(acme, settings), "the id 'abc'")):
        expect.error(await client.get(f"/promotions/{promotion_id}", headers=headers), 404,
                     f"GET /promotions/{{id}}: {what} (as if it did not exist)", code="not_found")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    expect.error(await client.get(f"/promotions/{deal.id}", headers=tokens.as_user(root, settings)), 403,
                 "GET /promotions/{id} by a user (an admin, not a supplier)", code="forbidden")


@pytest.mark.weight(3)
async def test_an_edit_changes_the_fields_sent_and_the_version(client, events, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    mug = await products.seed_product(acme, "Harbour Mug", status="active")
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    deal = await promotions.seed_promotion(acme, [tee], title="Tee week", description="Old words",
                                           created_at=utc_now() - timedelta(days=1))
    ends = (utc_now() + timedelta(days=30)).replace(microsecond=0)
    sent = {"version": 1, "title": " Mug week ", "product_ids": [str(mug.id)], "discount_percent": 30,
            "scopes": [str(club.id)], "ends_at": ends.isoformat()}
    body = expect.status(await client.patch(f"/promotions/{deal.id}", json=sent,
                                            headers=suppliers.as_supplier(acme, settings)), 200,
                         "PATCH /promotions/{id} of a draft with version 1, a title, products, a discount, scopes "
                         "and an end")
    expect.equal((body.get("title"), body.get("product_ids"), body.get("discount_percent"), body.get("scopes"),
                  body.get("description"), body.get("version")),
                 ("Mug week", [str(mug.id)], 30, [str(club.id)], "Old words", 2),
                 "(title trimmed, product_ids, discount_percent, scopes, description not sent, version)")
    expect.about(body.get("ends_at"), ends, "ends_at after the edit", tolerance=timedelta(seconds=1))
    stored = await promotions.stored(deal)
    expect.equal((stored.title, stored.discount_percent, stored.version), ("Mug week", 30, 2),
                 "(title, discount_percent, version) stored")
    expect.about_now(stored.updated_at, "updated_at after the edit")
    expect.equal([(e["entity_id"], e["data"].get("version")) for e in events.of_type("promotion.updated")],
                 [(str(deal.id), 2)], "(entity_id, data.version) of the promotion.updated events")


@pytest.mark.weight(5)
@pytest.mark.must("a stale version changes nothing")
@pytest.mark.race("of PATCH requests sent at the same moment with one version, exactly one wins")
async def test_a_stale_version_changes_nothing(client, events, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    deal = await promotions.seed_promotion(acme, [tee], status="active", version=3)
    headers = suppliers.as_supplier(acme, settings)
    expect.status(await client.patch(f"/promotions/{deal.id}", json={"version": 3, "title": "First"}, headers=headers),
                  200, "PATCH /promotions/{id} of an active promotion with the current version 3")
    before = await promotions.stored(deal)
    for version in (3, 2, 9):
        response = await client.patch(f"/promotions/{deal.id}", json={"version": version, "title": "Late"},
                                      headers=headers)
        error = expect.error(response, 409, f"PATCH /promotions/{{id}} with version {version} when the stored one is 4",
                             code="version_conflict")
        expect.equal(error.get("details"), {"current_version": 4}, f"details of the 409 for version {version}")
    after = await promotions.stored(deal)
    expect.equal((after.title, after.version, after.updated_at), (before.title, 4, before.updated_at),
                 "(title, version, updated_at) after PATCH requests with stale versions (nothing may change)")
    versions = [4 + n for n in range(2 * len(race.rounds()))]
    for version in versions:
        responses = await race.at_once(client.patch(f"/promotions/{deal.id}", headers=headers,
                                                    json={"version": version, "title": f"Deal {version}.{i}"})
                                       for i in range(4))
        expect.equal(race.statuses(responses), [200, 409, 409, 409], f"statuses of 4 PATCH requests sent at the same "
                     f"moment, all with version {version} (exactly one may win: check and change in one atomic update)")
        for response in race.winners(responses, 409):
            expect.error(response, 409, f"a PATCH with version {version} that lost the race", code="version_conflict")
        expect.equal((await promotions.stored(deal)).version, version + 1,
                     f"version after one winning update of version {version} among 4 sent at the same moment")
    expect.equal(len(events.of_type("promotion.updated")), 1 + len(versions),
                 "promotion.updated events (one per accepted edit, none for a refused one)")
