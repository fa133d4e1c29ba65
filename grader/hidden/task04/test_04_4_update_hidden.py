"""04.4 Update with a version check (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import expect, products, suppliers
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("04.4")


@pytest.mark.weight(1)
async def test_a_discontinued_or_deleted_product_is_not_edited_and_bad_bodies_are_422(client, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    live = await products.seed_product(acme, "Live Tee", status="out_of_stock", created_at=utc_now() - timedelta(days=2))
    old = await products.seed_product(acme, "Old Tee", status="discontinued")
    gone = await products.seed_product(acme, "Gone Tee", status="deleted")
    body = expect.status(await client.patch(f"/products/{live.id}", json={"version": 1, "base_price_cents": 1999},
                                            headers=headers), 200, "PATCH /products/{id} of an out-of-stock product")
    expect.equal(body.get("base_price_cents"), 1999, "base_price_cents after the update")
    location = {**products.LOCATION, "location_name": "Berlin store", "city": "Berlin"}
    body = expect.status(await client.patch(f"/products/{live.id}", headers=headers, json={
        "version": 2, "category": "home", "stock_locations": [location]}), 200,
        "PATCH /products/{id} with a category and stock locations")
    stored = await products.stored(live)
    expect.equal((stored.category.value, [s.city for s in stored.stock_locations], stored.name, stored.base_price_cents),
                 ("home", ["Berlin"], "Live Tee", 1999), "(category, stock location cities, name, base_price_cents) "
                 "stored after the second update (fields not sent stay)")
    expect.about_now(stored.updated_at, "updated_at after an update (it was 2 days ago)")
    expect.error(await client.patch(f"/products/{old.id}", json={"version": 1, "name": "Back"}, headers=headers), 409,
                 "PATCH /products/{id} of a discontinued product", code="state_conflict")
    expect.error(await client.patch(f"/products/{gone.id}", json={"version": 1, "name": "Back"}, headers=headers), 404,
                 "PATCH /products/{id} of a deleted product", code="not_found")
    for what, patch in (("an empty short_description", {"short_description": ""}), ("the SKU", {"sku": "NEW-1"}),
                        ("a negative price", {"base_price_cents": -5}), ("no version", {})):
        payload = {"version": 3, "name": "Renamed", **patch}
        if what == "no version":
            payload.pop("version")
        expect.error(await client.patch(f"/products/{live.id}", json=payload, headers=headers), 422,
                     f"PATCH /products/{{id}} with {what}", code="validation_error")
    stored = await products.stored(live)
    expect.equal((stored.name, stored.version, (await products.stored(old)).name), ("Live Tee", 3, "Old Tee"),
                 "(name, version, the discontinued one's name) after the refused updates")


@pytest.mark.weight(1)
async def test_a_body_of_only_the_version_is_an_edit_and_discontinued_comes_before_the_version(client, events, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    tee = await products.seed_product(acme, "Harbour Tee", status="active", created_at=utc_now() - timedelta(days=2))
    body = expect.status(await client.patch(f"/products/{tee.id}", json={"version": 1}, headers=headers), 200,
                         "PATCH /products/{id} with only the version")
    expect.equal(body.get("version"), 2, "version after an update of only the version (it counts as an edit)")
    stored = await products.stored(tee)
    expect.equal((stored.name, stored.version), ("Harbour Tee", 2), "(name, version) stored after it")
    expect.about_now(stored.updated_at, "updated_at after an update of only the version (it was 2 days ago)")
    expect.equal([(e["entity_id"], e["data"].get("version")) for e in events.of_type("product.updated")],
                 [(str(tee.id), 2)], "(entity_id, data.version) of the product.updated events")
    old = await products.seed_product(acme, "Old Tee", status="discontinued", version=3)
    expect.error(await client.patch(f"/products/{old.id}", json={"version": 1, "name": "Back"}, headers=headers), 409,
                 "PATCH /products/{id} of a discontinued product with a stale version 1 (stored: 3; the status is "
                 "checked before the version)", code="state_conflict")
    stored = await products.stored(old)
    expect.equal((stored.name, stored.version), ("Old Tee", 3), "(name, version) of the discontinued product after it")
