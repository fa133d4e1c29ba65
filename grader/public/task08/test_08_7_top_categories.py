"""08.7 Top categories. Products are put straight into the database."""

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect

pytestmark = pytest.mark.exercise("08.7")
SECTION = an.section("087-top-categories")
PATH = "/analytics/top-categories"


@pytest.mark.weight(3)
async def test_categories_by_active_products(client, settings):
    headers = await an.as_admin(settings)
    acme = an.oid()
    for category, count in (("home", 3), ("books", 1), ("toys", 2)):
        for n in range(count):
            await an.product(acme, f"{category} {n}", category=category)
    for n in range(4):
        await an.product(acme, f"draft {n}", category="books", status="draft")
    doing = "GET /analytics/top-categories?limit=2 over 3 active home products, 2 toys, 1 book (and 4 draft books)"
    body = expect.status(await client.get(PATH, params={"limit": 2}, headers=headers), 200, doing)
    expect.equal(body, [{"category": "home", "product_count": 3, "supplier_count": 1},
                        {"category": "toys", "product_count": 2, "supplier_count": 1}],
                 f"{doing}: the categories with most active products, at most 2 ({SECTION})")
    await an.expect_admin_only(client, settings, PATH, doing)
