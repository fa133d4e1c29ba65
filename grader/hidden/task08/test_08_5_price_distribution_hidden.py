"""08.5 Price distribution: an empty catalogue and rounding."""

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect

pytestmark = pytest.mark.exercise("08.5")
SECTION = an.section("085-price-distribution")
PATH = "/analytics/price-distribution"
LOWS = [0, 1000, 2500, 5000, 10000, 25000]


@pytest.mark.weight(4)
async def test_averages_round_half_up_and_empty_buckets_stay(client, settings):
    headers = await an.as_admin(settings)
    acme = an.oid()
    for price in (5000, 5001):
        await an.product(acme, f"P{price}", price=price)
    for price in (10000, 10001, 10001):
        await an.product(acme, f"Q{price}", price=price)
    doing = "GET /analytics/price-distribution over active products at 50.00 and 50.01, and 100.00, 100.01, 100.01"
    body = expect.status(await client.get(PATH, headers=headers), 200, doing)
    expected = [{"min_cents": low, "max_cents": high, "product_count": {5000: 2, 10000: 3}.get(low, 0),
                 "avg_price_cents": {5000: 5001, 10000: 10001}.get(low, 0)}
                for low, high in zip(LOWS, LOWS[1:] + [None])]
    expect.equal(body, expected, f"{doing}: 5000.5 rounds to 5001, 10000.67 to 10001 ({SECTION})")
