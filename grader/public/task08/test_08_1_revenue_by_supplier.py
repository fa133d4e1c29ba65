"""08.1 Revenue by supplier. Orders are put straight into the database."""

from datetime import timedelta

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect

pytestmark = pytest.mark.exercise("08.1")
SECTION = an.section("081-revenue-by-supplier")
PATH = "/analytics/revenue-by-supplier"


@pytest.mark.weight(4)
async def test_revenue_per_supplier(client, settings):
    headers = await an.as_admin(settings)
    acme, bolt = an.oid(), an.oid()
    tee, mug, lamp = an.oid(), an.oid(), an.oid()
    await an.order([an.line(acme, tee, 2, 2500, supplier_name="Acme"), an.line(bolt, lamp, 1, 4999, supplier_name="Bolt")])
    await an.order([an.line(acme, tee, 1, 2500, supplier_name="Acme"), an.line(acme, mug, 2, 899, supplier_name="Acme")],
                   status="delivered")
    doing = "GET /analytics/revenue-by-supplier over an order of 2 tees (25.00) and a lamp (49.99), and one of a tee and 2 mugs (8.99)"
    body = expect.status(await client.get(PATH, headers=headers), 200, doing)
    expect.equal(body, [
        {"supplier_id": acme, "supplier_name": "Acme", "total_revenue_cents": 9298, "total_items_sold": 5,
         "order_count": 2, "avg_item_value_cents": 1860},
        {"supplier_id": bolt, "supplier_name": "Bolt", "total_revenue_cents": 4999, "total_items_sold": 1,
         "order_count": 1, "avg_item_value_cents": 4999},
    ], f"{doing}: the report, richest first, averages half up ({SECTION})")


@pytest.mark.weight(5)
@pytest.mark.must("only counted statuses make revenue")
async def test_only_counted_statuses_make_revenue(client, settings):
    headers = await an.as_admin(settings)
    acme = an.oid()
    for n, status in enumerate(an.COUNTED + an.NOT_COUNTED):
        await an.order([an.line(acme, an.oid(), 1, 1000 * (n + 1))], status=status)
    doing = "GET /analytics/revenue-by-supplier over one order of Acme in each of the 8 statuses"
    body = expect.status(await client.get(PATH, headers=headers), 200, doing)
    expect.equal([(r.get("total_revenue_cents"), r.get("order_count")) for r in body], [(10000, 4)],
                 f"{doing}: (revenue, orders) of Acme, counting confirmed, processing, shipped and delivered only "
                 f"(pending is not paid; cancelled, refunded and failed are no sale) ({SECTION})")


@pytest.mark.weight(5)
@pytest.mark.must("reports are admin-only")
async def test_reports_are_admin_only(client, settings):
    headers = await an.as_admin(settings)
    await an.order([an.line(an.oid(), an.oid(), 1, 1000)])
    doing = "GET /analytics/revenue-by-supplier over one order"
    body = expect.status(await client.get(PATH, headers=headers), 200, f"{doing}, as an admin")
    expect.equal(len(body), 1, f"{doing}, as an admin: the rows")
    await an.expect_admin_only(client, settings, PATH, f"{doing} ({SECTION})")


@pytest.mark.weight(2)
async def test_a_date_range_keeps_start_and_leaves_out_end(client, settings):
    headers = await an.as_admin(settings)
    acme = an.oid()
    start = an.today_start() - timedelta(days=10)
    end = start + timedelta(days=3)
    await an.order([an.line(acme, an.oid(), 1, 100)], at=start - timedelta(milliseconds=1))
    await an.order([an.line(acme, an.oid(), 1, 200)], at=start)
    await an.order([an.line(acme, an.oid(), 1, 400)], at=end - timedelta(milliseconds=1))
    await an.order([an.line(acme, an.oid(), 1, 800)], at=end)
    params = {"start": start.isoformat(), "end": end.isoformat()}
    doing = f"GET /analytics/revenue-by-supplier?start={params['start']}&end={params['end']} over orders just before, at, just before the end and at the end"
    body = expect.status(await client.get(PATH, params=params, headers=headers), 200, doing)
    expect.equal([r.get("total_revenue_cents") for r in body], [600],
                 f"{doing}: Acme's revenue (start <= created_at < end) ({SECTION})")
    swapped = {"start": params["end"], "end": params["start"]}
    error = expect.error(await client.get(PATH, params=swapped, headers=headers), 422,
                         f"GET /analytics/revenue-by-supplier with start after end ({SECTION})", code="validation_error")
    expect.equal(error.get("details"), {"field": "end"}, f"details of the 422 for start after end ({SECTION})")
    same = {"start": params["start"], "end": params["start"]}
    expect.error(await client.get(PATH, params=same, headers=headers), 422,
                 f"GET /analytics/revenue-by-supplier with start equal to end (an empty range) ({SECTION})",
                 code="validation_error")
