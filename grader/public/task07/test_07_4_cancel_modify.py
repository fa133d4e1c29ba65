"""07.4 Cancel and modify. Users, products and orders are put straight into the database."""

import pytest

from grader.testkit import expect, orders, race

pytestmark = pytest.mark.exercise("07.4")
SECTION = f"{orders.DOC}#074-cancel-and-modify"


def _cancel(order):
    return f"/orders/{order.id}/cancel"


@pytest.mark.weight(5)
@pytest.mark.must("a cancel gives the stock back exactly once")
@pytest.mark.race("cancels sent at the same moment give the stock back once")
async def test_a_cancel_gives_the_stock_back_exactly_once(client, events, settings):
    acme = await orders.seller()
    ada = await orders.buyer()
    headers = orders.as_buyer(ada, settings)
    tee = await orders.item_product(acme, "Harbour Tee", 2500, quantity=10)
    mug = await orders.item_product(acme, "Dock Mug", 900, quantity=5)
    order = await orders.seed_order(ada, [(tee, 2), (mug, 1)], status="confirmed", take_stock=True)
    body = expect.status(await client.post(_cancel(order), json={"reason": "changed my mind"}, headers=headers), 200,
                         "POST /orders/{id}/cancel of a confirmed order (2 tees and 1 mug reserved)")
    expect.equal((body.get("status"), body.get("reservation"), body.get("cancellation_reason"), body.get("version")),
                 ("cancelled", "released", "changed my mind", 2),
                 f"(status, reservation, cancellation_reason, version) of the cancelled order ({SECTION})")
    expect.equal((await orders.stock(tee), await orders.stock(mug)), (10, 5),
                 "(tee, mug) stock after cancelling a confirmed order: what it reserved is back")
    expect.error(await client.post(_cancel(order), json={"reason": "again"}, headers=headers), 409,
                 "POST /orders/{id}/cancel of an order that is cancelled already", code="state_conflict")
    expect.equal((await orders.stock(tee), await orders.stock(mug)), (10, 5), "(tee, mug) stock after a second cancel")
    cancelled = events.of_type("order.cancelled")
    expect.equal([e["data"] for e in cancelled],
                 [{"id": str(order.id), "order_number": order.order_number, "reason": "changed my mind"}],
                 "data of the order.cancelled events")
    for round_ in race.rounds():
        cap = await orders.item_product(acme, f"Cap {round_}", 1500, quantity=6)
        raced = await orders.seed_order(ada, [(cap, 4)], status="confirmed", take_stock=True)
        responses = await race.at_once(client.post(_cancel(raced), json={"reason": "race"}, headers=headers)
                                       for _ in range(3))
        expect.equal(race.statuses(responses), [200, 409, 409],
                     "statuses of 3 cancels of one confirmed order sent at the same moment (move the status with one "
                     f"conditional update, and give the stock back only after winning it) ({SECTION})")
        expect.equal(await orders.stock(cap), 6, "stock after 3 cancels at once of an order that reserved 4 of 6")


@pytest.mark.weight(4)
async def test_modify_changes_quantities_and_recomputes_the_totals(client, events, settings):
    acme = await orders.seller()
    ada = await orders.buyer()
    tee = await orders.item_product(acme, "Harbour Tee", 2500, quantity=10)
    mug = await orders.item_product(acme, "Dock Mug", 900, quantity=5)
    order = await orders.seed_order(ada, [(tee, 2), (mug, 1)])  # 5900: free shipping
    address = {**orders.ADDRESS, "city": "Bristol", "zip_code": "BS1 4DJ"}
    body = expect.status(await client.patch(f"/orders/{order.id}", json={
        "items": [{"item_id": "item_1", "quantity": 1}, {"item_id": "item_2", "quantity": 2}],
        "shipping_address": address}, headers=orders.as_buyer(ada, settings)), 200,
        "PATCH /orders/{id} of a pending order: 1 tee instead of 2, 2 mugs instead of 1, a new address")
    expect.equal([(i.get("item_id"), i.get("quantity"), i.get("total_cents")) for i in body.get("items") or []],
                 [("item_1", 1, 2500), ("item_2", 2, 1800)], "(item_id, quantity, total_cents) of the items")
    expect.equal((body.get("subtotal_cents"), body.get("tax_cents"), body.get("shipping_cents"), body.get("total_cents"),
                  body.get("version")), (4300, 344, 599, 5243, 2),
                 f"(subtotal, tax, shipping, total, version) after the change (shipping is due again below 50.00) "
                 f"({SECTION})")
    expect.equal((body.get("shipping_address") or {}).get("city"), "Bristol", "shipping_address.city after the change")
    body = expect.status(await client.patch(f"/orders/{order.id}", json={"items": [{"item_id": "item_1", "quantity": 0}]},
                                            headers=orders.as_buyer(ada, settings)), 200,
                         "PATCH /orders/{id} with item_1's quantity 0 (removes it)")
    expect.equal([(i.get("item_id"), i.get("quantity")) for i in body.get("items") or []], [("item_2", 2)],
                 "(item_id, quantity) of the items after removing item_1")
    expect.equal((body.get("total_cents"), body.get("version")), (1800 + 144 + 599, 3),
                 "(total_cents, version) after removing item_1")
    updated = events.of_type("order.updated")
    expect.equal([e["data"].get("version") for e in updated], [2, 3], "data.version of the order.updated events")
    expect.equal((await orders.stock(tee), await orders.stock(mug)), (10, 5), "stock after modifying a pending order")


@pytest.mark.weight(3)
async def test_only_pending_orders_change_and_only_pending_or_confirmed_cancel(client, settings):
    acme = await orders.seller()
    ada = await orders.buyer()
    headers = orders.as_buyer(ada, settings)
    tee = await orders.item_product(acme, "Harbour Tee", 2500, quantity=10)
    pending = await orders.seed_order(ada, [(tee, 2)])
    body = expect.status(await client.post(_cancel(pending), headers=headers), 200,
                         "POST /orders/{id}/cancel of a pending order, without a body")
    expect.equal((body.get("status"), body.get("reservation"), body.get("cancellation_reason")),
                 ("cancelled", "none", None), "(status, reservation, cancellation_reason) of a cancelled pending order")
    expect.equal(await orders.stock(tee), 10, "stock after cancelling a pending order (it had reserved nothing)")
    for status in ("shipped", "delivered", "refunded"):
        order = await orders.seed_order(ada, [(tee, 1)], status=status, reservation="reserved")
        expect.error(await client.post(_cancel(order), headers=headers), 409,
                     f"POST /orders/{{id}}/cancel of a {status} order", code="state_conflict")
    change = {"items": [{"item_id": "item_1", "quantity": 1}]}
    fresh = await orders.seed_order(ada, [(tee, 2)])
    expect.status(await client.patch(f"/orders/{fresh.id}", json=change, headers=headers), 200,
                  "PATCH /orders/{id} of a pending order")
    for status, reservation in (("confirmed", "reserved"), ("cancelled", "none"), ("pending", "reserving")):
        order = await orders.seed_order(ada, [(tee, 2)], status=status, reservation=reservation)
        expect.error(await client.patch(f"/orders/{order.id}", json=change, headers=headers), 409,
                     f"PATCH /orders/{{id}} of an order that is {status} (reservation {reservation}) ({SECTION})",
                     code="state_conflict")
        expect.equal((await orders.stored(order)).items[0].quantity, 2, f"item_1's quantity of the {status} order")
