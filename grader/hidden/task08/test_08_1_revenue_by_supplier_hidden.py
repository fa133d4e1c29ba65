"""08.1 Revenue by supplier: ties, and the small seed data."""

from collections import defaultdict

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect, paging

pytestmark = pytest.mark.exercise("08.1")
SECTION = an.section("081-revenue-by-supplier")
PATH = "/analytics/revenue-by-supplier"


@pytest.mark.weight(2)
@pytest.mark.ties("GET /analytics/revenue-by-supplier")
async def test_suppliers_with_equal_revenue_come_in_name_then_id_order(client, settings):
    headers = await an.as_admin(settings)
    ids, insert_order = paging.tied_ids(6)
    names = {str(i): name for i, name in zip(ids, ["Delta", "Same", "Same", "Charlie", "Bravo", "Alpha"])}
    top = an.oid()
    for supplier_id in insert_order:
        await an.order([an.line(str(supplier_id), an.oid(), 2, 500, supplier_name=names[str(supplier_id)])])
    await an.order([an.line(top, an.oid(), 1, 5000, supplier_name="Zulu")])
    doing = ("GET /analytics/revenue-by-supplier over 6 suppliers with 10.00 each (Delta, Same, Same, Charlie, Bravo, "
             "Alpha in id order, first seen out of id order) and Zulu with 50.00")
    body = expect.status(await client.get(PATH, headers=headers), 200, doing)
    expected = [top, str(ids[5]), str(ids[4]), str(ids[3]), str(ids[0]), str(ids[1]), str(ids[2])]
    expect.equal([(r.get("supplier_name"), r.get("supplier_id")) for r in body],
                 [(names.get(i, "Zulu"), i) for i in expected],
                 f"{doing}: the suppliers, revenue descending, ties by supplier_name, then supplier_id ascending "
                 f"({SECTION})")


@pytest.mark.weight(2)
async def test_the_seed_data(client, settings, db):
    from shared.seed import seed_database

    await seed_database(db, "small", reset=True)
    headers = await an.as_admin(settings)
    totals = defaultdict(lambda: [0, 0, set()])
    async for order in db["orders"].find({"status": {"$in": list(an.COUNTED)}}, {"items": 1}):
        for item in order["items"]:
            row = totals[item["product_snapshot"]["supplier_id"]]
            row[0] += item["total_cents"]
            row[1] += item["quantity"]
            row[2].add(order["_id"])
    expected = sorted(((sid, r[0], r[1], len(r[2]), an.half_up(r[0], r[1])) for sid, r in totals.items()),
                      key=lambda r: (-r[1], r[0]))
    doing = "GET /analytics/revenue-by-supplier on the small seed data (make seed SIZE=small)"
    body = expect.status(await client.get(PATH, headers=headers), 200, doing)
    got = [(r.get("supplier_id"), r.get("total_revenue_cents"), r.get("total_items_sold"), r.get("order_count"),
            r.get("avg_item_value_cents")) for r in body]
    expect.equal(got, expected, f"{doing}: (supplier_id, revenue, items, orders, average) per supplier, computed "
                                f"from the seeded orders ({SECTION})")
