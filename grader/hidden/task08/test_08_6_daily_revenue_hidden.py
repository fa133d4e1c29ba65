"""08.6 Daily revenue: UTC midnight, the default and the bounds of days."""

from datetime import timedelta, timezone

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect

pytestmark = pytest.mark.exercise("08.6")
SECTION = an.section("086-daily-revenue")
PATH = "/analytics/daily-revenue"


@pytest.mark.weight(5)
async def test_days_are_utc_days(client, settings):
    headers = await an.as_admin(settings)
    acme = an.oid()
    midnight = an.today_start() - timedelta(days=1)
    await an.order([an.line(acme, an.oid(), 1, 100)], at=midnight - timedelta(milliseconds=1))
    await an.order([an.line(acme, an.oid(), 1, 200)], at=midnight)
    tokyo = timezone(timedelta(hours=9))
    await an.order([an.line(acme, an.oid(), 1, 400)], at=(midnight + timedelta(hours=2)).astimezone(tokyo))
    await an.order([an.line(acme, an.oid(), 1, 800)], at=midnight - timedelta(days=1))
    doing = ("GET /analytics/daily-revenue?days=3 over orders at 23:59:59.999 UTC two days ago, 00:00:00.000 UTC "
             "yesterday, 02:00 UTC yesterday (stored from a +09:00 time) and 00:00 UTC two days ago")
    body = expect.status(await client.get(PATH, params={"days": 3}, headers=headers), 200, doing)
    expect.equal([(r.get("date"), r.get("revenue_cents"), r.get("order_count")) for r in body],
                 [(an.utc_day(midnight - timedelta(days=1)), 900, 2), (an.utc_day(midnight), 600, 2),
                  (an.utc_day(an.today_start()), 0, 0)],
                 f"{doing}: (date, revenue, orders) per UTC day ({SECTION})")


@pytest.mark.weight(5)
async def test_thirty_days_by_default_counted_only_and_bad_days(client, settings):
    headers = await an.as_admin(settings)
    acme = an.oid()
    await an.order([an.line(acme, an.oid(), 1, 100)], at=an.days_back(29))
    await an.order([an.line(acme, an.oid(), 1, 200)], at=an.days_back(30))
    for status in an.NOT_COUNTED:
        await an.order([an.line(acme, an.oid(), 1, 400)], at=an.days_back(3), status=status)
    doing = "GET /analytics/daily-revenue over an order 29 days ago, one 30 days ago, and uncounted ones 3 days ago"
    body = expect.status(await client.get(PATH, headers=headers), 200, doing)
    expect.equal(len(body), 30, f"{doing}: the number of rows (30 by default)")
    expect.equal((body[0].get("date"), body[0].get("revenue_cents")), (an.utc_day(an.days_back(29)), 100),
                 f"{doing}: the first row (29 days ago)")
    expect.equal(sum(r.get("order_count", 0) for r in body), 1, f"{doing}: the orders counted ({SECTION})")
    for days in (0, 367):
        expect.error(await client.get(PATH, params={"days": days}, headers=headers), 422,
                     f"GET /analytics/daily-revenue?days={days} (1 to 366) ({SECTION})")
