"""08.2 Top products: ties and the default limit."""

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect, paging

pytestmark = pytest.mark.exercise("08.2")
SECTION = an.section("082-top-products")
PATH = "/analytics/top-products"


@pytest.mark.weight(3)
@pytest.mark.ties("GET /analytics/top-products")
async def test_products_in_as_many_orders_come_by_units_then_id(client, settings):
    headers = await an.as_admin(settings)
    ids, insert_order = paging.tied_ids(5)
    units = {str(i): n for i, n in zip(ids, [1, 3, 3, 5, 2])}
    acme = an.oid()
    for product_id in insert_order:
        await an.order([an.line(acme, str(product_id), units[str(product_id)], 100)])
    doing = ("GET /analytics/top-products?limit=4 over 5 products in one order each, with 1, 3, 3, 5 and 2 units in id "
             "order, first seen out of id order")
    body = expect.status(await client.get(PATH, params={"limit": 4}, headers=headers), 200, doing)
    expect.equal([(r.get("product_id"), r.get("units_sold")) for r in body],
                 [(str(ids[n]), units[str(ids[n])]) for n in (3, 1, 2, 4)],
                 f"{doing}: (product, units) in order: ties on order_count by units_sold descending, then product_id "
                 f"ascending ({SECTION})")


@pytest.mark.weight(3)
async def test_ten_by_default_and_counted_orders_only(client, settings):
    headers = await an.as_admin(settings)
    acme = an.oid()
    products = [an.oid() for _ in range(12)]
    for n in range(12):  # order n holds products 0 to 11 - n: product k is in 12 - k orders
        await an.order([an.line(acme, product_id, 1, 100) for product_id in products[:12 - n]], status="processing")
    for status in an.NOT_COUNTED:
        for _ in range(3):
            await an.order([an.line(acme, products[11], 1, 100)], status=status)
    doing = ("GET /analytics/top-products over 12 products in 12, 11, ... 1 counted orders (the last also in 12 "
             "uncounted ones)")
    body = expect.status(await client.get(PATH, headers=headers), 200, doing)
    expect.equal([(r.get("product_id"), r.get("order_count")) for r in body],
                 [(p, 12 - n) for n, p in enumerate(products[:10])],
                 f"{doing}: 10 rows by default, counted orders only ({SECTION})")
