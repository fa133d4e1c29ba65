"""07.2 Create safely (hidden tests)."""

import pytest
from bson import ObjectId

from grader.testkit import expect, orders, race, suppliers

pytestmark = pytest.mark.exercise("07.2")
SECTION = f"{orders.DOC}#072-create-safely"


@pytest.mark.weight(2)
async def test_a_refused_create_stores_nothing_and_takes_no_slot(client, events, settings):
    acme = await orders.seller()
    tee = await orders.item_product(acme, "Harbour Tee", 2000)
    ada = await orders.buyer()
    headers = orders.as_buyer(ada, settings)
    response = await client.post("/orders", json=orders.body(orders.line(tee, 1, seen=1000)),
                                 headers=orders.with_key(headers))
    expect.error(response, 409, "POST /orders with the price seen at 10.00 for a 20.00 product", code="price_changed")
    response = await client.post("/orders", json=orders.body({**orders.line(tee), "product_id": str(ObjectId())}),
                                 headers=orders.with_key(headers))
    expect.error(response, 422, "POST /orders for an unknown product", code="validation_error")
    response = await client.post("/orders", json=orders.body(orders.line(tee)),
                                 headers=orders.with_key(suppliers.as_supplier(acme, settings)))
    expect.error(response, 403, "POST /orders by a supplier", code="forbidden")
    expect.equal((await orders.count_orders(), len(events.of_type("order.created"))), (0, 0),
                 "(orders stored, order.created events) after three refused creates")
    from shared.models.user import User

    await User.get_motor_collection().update_one({"_id": ada.id}, {"$set": {"contact_info.phone": "+442079460000"}})
    for n in range(5):
        body = expect.status(await client.post("/orders", json=orders.body(orders.line(tee)),
                                               headers=orders.with_key(headers, f"k{n}")), 201,
                             f"POST /orders number {n + 1} after two refused creates (a refused create takes no slot "
                             f"of the daily limit: it is checked after the prices) ({SECTION})")
    expect.equal((body.get("customer") or {}).get("phone"), "+442079460000",
                 f"customer.phone of an order by a buyer whose profile has a phone: the snapshot holds it ({SECTION})")


@pytest.mark.weight(2)
async def test_old_orders_do_not_count_and_a_repeat_is_answered_at_the_limit(client, settings):
    acme = await orders.seller()
    tee = await orders.item_product(acme, "Harbour Tee", 2000)
    ada = await orders.buyer()
    headers = orders.as_buyer(ada, settings)
    for n in range(5):
        expect.status(await client.post("/orders", json=orders.body(orders.line(tee)),
                                        headers=orders.with_key(headers, f"old-{n}")), 201, f"POST /orders number {n + 1}")
    await orders.age_orders(ada, 25)
    for n in range(5):
        expect.status(await client.post("/orders", json=orders.body(orders.line(tee)),
                                        headers=orders.with_key(headers, f"new-{n}")), 201,
                      f"POST /orders number {n + 1} of the last 24 hours, after 5 orders made 25 hours ago (the limit "
                      f"counts a rolling 24 hours) ({SECTION})")
    expect.status(await client.post("/orders", json=orders.body(orders.line(tee)),
                                    headers=orders.with_key(headers, "new-2")), 200,
                  "POST /orders repeating an earlier request (same key, same body) while at the limit: the repeat is "
                  "answered before the limit is checked")
    expect.error(await client.post("/orders", json=orders.body(orders.line(tee)), headers=orders.with_key(headers, "new-5")),
                 429, "a sixth new order within 24 hours", code="rate_limited")


@pytest.mark.weight(2)
async def test_a_lost_race_gives_its_slot_back(client, settings):
    acme = await orders.seller()
    tee = await orders.item_product(acme, "Harbour Tee", 2000)
    ada = await orders.buyer()
    headers = orders.as_buyer(ada, settings)
    responses = await race.at_once(client.post("/orders", json=orders.body(orders.line(tee, q)),
                                               headers=orders.with_key(headers, "shared")) for q in (1, 2))
    expect.equal(race.statuses(responses), [201, 409],
                 "statuses of 2 POST /orders with one Idempotency-Key and different bodies sent at the same moment")
    responses = await race.at_once(client.post("/orders", json=orders.body(orders.line(tee)),
                                               headers=orders.with_key(headers, "twice")) for _ in range(3))
    expect.equal(race.statuses(responses), [200, 200, 201], "statuses of 3 identical creates sent at the same moment")
    for n in range(3):
        expect.status(await client.post("/orders", json=orders.body(orders.line(tee)),
                                        headers=orders.with_key(headers, f"after-{n}")), 201,
                      f"POST /orders number {n + 3} of the day (two orders so far: the requests that lost a race gave "
                      f"their slots back) ({SECTION})")
    expect.equal(len(await orders.orders_of(ada)), 5, "Ada's orders stored")
    expect.error(await client.post("/orders", json=orders.body(orders.line(tee)), headers=orders.with_key(headers)), 429,
                 "Ada's sixth order of the day", code="rate_limited")
