"""04.2 Read a product (hidden tests)."""

import pytest
from bson import ObjectId

from grader.testkit import accounts, expect, products, suppliers, tokens

pytestmark = pytest.mark.exercise("04.2")


async def test_missing_deleted_and_malformed_ids_are_not_found(client, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    live = await products.seed_product(acme, "Live Tee", status="active")
    gone = await products.seed_product(acme, "Gone", status="deleted")
    expect.status(await client.get(f"/products/{live.id}", headers=headers), 200, "GET /products/{id} by the owner")
    expect.status(await client.get(f"/products/public/{live.id}"), 200, "GET /products/public/{id} of an active product")
    for product_id, what in ((gone.id, "a deleted product"), (ObjectId(), "an unknown id"), ("abc", "'abc'")):
        expect.error(await client.get(f"/products/{product_id}", headers=headers), 404,
                     f"GET /products/{{id}} of {what} by a supplier", code="not_found")
        expect.error(await client.get(f"/products/public/{product_id}"), 404, f"GET /products/public/{{id}} of {what}",
                     code="not_found")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    expect.error(await client.get(f"/products/{live.id}", headers=tokens.as_user(ada, settings)), 403,
                 "GET /products/{id} (the owner's view) by a user, not a supplier", code="forbidden")


@pytest.mark.weight(2)
async def test_the_public_view_shows_prices_and_stock_but_no_costs(client, settings):
    acme = await products.seller()
    live = await products.seed_product(acme, "Live Tee", status="active", price=1999)
    body = expect.status(await client.get(f"/products/public/{live.id}"), 200,
                         "GET /products/public/{id} of an active product")
    variant = body.get("variants", {}).get("red-m", {})
    expect.equal((body.get("base_price_cents"), body.get("supplier_name"), variant.get("price_cents"),
                  variant.get("quantity"), "cost_cents" in variant, "version" in body),
                 (1999, "Acme Trading GmbH", 2500, 10, False, False),
                 "(base_price_cents, supplier_name, red-m price_cents, red-m quantity, cost shown?, version shown?) "
                 "in the public view")
