"""08.8 Dashboard. Orders are put straight into the database."""

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect

pytestmark = pytest.mark.exercise("08.8")
SECTION = an.section("088-dashboard")
PATH = "/analytics/dashboard"


@pytest.mark.weight(6)
async def test_the_dashboard(client, settings):
    headers = await an.as_admin(settings)
    acme = an.oid()
    await an.order([an.line(acme, an.oid(), 1, 1000)])
    await an.order([an.line(acme, an.oid(), 2, 1000)], status="delivered")
    await an.order([an.line(acme, an.oid(), 1, 1001)], status="processing")
    await an.order([an.line(acme, an.oid(), 1, 5000)], status="pending")
    await an.order([an.line(acme, an.oid(), 1, 5000)], status="pending")
    await an.order([an.line(acme, an.oid(), 1, 5000)], status="refunded")
    doing = "GET /analytics/dashboard over 3 counted orders (10.00, 20.00, 10.01), 2 pending and 1 refunded"
    body = expect.status(await client.get(PATH, headers=headers), 200, doing)
    expect.equal(body, {"order_count": 6,
                        "orders_by_status": {"pending": 2, "confirmed": 1, "processing": 1, "shipped": 0,
                                             "delivered": 1, "cancelled": 0, "refunded": 1, "failed": 0},
                        "counted_order_count": 3, "revenue_cents": 4001, "avg_order_value_cents": 1334},
                 f"{doing}: the dashboard, every status present, the average half up ({SECTION})")
    await an.expect_admin_only(client, settings, PATH, doing)
