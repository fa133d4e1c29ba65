"""04.2 Read a product. Suppliers and products are put straight into the database."""

import pytest

from grader.testkit import expect, products, suppliers

pytestmark = pytest.mark.exercise("04.2")


@pytest.mark.weight(2)
async def test_the_owner_reads_a_product_in_any_status_but_deleted(client, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    for status in ("draft", "active", "out_of_stock", "discontinued"):
        product = await products.seed_product(acme, f"Tee {status}", status=status)
        body = expect.status(await client.get(f"/products/{product.id}", headers=headers), 200,
                             f"GET /products/{{id}} of its own {status} product by the supplier")
        expect.equal((body.get("id"), body.get("status"), body.get("version")), (str(product.id), status, 1),
                     f"(id, status, version) of the owner's {status} product")
        expect.equal(body.get("variants", {}).get("red-m", {}).get("cost_cents"), 900,
                     "variants['red-m'].cost_cents seen by the owner")
    gone = await products.seed_product(acme, "Gone", status="deleted")
    expect.error(await client.get(f"/products/{gone.id}", headers=headers), 404,
                 "GET /products/{id} of the supplier's deleted product", code="not_found")


@pytest.mark.weight(5)
@pytest.mark.must("only the owner sees a product that is not active")
async def test_only_the_owner_sees_a_product_that_is_not_active(client, settings):
    acme = await products.seller()
    other = await products.seller("sales@other.example", "Other Goods Ltd")
    live = await products.seed_product(acme, "Live Tee", status="active")
    body = expect.status(await client.get(f"/products/public/{live.id}"), 200,
                         "GET /products/public/{id} of an active product, without a token")
    expect.equal((body.get("id"), body.get("name")), (str(live.id), "Live Tee"), "(id, name) of the public read")
    for status in ("draft", "out_of_stock", "discontinued"):
        product = await products.seed_product(acme, f"Tee {status}", status=status)
        expect.status(await client.get(f"/products/{product.id}", headers=suppliers.as_supplier(acme, settings)), 200,
                      f"GET /products/{{id}} of a {status} product by its owner")
        expect.error(await client.get(f"/products/public/{product.id}"), 404,
                     f"GET /products/public/{{id}} of a {status} product (only active ones are public)", code="not_found")
        expect.error(await client.get(f"/products/{product.id}", headers=suppliers.as_supplier(other, settings)), 404,
                     f"GET /products/{{id}} of a {status} product by another supplier (404, as if it did not exist)",
                     code="not_found")
    expect.error(await client.get(f"/products/{live.id}", headers=suppliers.as_supplier(other, settings)), 404,
                 "GET /products/{id} (the owner's view) of an active product by another supplier", code="not_found")
