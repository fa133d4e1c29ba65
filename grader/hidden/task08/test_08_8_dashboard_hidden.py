"""08.8 Dashboard: no orders at all."""

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect

pytestmark = pytest.mark.exercise("08.8")
SECTION = an.section("088-dashboard")


@pytest.mark.weight(4)
async def test_the_dashboard_without_orders(client, settings):
    headers = await an.as_admin(settings)
    await an.order([an.line(an.oid(), an.oid(), 1, 999)], status="cancelled")
    doing = "GET /analytics/dashboard over one cancelled order"
    body = expect.status(await client.get("/analytics/dashboard", headers=headers), 200, doing)
    expect.equal(body, {"order_count": 1,
                        "orders_by_status": {"pending": 0, "confirmed": 0, "processing": 0, "shipped": 0,
                                             "delivered": 0, "cancelled": 1, "refunded": 0, "failed": 0},
                        "counted_order_count": 0, "revenue_cents": 0, "avg_order_value_cents": 0},
                 f"{doing}: every status present, zeros where nothing counts ({SECTION})")
