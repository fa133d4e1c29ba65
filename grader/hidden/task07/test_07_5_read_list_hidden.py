"""07.5 Read and list (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import expect, orders, paging, suppliers
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("07.5")
SECTION = f"{orders.DOC}#075-read-and-list"


@pytest.mark.weight(1)
async def test_reads_refuse_suppliers_unknown_ids_and_bad_cursors(client, settings):
    acme = await orders.seller()
    ada = await orders.buyer()
    tee = await orders.item_product(acme, "Harbour Tee", 2500)
    made = [await orders.seed_order(ada, [(tee, 1)], created_at=utc_now() - timedelta(minutes=n)) for n in range(3)]
    headers = orders.as_buyer(ada, settings)
    body = expect.status(await client.get(f"/orders/number/{made[1].order_number}", headers=headers), 200,
                         "GET /orders/number/{order_number} of Ada's second order")
    expect.equal(body.get("id"), str(made[1].id), "id of the order read by its number")
    body = expect.status(await client.get("/orders", params={"limit": 2}, headers=headers), 200, "GET /orders?limit=2")
    expect.true(isinstance(body.get("next_cursor"), str), f"next_cursor of the first of two pages: got {body.get('next_cursor')!r}")
    for path, what in (("/orders/not-an-id", "an id that is not an ObjectId"),
                       ("/orders/0123456789abcdef01234567", "an unknown id"),
                       ("/orders/number/ORD-20250101-0000", "an unknown order number")):
        expect.error(await client.get(path, headers=headers), 404, f"GET {path} ({what})", code="not_found")
    import base64
    import json
    made_up = base64.urlsafe_b64encode(json.dumps({"t": "2025-01-01T00:00:00+00:00", "id": "nope"}).encode()).decode()
    for cursor in ("not a cursor", "eyJ0IjogMX0=", body["next_cursor"] + "x!", made_up):
        response = await client.get("/orders", params={"cursor": cursor}, headers=headers)
        details = orders.error_details(response, 422, f"GET /orders?cursor={cursor!r} (not a cursor this listing made)",
                                       "validation_error")
        expect.equal(details.get("field"), "cursor", f"details.field of the 422 for a bad cursor ({SECTION})")
    for path in ("/orders", f"/orders/number/{made[0].order_number}", f"/orders/{made[0].id}"):
        response = await client.get(path, headers=suppliers.as_supplier(acme, settings))
        expect.error(response, 403, f"GET {path} by a supplier", code="forbidden")


@pytest.mark.weight(1)
async def test_a_page_holds_at_most_100_orders(client, settings):
    from shared.models.order import Order

    acme = await orders.seller()
    ada = await orders.buyer()
    tee = await orders.item_product(acme, "Harbour Tee", 2500)
    first = await orders.seed_order(ada, [(tee, 1)], created_at=utc_now() - timedelta(hours=3))
    start = utc_now() - timedelta(hours=2)
    copies = [first.model_copy(update={"id": None, "order_number": f"ORD-20250101-{n:04X}", "idempotency_key": f"k{n}",
                                       "created_at": start + timedelta(seconds=n)}) for n in range(100)]
    await Order.insert_many(copies)
    headers = orders.as_buyer(ada, settings)
    body = expect.status(await client.get("/orders", params={"limit": 500}, headers=headers), 200,
                         "GET /orders?limit=500 with 101 orders")
    expect.equal((len(body.get("items") or []), isinstance(body.get("next_cursor"), str)), (100, True),
                 f"(orders listed, a next_cursor given) for ?limit=500: the limit is capped at 100 ({SECTION})")


@pytest.mark.weight(1)
async def test_paging_with_a_status_filter(client, settings):
    acme = await orders.seller()
    ada = await orders.buyer()
    ben = await orders.buyer("ben@example.com", "Ben")
    tee = await orders.item_product(acme, "Harbour Tee", 2500)
    start = utc_now() - timedelta(hours=2)
    wanted = []
    for n in range(7):
        order = await orders.seed_order(ada, [(tee, 1)], status="confirmed" if n % 2 else "pending",
                                        created_at=start + timedelta(minutes=n))
        await orders.seed_order(ben, [(tee, 1)], status="confirmed", created_at=start + timedelta(minutes=n, seconds=30))
        if n % 2:
            wanted.insert(0, order.id)
    items = await paging.by_cursor(client, "/orders", "Ada's confirmed orders", params={"status": " Confirmed "},
                                   headers=orders.as_buyer(ada, settings), limit=2)
    paging.expect_each_once(items, wanted, "GET /orders?status=' Confirmed ' (trimmed, lower-cased), 2 at a time "
                            f"({SECTION})")


@pytest.mark.weight(1)
async def test_a_blank_status_is_refused(client, settings):
    acme = await orders.seller()
    ada = await orders.buyer()
    tee = await orders.item_product(acme, "Harbour Tee", 2500)
    pending = await orders.seed_order(ada, [(tee, 1)], created_at=utc_now() - timedelta(minutes=2))
    confirmed = await orders.seed_order(ada, [(tee, 1)], status="confirmed", created_at=utc_now() - timedelta(minutes=1))
    headers = orders.as_buyer(ada, settings)
    body = expect.status(await client.get("/orders", params={"status": "pending"}, headers=headers), 200,
                         "GET /orders?status=pending")
    expect.equal([i.get("id") for i in body.get("items") or []], [str(pending.id)], "ids listed for ?status=pending")
    body = expect.status(await client.get("/orders", headers=headers), 200, "GET /orders without a status")
    expect.equal([i.get("id") for i in body.get("items") or []], [str(confirmed.id), str(pending.id)],
                 "ids listed without a status (every status, newest first)")
    for blank in ("", "  "):
        response = await client.get("/orders", params={"status": blank}, headers=headers)
        details = orders.error_details(response, 422, f"GET /orders?status={blank!r} (a blank status)",
                                       "validation_error")
        expect.equal(details.get("field"), "status", f"details.field of the 422 for a blank status: only a request "
                                                     f"without the parameter lists every status ({SECTION})")
