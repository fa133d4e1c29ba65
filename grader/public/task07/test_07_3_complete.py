"""07.3 Complete and reserve. Users, products and pending orders are put straight into the
database, so nothing here depends on your create."""

import pytest

from grader.testkit import expect, orders, race

pytestmark = pytest.mark.exercise("07.3")
SECTION = f"{orders.DOC}#073-complete-and-reserve"


def _complete(order):
    return f"/orders/{order.id}/complete"


@pytest.mark.weight(5)
async def test_complete_confirms_the_order_and_reserves_its_stock(client, events, settings):
    acme = await orders.seller()
    tee = await orders.item_product(acme, "Harbour Tee", 2500, quantity=10)
    mug = await orders.item_product(acme, "Dock Mug", 900, quantity=3)
    ada = await orders.buyer()
    ben = await orders.buyer("ben@example.com", "Ben")
    order = await orders.seed_order(ada, [(tee, 2), (mug, 1)])
    expect.error(await client.post(_complete(order), headers=orders.as_buyer(ben, settings)), 404,
                 "POST /orders/{id}/complete of Ada's order by Ben", code="not_found")
    body = expect.status(await client.post(_complete(order), headers=orders.as_buyer(ada, settings)), 200,
                         "POST /orders/{id}/complete of Ada's pending order by Ada")
    expect.equal((body.get("status"), body.get("reservation"), body.get("version")), ("confirmed", "reserved", 2),
                 f"(status, reservation, version) of the completed order ({SECTION})")
    expect.about_now(body.get("confirmed_at"), "confirmed_at of the completed order")
    expect.equal((await orders.stock(tee), await orders.stock(mug)), (8, 2),
                 "(tee stock, mug stock) after completing an order of 2 tees (10 in stock) and 1 mug (3 in stock)")
    confirmed = events.of_type("order.confirmed")
    expect.equal([(e["entity_id"], e["data"].get("status")) for e in confirmed], [(str(order.id), "confirmed")],
                 "(entity_id, data.status) of the order.confirmed events")
    expect.error(await client.post(_complete(order), headers=orders.as_buyer(ada, settings)), 409,
                 "POST /orders/{id}/complete of an order that is confirmed already", code="state_conflict")
    expect.equal((await orders.stock(tee), await orders.stock(mug)), (8, 2), "(tee stock, mug stock) after a refused "
                                                                             "second complete")


@pytest.mark.weight(5)
@pytest.mark.must("stock never goes below zero")
@pytest.mark.race("of completes sent at the same moment for the last unit, exactly one wins and stock never goes "
                  "below zero")
async def test_stock_never_goes_below_zero(client, settings):
    acme = await orders.seller()
    ada = await orders.buyer()
    ben = await orders.buyer("ben@example.com", "Ben")
    tee = await orders.item_product(acme, "Harbour Tee", 2500, quantity=2)
    big = await orders.seed_order(ada, [(tee, 3)])
    response = await client.post(_complete(big), headers=orders.as_buyer(ada, settings))
    details = orders.error_details(response, 409, "POST /orders/{id}/complete of an order of 3 with 2 in stock",
                                   "insufficient_stock")
    expect.equal(details, {"item_id": "item_1", "requested": 3, "available": 2},
                 f"details of the 409 for 3 wanted, 2 in stock ({SECTION})")
    expect.equal(((await orders.stored(big)).status.value, (await orders.stored(big)).reservation.value,
                  await orders.stock(tee)), ("pending", "none", 2),
                 "(status, reservation, stock) after a refused complete: the order stays pending, the stock untouched")
    for round_ in race.rounds():
        last = await orders.item_product(acme, f"Last Mug {round_}", 900, quantity=1)
        mine = await orders.seed_order(ada, [(last, 1)])
        theirs = await orders.seed_order(ben, [(last, 1)])
        responses = await race.at_once([client.post(_complete(mine), headers=orders.as_buyer(ada, settings)),
                                        client.post(_complete(theirs), headers=orders.as_buyer(ben, settings))])
        expect.equal(race.statuses(responses), [200, 409],
                     "statuses of two completes sent at the same moment for two orders of the last unit (a "
                     f"conditional $inc whose filter asks for enough stock) ({SECTION})")
        expect.equal(await orders.stock(last), 0, "stock after two orders raced for the last unit")
        statuses = sorted([(await orders.stored(mine)).status.value, (await orders.stored(theirs)).status.value])
        expect.equal(statuses, ["confirmed", "pending"], "the two orders' statuses after the race for the last unit")


@pytest.mark.weight(5)
@pytest.mark.must("all items are reserved or none")
async def test_all_items_are_reserved_or_none(client, settings):
    acme = await orders.seller()
    ada = await orders.buyer()
    tee = await orders.item_product(acme, "Harbour Tee", 2500, quantity=5)
    cap = await orders.item_product(acme, "Sailor Cap", 1500, quantity=4)
    mug = await orders.item_product(acme, "Dock Mug", 900, quantity=2)
    order = await orders.seed_order(ada, [(tee, 1), (cap, 2), (mug, 3)])
    response = await client.post(_complete(order), headers=orders.as_buyer(ada, settings))
    details = orders.error_details(response, 409, "POST /orders/{id}/complete of 1 tee (5 in stock), 2 caps (4) and "
                                                  "3 mugs (2)", "insufficient_stock")
    expect.equal(details.get("item_id"), "item_3", "details.item_id of the 409: the item that lacks stock")
    expect.equal((await orders.stock(tee), await orders.stock(cap), await orders.stock(mug)), (5, 4, 2),
                 "(tee, cap, mug) stock after a complete failed on its third item: what the first two took is given "
                 f"back (compensation) ({SECTION})")
    stored = await orders.stored(order)
    expect.equal((stored.status.value, stored.reservation.value), ("pending", "none"),
                 "(status, reservation) of the order after the failed complete")
    from shared.models.product import Product
    await Product.get_motor_collection().update_one({"_id": mug.id}, {"$set": {"variants.std.quantity": 3}})
    expect.status(await client.post(_complete(order), headers=orders.as_buyer(ada, settings)), 200,
                  "POST /orders/{id}/complete again once the mugs were restocked to 3")
    expect.equal((await orders.stock(tee), await orders.stock(cap), await orders.stock(mug)), (4, 2, 0),
                 "(tee, cap, mug) stock after the complete succeeded")
