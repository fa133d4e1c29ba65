"""07.5 Read and list. Users, products and orders are put straight into the database."""

from datetime import timedelta

import pytest

from grader.testkit import expect, orders, paging
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("07.5")
SECTION = f"{orders.DOC}#075-read-and-list"


@pytest.mark.weight(5)
@pytest.mark.must("a user sees only their own orders")
async def test_a_user_sees_only_their_own_orders(client, settings):
    acme = await orders.seller()
    ada = await orders.buyer()
    ben = await orders.buyer("ben@example.com", "Ben")
    root = await orders.buyer("root@example.com", "Root", role="admin")
    tee = await orders.item_product(acme, "Harbour Tee", 2500)
    mine = await orders.seed_order(ada, [(tee, 1)])
    theirs = await orders.seed_order(ben, [(tee, 2)])
    headers = orders.as_buyer(ada, settings)
    body = expect.status(await client.get(f"/orders/{mine.id}", headers=headers), 200, "GET /orders/{id} of Ada's order")
    expect.equal(body.get("order_number"), mine.order_number, "order_number of Ada's order read by id")
    body = expect.status(await client.get(f"/orders/number/{mine.order_number}", headers=headers), 200,
                         "GET /orders/number/{order_number} of Ada's order")
    expect.equal(body.get("id"), str(mine.id), "id of Ada's order read by number")
    expect.error(await client.get(f"/orders/{theirs.id}", headers=headers), 404, "GET /orders/{id} of Ben's order by Ada",
                 code="not_found")
    expect.error(await client.get(f"/orders/number/{theirs.order_number}", headers=headers), 404,
                 "GET /orders/number/{order_number} of Ben's order by Ada", code="not_found")
    expect.error(await client.get(f"/orders/{mine.id}", headers=orders.as_buyer(root, settings)), 404,
                 f"GET /orders/{{id}} of Ada's order by an admin (only one's own orders) ({SECTION})", code="not_found")
    body = expect.status(await client.get("/orders", headers=headers), 200, "GET /orders by Ada")
    expect.equal([o.get("id") for o in body.get("items") or []], [str(mine.id)], "the orders Ada's list shows")


@pytest.mark.weight(3)
async def test_the_list_is_newest_first_and_filters_by_status(client, settings):
    acme = await orders.seller()
    ada = await orders.buyer()
    tee = await orders.item_product(acme, "Harbour Tee", 2500)
    start = utc_now() - timedelta(hours=3)
    made = [await orders.seed_order(ada, [(tee, 1)], status=status, created_at=start + timedelta(minutes=n))
            for n, status in enumerate(("pending", "confirmed", "cancelled", "confirmed"))]
    headers = orders.as_buyer(ada, settings)
    body = expect.status(await client.get("/orders", headers=headers), 200, "GET /orders")
    expect.equal([o.get("id") for o in body.get("items") or []], [str(o.id) for o in reversed(made)],
                 f"Ada's orders, newest first ({SECTION})")
    expect.equal(body.get("next_cursor"), None, "next_cursor of a list that fits one page")
    body = expect.status(await client.get("/orders", params={"limit": 4}, headers=headers), 200, "GET /orders?limit=4")
    expect.equal((len(body.get("items") or []), body.get("next_cursor")), (4, None),
                 "(items, next_cursor) of GET /orders?limit=4 over exactly 4 orders (no next page)")
    body = expect.status(await client.get("/orders", params={"limit": 1}, headers=headers), 200, "GET /orders?limit=1")
    expect.equal([o.get("id") for o in body.get("items") or []], [str(made[3].id)], "GET /orders?limit=1: the newest")
    body = expect.status(await client.get("/orders", params={"status": "confirmed"}, headers=headers), 200,
                         "GET /orders?status=confirmed")
    expect.equal([o.get("id") for o in body.get("items") or []], [str(made[3].id), str(made[1].id)],
                 "Ada's confirmed orders, newest first")
    response = await client.get("/orders", params={"status": "lost"}, headers=headers)
    details = orders.error_details(response, 422, "GET /orders?status=lost", "validation_error")
    expect.equal(details.get("field"), "status", "details.field of the 422 for an unknown status")


@pytest.mark.weight(3)
@pytest.mark.ties("GET /orders")
async def test_orders_created_at_one_moment_come_in_id_order(client, settings):
    acme = await orders.seller()
    ada = await orders.buyer()
    tee = await orders.item_product(acme, "Harbour Tee", 2500)
    same_time = utc_now() - timedelta(hours=1)
    ids, insert_order = paging.tied_ids(5)
    names = {}
    for n, order_id in enumerate(insert_order):
        await orders.seed_order(ada, [(tee, 1)], created_at=same_time, id=order_id)
        names[str(order_id)] = f"tied-{n}"
    newer = await orders.seed_order(ada, [(tee, 1)], created_at=same_time + timedelta(minutes=5))
    older = await orders.seed_order(ada, [(tee, 1)], created_at=same_time - timedelta(minutes=5))
    names.update({str(newer.id): "newer", str(older.id): "older"})
    items = await paging.by_cursor(client, "/orders", "Ada's orders", headers=orders.as_buyer(ada, settings), limit=2)
    paging.expect_each_once(items, [newer.id, *reversed(ids), older.id],
                            "GET /orders, 2 at a time, over 5 orders created at the same moment and two others (newest "
                            f"first, ties in descending _id order) ({SECTION})", names=names)
