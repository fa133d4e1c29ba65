"""08.5 Price distribution. Products are put straight into the database."""

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect

pytestmark = pytest.mark.exercise("08.5")
SECTION = an.section("085-price-distribution")
PATH = "/analytics/price-distribution"


def bucket(low, high, count, avg):
    return {"min_cents": low, "max_cents": high, "product_count": count, "avg_price_cents": avg}


@pytest.mark.weight(6)
async def test_every_bucket_with_its_count_and_average(client, settings):
    headers = await an.as_admin(settings)
    acme = an.oid()
    for price in (0, 999, 1000, 2499, 30000, 99999):
        await an.product(acme, f"P{price}", price=price)
    for status in ("draft", "out_of_stock", "discontinued", "deleted"):
        await an.product(acme, f"Not {status}", price=6000, status=status)
    doing = ("GET /analytics/price-distribution over active products at 0, 9.99, 10.00, 24.99, 300.00 and 999.99 "
             "(and 4 inactive ones at 60.00)")
    body = expect.status(await client.get(PATH, headers=headers), 200, doing)
    expect.equal(body, [bucket(0, 1000, 2, 500), bucket(1000, 2500, 2, 1750), bucket(2500, 5000, 0, 0),
                        bucket(5000, 10000, 0, 0), bucket(10000, 25000, 0, 0), bucket(25000, None, 2, 65000)],
                 f"{doing}: every bucket, lowest first, a boundary in the bucket it starts, averages half up ({SECTION})")
    await an.expect_admin_only(client, settings, PATH, doing)
