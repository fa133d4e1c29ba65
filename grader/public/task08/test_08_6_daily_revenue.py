"""08.6 Daily revenue. Orders are put straight into the database."""

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect

pytestmark = pytest.mark.exercise("08.6")
SECTION = an.section("086-daily-revenue")
PATH = "/analytics/daily-revenue"


def day(n: int) -> str:
    return an.utc_day(an.days_back(n))


@pytest.mark.weight(5)
async def test_revenue_per_day(client, settings):
    headers = await an.as_admin(settings)
    acme = an.oid()
    await an.order([an.line(acme, an.oid(), 2, 1500)], at=an.days_back(0, hours=0.5))
    await an.order([an.line(acme, an.oid(), 1, 1000)], at=an.days_back(1, hours=1), status="shipped")
    await an.order([an.line(acme, an.oid(), 1, 2000)], at=an.days_back(1, hours=20))
    await an.order([an.line(acme, an.oid(), 1, 7000)], at=an.days_back(1, hours=21), status="cancelled")
    await an.order([an.line(acme, an.oid(), 1, 9000)], at=an.days_back(2))
    doing = "GET /analytics/daily-revenue?days=2 over orders today, yesterday (2 counted, 1 cancelled) and 2 days ago"
    body = expect.status(await client.get(PATH, params={"days": 2}, headers=headers), 200, doing)
    expect.equal(body, [{"date": day(1), "revenue_cents": 3000, "order_count": 2},
                        {"date": day(0), "revenue_cents": 3000, "order_count": 1}],
                 f"{doing}: one row per UTC day, oldest first, today included, the orders' subtotal_cents ({SECTION})")
    await an.expect_admin_only(client, settings, PATH, doing, params={"days": 2})


@pytest.mark.weight(5)
@pytest.mark.must("days without orders are present as zero")
async def test_days_without_orders_are_zero(client, settings):
    headers = await an.as_admin(settings)
    acme = an.oid()
    await an.order([an.line(acme, an.oid(), 1, 1200)], at=an.days_back(4))
    await an.order([an.line(acme, an.oid(), 1, 3400)], at=an.days_back(1))
    doing = "GET /analytics/daily-revenue?days=7 over one order 4 days ago and one yesterday"
    body = expect.status(await client.get(PATH, params={"days": 7}, headers=headers), 200, doing)
    expected = [{"date": day(n), "revenue_cents": {4: 1200, 1: 3400}.get(n, 0), "order_count": int(n in (1, 4))}
                for n in range(6, -1, -1)]
    expect.equal(body, expected, f"{doing}: 7 rows, the days without orders with zeros ({SECTION})")
