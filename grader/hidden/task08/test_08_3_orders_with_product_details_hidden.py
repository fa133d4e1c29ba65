"""08.3 Orders with product details: ties and counted statuses."""

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect, paging, suppliers
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("08.3")
SECTION = an.section("083-orders-with-product-details")


@pytest.mark.weight(2)
@pytest.mark.ties("GET /analytics/suppliers/{id}/orders")
async def test_orders_of_one_moment_come_in_descending_id_order(client, settings):
    headers = await an.as_admin(settings)
    acme = await suppliers.seed_supplier()
    sid = str(acme.id)
    moment = utc_now().replace(microsecond=0)
    ids, insert_order = paging.tied_ids(5)
    for order_id in insert_order:
        await an.order([an.line(sid, an.oid(), 1, 100)], at=moment, id=order_id)
    path = f"/analytics/suppliers/{sid}/orders"
    doing = f"GET {path}?limit=3 over 5 orders created at one moment, inserted out of id order"
    body = expect.status(await client.get(path, params={"limit": 3}, headers=headers), 200, doing)
    expect.equal([o.get("order_id") for o in body], [str(i) for i in reversed(ids)][:3],
                 f"{doing}: the orders, ties by _id descending ({SECTION})")


@pytest.mark.weight(2)
async def test_only_counted_orders_of_the_supplier(client, settings):
    headers = await an.as_admin(settings)
    acme = await suppliers.seed_supplier()
    sid = str(acme.id)
    counted = []
    for status in an.COUNTED + an.NOT_COUNTED:
        made = await an.order([an.line(sid, an.oid(), 1, 100)], status=status)
        if status in an.COUNTED:
            counted.append(str(made.id))
    await an.order([an.line(an.oid(), an.oid(), 1, 100)])
    path = f"/analytics/suppliers/{sid}/orders"
    doing = f"GET {path} over Acme's orders in each of the 8 statuses and another supplier's order"
    body = expect.status(await client.get(path, headers=headers), 200, doing)
    expect.equal(sorted(o.get("order_id") for o in body), sorted(counted),
                 f"{doing}: the orders listed (counted statuses only, Acme's only) ({SECTION})")
