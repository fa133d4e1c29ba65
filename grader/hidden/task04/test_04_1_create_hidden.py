"""04.1 Create a product (hidden tests)."""

import pytest

from grader.testkit import expect, products, race, suppliers
from shared.models.product import MAX_PRODUCTS_PER_SUPPLIER

pytestmark = pytest.mark.exercise("04.1")


@pytest.mark.weight(3)
@pytest.mark.race("of creates at the same moment with one SKU for one supplier, exactly one wins")
async def test_of_creates_at_once_with_one_sku_exactly_one_wins(client, events, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    expect.status(await client.post("/products", json=products.create_body("first-1"), headers=headers), 201,
                  "POST /products with a new SKU")
    for round_ in race.rounds():
        sku = f"RACE-{round_}"
        responses = await race.at_once(client.post("/products", json=products.create_body(sku, name=f"Racer {n}"),
                                                   headers=headers) for n in range(4))
        expect.equal(race.statuses(responses), [201, 409, 409, 409], f"statuses of 4 POST /products with sku {sku!r} "
                     "sent at the same moment (the unique index refuses all inserts but one: turn its "
                     "DuplicateKeyError into a 409)")
        for response in race.winners(responses, 409):
            error = expect.error(response, 409, f"a POST /products with sku {sku!r} that lost the race", code="duplicate")
            expect.equal(error.get("details"), {"field": "sku"}, "details of the 409 for a SKU that lost the race")
    expect.equal(await products.count_products(acme), 1 + len(race.rounds()), "products stored after the races")
    expect.equal(len(await products.product_ids_of(acme)), 1 + len(race.rounds()),
                 "len(product_ids) after the races (a refused create leaves no id behind)")
    expect.equal(len(events.of_type("product.created")), 1 + len(race.rounds()), "product.created events")


@pytest.mark.weight(3)
@pytest.mark.race("creates at the same moment never take a supplier past the product cap")
async def test_creates_at_once_never_pass_the_cap(client, settings):
    for round_ in race.rounds():
        acme = await products.seller(f"sales{round_}@acme.example")
        headers = suppliers.as_supplier(acme, settings)
        await products.fill_up(acme, MAX_PRODUCTS_PER_SUPPLIER - 3)
        expect.status(await client.post("/products", json=products.create_body("one-more"), headers=headers), 201,
                      f"POST /products by a supplier with {MAX_PRODUCTS_PER_SUPPLIER - 3} products (the cap is "
                      f"{MAX_PRODUCTS_PER_SUPPLIER})")
        responses = await race.at_once(client.post("/products", json=products.create_body(f"rush-{n}"),
                                                   headers=headers) for n in range(4))
        expect.equal(race.statuses(responses), [201, 201, 409, 409],
                     "statuses of 4 POST /products sent at the same moment with 2 places left under the cap "
                     "(claim the place and record the id in one conditional update of the supplier)")
        for response in race.winners(responses, 409):
            error = expect.error(response, 409, "a POST /products beyond the cap", code="state_conflict")
            expect.equal(error.get("details"), {"limit": MAX_PRODUCTS_PER_SUPPLIER}, "details of the 409 at the cap")
        expect.equal((await products.count_products(acme), len(await products.product_ids_of(acme))),
                     (MAX_PRODUCTS_PER_SUPPLIER, MAX_PRODUCTS_PER_SUPPLIER),
                     "(products stored, len(product_ids)) after creates at the cap")


@pytest.mark.weight(2)
async def test_a_deleted_products_sku_stays_taken_and_the_event_carries_the_product(client, events, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    await products.seed_product(acme, "Old Tee", sku="TEE-OLD", status="deleted")
    body = expect.status(await client.post("/products", json=products.create_body("tee-new"), headers=headers), 201,
                         "POST /products with a new SKU")
    error = expect.error(await client.post("/products", json=products.create_body("tee-old"), headers=headers), 409,
                         "POST /products with the SKU of the supplier's deleted product", code="duplicate")
    expect.equal(error.get("details"), {"field": "sku"}, "details of the 409 for a taken SKU")
    stored = await products.stored_by_id(body["id"])
    expect.equal((stored.short_description, stored.description, stored.unit_type.value, stored.metadata.brand,
                  stored.primary_image_url, [s.city for s in stored.stock_locations]),
                 ("A soft cotton tee.", "Organic cotton, printed in Hamburg.", "piece", "Acme",
                  "https://img.example/tee.jpg", ["Hamburg"]),
                 "(short_description, description, unit_type, brand, primary_image_url, stock location cities) stored")
    mug = expect.status(await client.post("/products", headers=headers, json=products.create_body(
        "mug-1", name="  Dock Mug ", short_description=" Holds tea. ", unit_type="set", stock_locations=[])), 201,
        "POST /products with a padded name and short description, unit_type 'set' and no stock locations")
    stored = await products.stored_by_id(mug["id"])
    expect.equal((stored.name, stored.short_description, stored.unit_type.value, stored.stock_locations),
                 ("Dock Mug", "Holds tea.", "set", []), "(name, short_description, unit_type, stock_locations) stored "
                 "(name and short description trimmed)")
    data = [e for e in events.of_type("product.created") if e["entity_id"] == body["id"]][0]["data"]
    expect.equal((data.get("id"), data.get("supplier_id"), data.get("metadata", {}).get("base_sku"),
                  sorted(data.get("variants", {}))), (body["id"], str(acme.id), "TEE-NEW", ["blue-l", "red-m"]),
                 "(id, supplier_id, metadata.base_sku, variant keys) in the product.created data")
    expect.equal(data.get("variants", {}).get("red-m", {}).get("cost_cents"), 900,
                 "variants['red-m'].cost_cents in the event (the event carries the whole document)")


@pytest.mark.weight(1)
async def test_a_taken_sku_is_a_duplicate_even_at_the_cap(client, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    await products.fill_up(acme, MAX_PRODUCTS_PER_SUPPLIER - 1)
    expect.status(await client.post("/products", json=products.create_body("last-1"), headers=headers), 201,
                  f"POST /products by a supplier with {MAX_PRODUCTS_PER_SUPPLIER - 1} products (one place left)")
    error = expect.error(await client.post("/products", json=products.create_body("last-1"), headers=headers), 409,
                         "POST /products at the cap with a SKU the supplier already has (the SKU is checked before "
                         "the cap)", code="duplicate")
    expect.equal(error.get("details"), {"field": "sku"}, "details of the 409 for a taken SKU at the cap")
    error = expect.error(await client.post("/products", json=products.create_body("new-1"), headers=headers), 409,
                         "POST /products at the cap with a new SKU", code="state_conflict")
    expect.equal(error.get("details"), {"limit": MAX_PRODUCTS_PER_SUPPLIER}, "details of the 409 at the cap")
    expect.equal((await products.count_products(acme), len(await products.product_ids_of(acme))),
                 (MAX_PRODUCTS_PER_SUPPLIER, MAX_PRODUCTS_PER_SUPPLIER),
                 "(products stored, len(product_ids)) after the refused creates")
