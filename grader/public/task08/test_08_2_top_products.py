"""08.2 Top products. Orders are put straight into the database."""

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect

pytestmark = pytest.mark.exercise("08.2")
SECTION = an.section("082-top-products")
PATH = "/analytics/top-products"


@pytest.mark.weight(4)
async def test_top_products_by_order_count(client, settings):
    headers = await an.as_admin(settings)
    acme = an.oid()
    tee, mug, cap = an.oid(), an.oid(), an.oid()
    await an.order([an.line(acme, tee, 1, 2500, product_name="Tee"), an.line(acme, mug, 5, 900, product_name="Mug")])
    await an.order([an.line(acme, tee, 2, 2500, product_name="Tee"), an.line(acme, cap, 1, 1500, product_name="Cap")])
    await an.order([an.line(acme, tee, 1, 2500, product_name="Tee", variant="l"),
                    an.line(acme, tee, 1, 2500, product_name="Tee", variant="xl")], status="shipped")
    await an.order([an.line(acme, mug, 9, 900, product_name="Mug")], status="pending")
    doing = "GET /analytics/top-products?limit=2 over 3 counted orders (tee in all 3, mug and cap in one) and a pending one"
    body = expect.status(await client.get(PATH, params={"limit": 2}, headers=headers), 200, doing)
    first = {"product_id": tee, "product_name": "Tee", "supplier_id": acme, "order_count": 3, "units_sold": 5,
             "revenue_cents": 12500}
    expect.equal(body[:1], [first], f"{doing}: the first row (an order counts once per product) ({SECTION})")
    expect.equal(len(body), 2, f"{doing}: the number of rows")
    await an.expect_admin_only(client, settings, PATH, doing)
