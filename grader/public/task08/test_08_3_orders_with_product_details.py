"""08.3 Orders with product details. Suppliers, products and orders are put straight into the database."""

from datetime import timedelta

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect, suppliers
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("08.3")
SECTION = an.section("083-orders-with-product-details")


@pytest.mark.weight(4)
async def test_a_suppliers_orders_with_product_details(client, settings):
    headers = await an.as_admin(settings)
    acme = await suppliers.seed_supplier()
    sid = str(acme.id)
    tee = await an.product(acme.id, "Harbour Tee", category="fashion")
    mug = await an.product(acme.id, "Mug", category="home", status="discontinued")
    gone = an.oid()
    now = utc_now()
    old = await an.order([an.line(sid, str(tee.id), 1, 2500, product_name="Tee (old name)")], at=now - timedelta(hours=3))
    new = await an.order([an.line(an.oid(), an.oid(), 1, 700), an.line(sid, str(mug.id), 2, 900, product_name="Mug"),
                          an.line(sid, gone, 1, 100, product_name="Gone")], at=now - timedelta(hours=1))
    await an.order([an.line(sid, str(tee.id), 1, 2500)], status="pending", at=now)
    await an.order([an.line(sid, str(tee.id), 1, 2500)], at=now - timedelta(hours=5))
    path = f"/analytics/suppliers/{sid}/orders"
    doing = f"GET {path}?limit=2 over 3 counted orders of Acme (and one pending)"
    body = expect.status(await client.get(path, params={"limit": 2}, headers=headers), 200, doing)
    expect.equal([o.get("order_id") for o in body], [str(new.id), str(old.id)], f"{doing}: the orders, newest first ({SECTION})")
    expect.equal(body[0].get("order_number"), new.order_number, f"{doing}: order_number of the newest")
    expect.equal(body[0].get("items"), [
        {"item_id": "item_2", "product_id": str(mug.id), "product_name": "Mug", "quantity": 2, "total_cents": 1800,
         "product": {"name": "Mug", "category": "home", "status": "discontinued"}},
        {"item_id": "item_3", "product_id": gone,
         "product_name": "Gone", "quantity": 1, "total_cents": 100, "product": None},
    ], f"{doing}: the newest order's items (only Acme's, with the product as it is now, null when gone) ({SECTION})")
    expect.equal(body[1]["items"][0].get("product"), {"name": "Harbour Tee", "category": "fashion", "status": "active"},
                 f"{doing}: the older order's product details")
    await an.expect_admin_only(client, settings, path, doing)


@pytest.mark.weight(2)
async def test_a_bad_or_unknown_supplier_id(client, settings):
    headers = await an.as_admin(settings)
    acme = await suppliers.seed_supplier()
    path = f"/analytics/suppliers/{acme.id}/orders"
    expect.equal(expect.status(await client.get(path, headers=headers), 200, f"GET {path} of a supplier without orders"),
                 [], f"GET {path} of a supplier without orders")
    error = expect.error(await client.get("/analytics/suppliers/not-an-id/orders", headers=headers), 422,
                         f"GET /analytics/suppliers/not-an-id/orders ({SECTION})", code="validation_error")
    expect.equal(error.get("details"), {"field": "supplier_id"},
                 f"details of the 422 for GET /analytics/suppliers/not-an-id/orders ({SECTION})")
    expect.error(await client.get(f"/analytics/suppliers/{an.oid()}/orders", headers=headers), 404,
                 f"GET /analytics/suppliers/<an unknown id>/orders ({SECTION})", code="not_found")
