"""07.2 Create safely. Users, the supplier and its products are put straight into the
database; orders are created through POST /orders."""

import re

import pytest

from grader.testkit import expect, orders, race

pytestmark = pytest.mark.exercise("07.2")
SECTION = f"{orders.DOC}#072-create-safely"


@pytest.mark.weight(4)
async def test_create_stores_a_pending_order(client, events, settings):
    acme = await orders.seller()
    tee = await orders.item_product(acme, "Harbour Tee", 2500, quantity=10)
    ada = await orders.buyer()
    headers = orders.as_buyer(ada, settings)
    response = await client.post("/orders", json=orders.body(orders.line(tee, 2)), headers=headers)
    expect.error(response, 422, "POST /orders without an Idempotency-Key header", code="validation_error")
    response = await client.post("/orders", json=orders.body(orders.line(tee, 2)),
                                 headers=orders.with_key(headers, "first-order"))
    body = expect.status(response, 201, "POST /orders with Idempotency-Key 'first-order' for 2 x Harbour Tee (25.00)")
    expect.equal((body.get("status"), body.get("reservation"), body.get("subtotal_cents"), body.get("tax_cents"),
                  body.get("shipping_cents"), body.get("total_cents")),
                 ("pending", "none", 5000, 400, 0, 5400),
                 f"(status, reservation, subtotal, tax, shipping, total) of the new order ({SECTION})")
    number = body.get("order_number") or ""
    created = expect.about_now(body.get("created_at"), "created_at of the new order")
    expect.true(re.fullmatch(rf"ORD-{created:%Y%m%d}-[0-9A-F]{{4}}", number),
                f"order_number of the new order: expected ORD-{created:%Y%m%d}-XXXX (the UTC date, then 4 upper-case "
                f"hex digits), got {number!r} ({SECTION})")
    expect.equal((body.get("customer") or {}).get("user_id"), str(ada.id), "customer.user_id of the new order")
    expect.equal(((body.get("customer") or {}).get("display_name"), (body.get("customer") or {}).get("email")),
                 ("Ada", "ada@example.com"), "(customer.display_name, customer.email): a snapshot of the buyer")
    expect.equal((body.get("shipping_address") or {}).get("city"), "London", "shipping_address.city of the new order")
    stored = await orders.stored(body.get("id"))
    expect.true(stored is not None, "after POST /orders answered 201, no document in 'orders' has the returned id")
    expect.equal((stored.idempotency_key, stored.order_number, await orders.stock(tee)), ("first-order", number, 10),
                 "(idempotency_key, order_number, the variant's stock) stored: creating reserves nothing")
    created_events = events.of_type("order.created")
    expect.equal([(e["entity_id"], e["data"].get("order_number")) for e in created_events], [(body["id"], number)],
                 "(entity_id, data.order_number) of the order.created events")
    big = expect.status(await client.post("/orders", json=orders.body(orders.line(tee, 40)),
                                          headers=orders.with_key(headers)), 201, "POST /orders for 40 tees (1000.00)")
    expect.equal((big.get("total_cents"), big.get("flagged_for_review")), (108000, True),
                 "(total_cents, flagged_for_review) of an order of 1000.00 plus tax")


