"""04.4 Update with a version check. Suppliers and products are put straight into the database."""

import pytest

from grader.testkit import accounts, expect, products, race, suppliers, tokens

pytestmark = pytest.mark.exercise("04.4")

TOPICS = [{"topic": "Fit", "description": "Runs small.", "display_order": 5},
          {"topic": "Care", "description": "Wash cold.", "display_order": 1}]


@pytest.mark.weight(3)
async def test_update_changes_the_given_fields_and_the_version(client, events, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", sku="TEE-001", status="active")
    response = await client.patch(f"/products/{tee.id}", headers=suppliers.as_supplier(acme, settings),
                                  json={"version": 1, "name": "Harbour Tee II", "brand": "Acme Blue",
                                        "topic_descriptions": TOPICS})
    body = expect.status(response, 200, "PATCH /products/{id} by the owner with version 1, a name, a brand and topics")
    expect.equal((body.get("name"), body.get("brand"), body.get("version"), body.get("sku"), body.get("status")),
                 ("Harbour Tee II", "Acme Blue", 2, "TEE-001", "active"),
                 "(name, brand, version, sku, status) after the update")
    expect.equal([t.get("topic") for t in body.get("topic_descriptions", [])], ["Care", "Fit"],
                 "topics after the update (kept in display order)")
    stored = await products.stored(tee)
    expect.equal((stored.name, stored.short_description, stored.version), ("Harbour Tee II", tee.short_description, 2),
                 "(name, short_description, version) stored (fields not sent stay as they were)")
    expect.equal([(e["entity_id"], e["data"].get("version")) for e in events.of_type("product.updated")],
                 [(str(tee.id), 2)], "(entity_id, data.version) of the product.updated events")


@pytest.mark.weight(5)
@pytest.mark.must("a stale version changes nothing")
@pytest.mark.race("of PATCH requests sent at the same moment with one version, exactly one wins")
async def test_a_stale_version_changes_nothing(client, events, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", version=3)
    headers = suppliers.as_supplier(acme, settings)
    expect.status(await client.patch(f"/products/{tee.id}", json={"version": 3, "name": "First"}, headers=headers), 200,
                  "PATCH /products/{id} with the current version 3")
    before = await products.stored(tee)
    for version in (3, 2, 9):
        response = await client.patch(f"/products/{tee.id}", json={"version": version, "name": "Late"}, headers=headers)
        error = expect.error(response, 409, f"PATCH /products/{{id}} with version {version} when the stored one is 4",
                             code="version_conflict")
        expect.equal(error.get("details"), {"current_version": 4}, f"details of the 409 for version {version}")
    after = await products.stored(tee)
    expect.equal((after.name, after.version, after.updated_at), (before.name, 4, before.updated_at),
                 "(name, version, updated_at) after PATCH requests with stale versions (nothing may change)")
    # The same rule when the requests race: each may read the version before one changes it.
    versions = [4 + n for n in range(2 * len(race.rounds()))]
    for version in versions:
        responses = await race.at_once(client.patch(f"/products/{tee.id}", headers=headers,
                                                    json={"version": version, "name": f"Tee {version}.{i}"})
                                       for i in range(5))
        expect.equal(race.statuses(responses), [200] + [409] * 4, f"statuses of 5 PATCH requests sent at the same "
                     f"moment, all with version {version} (exactly one may win: check and change in one atomic update)")
        for response in race.winners(responses, 409):
            expect.error(response, 409, f"a PATCH with version {version} that lost the race", code="version_conflict")
        expect.equal((await products.stored(tee)).version, version + 1,
                     f"version after one winning update of version {version} among 5 sent at the same moment")
    expect.equal(len(events.of_type("product.updated")), 1 + len(versions),
                 "product.updated events (one per accepted update, none for a refused one)")


@pytest.mark.weight(5)
@pytest.mark.must("only the owner changes a product")
async def test_only_the_owner_changes_a_product(client, events, settings):
    acme = await products.seller()
    other = await products.seller("sales@other.example", "Other Goods Ltd")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    expect.status(await client.patch(f"/products/{tee.id}", json={"version": 1, "name": "Mine"},
                                     headers=suppliers.as_supplier(acme, settings)), 200,
                  "PATCH /products/{id} by its owner")
    response = await client.patch(f"/products/{tee.id}", json={"version": 2, "name": "Taken over"},
                                  headers=suppliers.as_supplier(other, settings))
    expect.error(response, 404, "PATCH /products/{id} by another supplier (404, as if it did not exist)",
                 code="not_found")
    response = await client.patch(f"/products/{tee.id}", json={"version": 2, "name": "Taken over"},
                                  headers=tokens.as_user(root, settings))
    expect.error(response, 403, "PATCH /products/{id} by a user (an admin, not a supplier)", code="forbidden")
    stored = await products.stored(tee)
    expect.equal((stored.name, stored.version), ("Mine", 2), "(name, version) after refused updates")
    expect.equal(len(events.of_type("product.updated")), 1, "product.updated events after one accepted update")
