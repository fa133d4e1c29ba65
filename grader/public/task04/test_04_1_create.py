"""04.1 Create a product. Suppliers are put straight into the database and the tests act as
them with tokens made by the testkit, so nothing here depends on your Task 02 code."""

import pytest
from bson import ObjectId

from grader.testkit import accounts, expect, products, suppliers, tokens

pytestmark = pytest.mark.exercise("04.1")


@pytest.mark.weight(3)
async def test_create_returns_a_draft_and_links_it_to_the_supplier(client, events, settings):
    acme = await products.seller()
    response = await client.post("/products", json=products.create_body(), headers=suppliers.as_supplier(acme, settings))
    body = expect.status(response, 201, "POST /products by a verified supplier")
    expect.equal((body.get("status"), body.get("version"), body.get("sku"), body.get("supplier_name")),
                 ("draft", 1, "TEE-001", "Acme Trading GmbH"),
                 "(status, version, sku, supplier_name) of a new product sent with sku 'tee-001'")
    expect.equal([t.get("topic") for t in body.get("topic_descriptions", [])], ["Material", "Care"],
                 "topics of the new product (sent with display_order 2, then 1: kept in display order)")
    expect.equal(body.get("variant_attributes"), ["color:blue", "color:red", "size:l", "size:m"],
                 "variant_attributes of a product whose variants are Red/M and Blue/L")
    stored = await products.stored_by_id(body.get("id"))
    expect.true(stored is not None, "after POST /products, no document in 'products' has the returned id")
    expect.equal((str(stored.supplier_id), stored.metadata.base_sku, stored.variants["red-m"].quantity),
                 (str(acme.id), "TEE-001", 10), "(supplier_id, metadata.base_sku, variants['red-m'].quantity) stored")
    expect.equal(await products.product_ids_of(acme), [body["id"]],
                 "the supplier's product_ids after its first create (the new id, added in the same request)")
    created = events.of_type("product.created")
    expect.equal([(e["entity_id"], e["data"].get("status")) for e in created], [(body["id"], "draft")],
                 "(entity_id, data.status) of the product.created events")


@pytest.mark.weight(2)
async def test_a_sku_is_unique_per_supplier(client, settings):
    acme = await products.seller()
    other = await products.seller("sales@other.example", "Other Goods Ltd")
    headers = suppliers.as_supplier(acme, settings)
    expect.status(await client.post("/products", json=products.create_body("tee-001"), headers=headers), 201,
                  "POST /products with sku 'tee-001'")
    response = await client.post("/products", json=products.create_body(" TEE-001 ", name="Another Tee"),
                                 headers=headers)
    expect.error(response, 409, "POST /products by the same supplier with sku ' TEE-001 ' (the same SKU once trimmed "
                                "and upper-cased)", code="duplicate")
    expect.status(await client.post("/products", json=products.create_body("tee-001"),
                                    headers=suppliers.as_supplier(other, settings)), 201,
                  "POST /products with sku 'tee-001' by another supplier (SKUs are unique per supplier)")
    expect.equal((await products.count_products(acme), len(await products.product_ids_of(acme))), (1, 1),
                 "(products stored, len(product_ids)) of the first supplier after a refused duplicate")


@pytest.mark.weight(5)
@pytest.mark.must("only verified suppliers create products")
async def test_only_verified_suppliers_create_products(client, events, settings):
    acme = await products.seller()
    unverified = await suppliers.seed_supplier("new@shop.example", "New Shop", verification="under_review")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    expect.status(await client.post("/products", json=products.create_body(), headers=suppliers.as_supplier(acme, settings)),
                  201, "POST /products by a verified, active supplier")
    response = await client.post("/products", json=products.create_body("new-1"),
                                 headers=suppliers.as_supplier(unverified, settings))
    expect.error(response, 403, "POST /products by an active supplier whose documents are still under review",
                 code="forbidden")
    response = await client.post("/products", json=products.create_body("root-1"), headers=tokens.as_user(root, settings))
    expect.error(response, 403, "POST /products by a user (an admin, not a supplier)", code="forbidden")
    response = await client.post("/products", json=products.create_body("anon-1"))
    expect.error(response, 401, "POST /products without a token", code="authentication_failed")
    expect.equal(await products.count_products(), 1, "products stored after one accepted and three refused creates")
    expect.equal(await products.product_ids_of(unverified), [], "product_ids of the unverified supplier")
    expect.equal(len(events.of_type("product.created")), 1, "product.created events after one accepted create")


@pytest.mark.weight(1)
async def test_bad_bodies_are_refused_with_422(client, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    expect.status(await client.post("/products", json=products.create_body(), headers=headers), 201,
                  "POST /products with a valid body")
    bad = {"a variant key with a dot": {"variants": {"red.m": products.VARIANTS["red-m"]}},
           "a variant key starting with $": {"variants": {"$red": products.VARIANTS["red-m"]}},
           "no variants": {"variants": {}},
           "a negative price": {"base_price_cents": -1},
           "an unknown category": {"category": "weapons"},
           "a negative variant quantity": {"variants": {"red-m": {**products.VARIANTS["red-m"], "quantity": -2}}}}
    for n, (what, change) in enumerate(bad.items()):
        response = await client.post("/products", json=products.create_body(f"bad-{n}", **change), headers=headers)
        expect.error(response, 422, f"POST /products with {what}", code="validation_error")
    expect.equal(await products.count_products(), 1, "products stored after six invalid bodies")
    expect.true(ObjectId.is_valid((await products.product_ids_of(acme))[0]), "product_ids holds the one product")
