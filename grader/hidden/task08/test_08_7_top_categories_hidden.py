"""08.7 Top categories: ties."""

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect

pytestmark = pytest.mark.exercise("08.7")
SECTION = an.section("087-top-categories")


@pytest.mark.weight(2)
@pytest.mark.ties("GET /analytics/top-categories")
async def test_categories_with_as_many_products_come_in_name_order(client, settings):
    headers = await an.as_admin(settings)
    acme = an.oid()
    for category in ("toys", "books", "sports", "beauty", "home"):
        await an.product(acme, category, category=category)
    await an.product(acme, "food 1", category="food")
    await an.product(acme, "food 2", category="food")
    doing = "GET /analytics/top-categories?limit=4 over 2 food products and one in toys, books, sports, beauty, home"
    body = expect.status(await client.get("/analytics/top-categories", params={"limit": 4}, headers=headers), 200,
                         doing)
    expect.equal([r.get("category") for r in body], ["food", "beauty", "books", "home"],
                 f"{doing}: the categories, ties by category ascending ({SECTION})")