@pytest.mark.weight(5)
@pytest.mark.must("the same Idempotency-Key never makes two orders")
@pytest.mark.race("creates sent at the same moment with one Idempotency-Key make one order")
async def test_the_same_key_never_makes_two_orders(client, events, settings):
    acme = await orders.seller()
    tee = await orders.item_product(acme, "Harbour Tee", 2500)
    ada = await orders.buyer()
    headers = orders.with_key(orders.as_buyer(ada, settings), "checkout-1")
    first = expect.status(await client.post("/orders", json=orders.body(orders.line(tee, 1)), headers=headers), 201,
                          "POST /orders with Idempotency-Key 'checkout-1'")
    again = expect.status(await client.post("/orders", json=orders.body(orders.line(tee, 1)), headers=headers), 200,
                          f"the same POST /orders again, same key, same body ({SECTION})")
    expect.equal((again.get("id"), again.get("order_number")), (first.get("id"), first.get("order_number")),
                 "(id, order_number) answered to the repeated request: the order made the first time")
    response = await client.post("/orders", json=orders.body(orders.line(tee, 3)), headers=headers)
    details = orders.error_details(response, 409, "POST /orders with the same Idempotency-Key and another body "
                                                  "(quantity 3)", "idempotency_conflict")
    expect.equal(details, {"order_number": first.get("order_number")}, "details of the 409 for a reused key")
    expect.equal(len(await orders.orders_of(ada)), 1, "orders stored after one create, a repeat and a refused reuse")
    for round_ in race.rounds():
        user = await orders.buyer(f"twin{round_}@example.com", f"Twin {round_}")
        raced = orders.with_key(orders.as_buyer(user, settings), f"race-{round_}")
        responses = await race.at_once(client.post("/orders", json=orders.body(orders.line(tee, 2)), headers=raced)
                                       for _ in range(3))
        expect.equal(race.statuses(responses), [200, 200, 201],
                     f"statuses of 3 identical POST /orders with Idempotency-Key 'race-{round_}' sent at the same moment "
                     "(one creates; the others find its order: the unique index on (customer.user_id, "
                     f"idempotency_key) decides) ({SECTION})")
        expect.equal(len({r.json().get("id") for r in responses}), 1,
                     "distinct order ids answered to 3 identical creates sent at the same moment")
        expect.equal(len(await orders.orders_of(user)), 1, "orders stored after 3 identical creates at the same moment")
    expect.equal(len(events.of_type("order.created")), 1 + len(race.rounds()),
                 "order.created events: one per order made, none for a repeat")


@pytest.mark.weight(5)
@pytest.mark.must("at most 5 orders per user in 24 hours")
@pytest.mark.race("creates sent at the same moment never take a user past 5 orders in 24 hours")
async def test_at_most_five_orders_in_24_hours(client, settings):
    acme = await orders.seller()
    tee = await orders.item_product(acme, "Harbour Tee", 2500)
    ada = await orders.buyer()
    ben = await orders.buyer("ben@example.com", "Ben")
    headers = orders.as_buyer(ada, settings)
    for n in range(5):
        expect.status(await client.post("/orders", json=orders.body(orders.line(tee, 1)),
                                        headers=orders.with_key(headers, f"ada-{n}")), 201,
                      f"POST /orders number {n + 1} of Ada within 24 hours")
    response = await client.post("/orders", json=orders.body(orders.line(tee, 1)), headers=orders.with_key(headers, "ada-5"))
    details = orders.error_details(response, 429, "Ada's sixth POST /orders within 24 hours", "rate_limited")
    expect.equal(details, {"limit": 5}, f"details of the 429 for a sixth order ({SECTION})")
    expect.status(await client.post("/orders", json=orders.body(orders.line(tee, 1)),
                                    headers=orders.with_key(orders.as_buyer(ben, settings))), 201,
                  "POST /orders by Ben, another user, while Ada is at her limit")
    expect.equal(len(await orders.orders_of(ada)), 5, "Ada's orders stored after 5 accepted creates and a refused sixth")
    for round_ in race.rounds():
        user = await orders.buyer(f"racer{round_}@example.com", f"Racer {round_}")
        raced = orders.as_buyer(user, settings)
        responses = await race.at_once(client.post("/orders", json=orders.body(orders.line(tee, 1)),
                                                   headers=orders.with_key(raced, f"r{round_}-{n}")) for n in range(6))
        expect.equal(race.statuses(responses), [201, 201, 201, 201, 201, 429],
                     "statuses of 6 POST /orders with 6 keys sent at the same moment by a user without orders (take "
                     f"a slot with one conditional update: counting first lets all six pass) ({SECTION})")
        expect.equal(len(await orders.orders_of(user)), 5, "orders stored after 6 creates at the same moment")
