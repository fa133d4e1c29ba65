"""08.7 Top categories: ties."""

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect

pytestmark = pytest.mark.exercise("08.7")
SECTION = an.section("087-top-categories")


@pytest.mark.weight(2)
@pytest.mark.ties("GET /analytics/top-categories")
async def test_categories_with_as_many_products_come_by_suppliers_then_name(client, settings):
    headers = await an.as_admin(settings)
    acme, bolt, cove = an.oid(), an.oid(), an.oid()
    spread = {"beauty": [acme, acme], "books": [acme, bolt], "home": [acme, bolt], "sports": [acme, acme],
              "toys": [bolt, cove], "food": [acme, bolt, cove]}
    for category in ("toys", "sports", "home", "books", "beauty", "food"):
        for n, supplier in enumerate(spread[category]):
            await an.product(supplier, f"{category} {n}", category=category)
    doing = ("GET /analytics/top-categories?limit=5 over 3 food products (3 suppliers) and 2 each in beauty (1 "
             "supplier), books (2), home (2), sports (1), toys (2)")
    body = expect.status(await client.get("/analytics/top-categories", params={"limit": 5}, headers=headers), 200,
                         doing)
    expect.equal([(r.get("category"), r.get("supplier_count")) for r in body],
                 [("food", 3), ("books", 2), ("home", 2), ("toys", 2), ("beauty", 1)],
                 f"{doing}: (category, suppliers) in order: ties by supplier_count descending, then category "
                 f"ascending ({SECTION})")
