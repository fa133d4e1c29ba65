"""07.3 Complete and reserve (hidden tests)."""

import pytest

from grader.testkit import expect, orders, race, suppliers

pytestmark = pytest.mark.exercise("07.3")
SECTION = f"{orders.DOC}#073-complete-and-reserve"


def _complete(order):
    return f"/orders/{order.id}/complete"


@pytest.mark.weight(4)
@pytest.mark.race("a complete sent several times at the same moment reserves once")
async def test_a_complete_sent_several_times_reserves_once(client, events, settings):
    acme = await orders.seller()
    ada = await orders.buyer()
    headers = orders.as_buyer(ada, settings)
    for round_ in race.rounds():
        tee = await orders.item_product(acme, f"Tee {round_}", 2500, quantity=10)
        order = await orders.seed_order(ada, [(tee, 2)])
        responses = await race.at_once(client.post(_complete(order), headers=headers) for _ in range(3))
        expect.equal(race.statuses(responses), [200, 409, 409],
                     "statuses of 3 completes of one pending order sent at the same moment (claim the order first, "
                     f"with one conditional update) ({SECTION})")
        expect.equal(await orders.stock(tee), 8, "stock after 3 completes at once of one order of 2 (10 in stock)")
    expect.equal(len(events.of_type("order.confirmed")), len(race.rounds()), "order.confirmed events: one per order")


@pytest.mark.weight(2)
async def test_only_ones_own_pending_order_is_completed(client, settings):
    acme = await orders.seller()
    ada = await orders.buyer()
    tee = await orders.item_product(acme, "Harbour Tee", 2500, quantity=10)
    headers = orders.as_buyer(ada, settings)
    pending = await orders.seed_order(ada, [(tee, 1)])
    expect.status(await client.post(_complete(pending), headers=headers), 200, "completing a pending order")
    for status, reservation in (("cancelled", "none"), ("confirmed", "reserved"), ("shipped", "reserved"),
                                ("pending", "reserving")):
        order = await orders.seed_order(ada, [(tee, 1)], status=status, reservation=reservation)
        expect.error(await client.post(_complete(order), headers=headers), 409,
                     f"POST /orders/{{id}}/complete of an order that is {status} (reservation {reservation})",
                     code="state_conflict")
    for path, what in (("/orders/not-an-id/complete", "an id that is not an ObjectId"),
                       ("/orders/0123456789abcdef01234567/complete", "an unknown id")):
        expect.error(await client.post(path, headers=headers), 404, f"POST {path} ({what})", code="not_found")
    other = await orders.seed_order(ada, [(tee, 1)])
    expect.error(await client.post(_complete(other), headers=suppliers.as_supplier(acme, settings)), 403,
                 "POST /orders/{id}/complete by a supplier", code="forbidden")
    expect.equal(await orders.stock(tee), 9, f"stock after one accepted and seven refused completes ({SECTION})")


@pytest.mark.weight(3)
async def test_a_failure_in_the_middle_gives_back_only_what_was_taken(client, settings):
    acme = await orders.seller()
    ada = await orders.buyer()
    tee = await orders.item_product(acme, "Harbour Tee", 2500, quantity=5)
    cap = await orders.item_product(acme, "Sailor Cap", 1500, quantity=1)
    mug = await orders.item_product(acme, "Dock Mug", 900, quantity=4)
    order = await orders.seed_order(ada, [(tee, 2), (cap, 2), (mug, 1), (tee, 1)])
    response = await client.post(_complete(order), headers=orders.as_buyer(ada, settings))
    details = orders.error_details(response, 409, "POST /orders/{id}/complete where the second of four items lacks "
                                                  "stock", "insufficient_stock")
    expect.equal(details, {"item_id": "item_2", "requested": 2, "available": 1}, "details of the 409")
    expect.equal((await orders.stock(tee), await orders.stock(cap), await orders.stock(mug)), (5, 1, 4),
                 "(tee, cap, mug) stock after the failed complete: the tees taken are given back, nothing else "
                 f"was touched ({SECTION})")


@pytest.mark.weight(1)
async def test_a_failed_complete_keeps_the_version_and_a_vanished_variant_has_none(client, settings):
    from shared.models.product import Product

    acme = await orders.seller()
    ada = await orders.buyer()
    tee = await orders.item_product(acme, "Harbour Tee", 2500, quantity=5)
    cap = await orders.item_product(acme, "Sailor Cap", 1500, quantity=5)
    headers = orders.as_buyer(ada, settings)
    first = await orders.seed_order(ada, [(tee, 1), (cap, 1)])
    body = expect.status(await client.post(_complete(first), headers=headers), 200,
                         "completing a pending order of a tee and a cap")
    expect.equal(body.get("version"), 2, "version after one complete of a new order (the claim adds nothing, the "
                                         f"complete exactly 1) ({SECTION})")
    order = await orders.seed_order(ada, [(tee, 2), (cap, 1)])
    await Product.get_motor_collection().update_one({"_id": cap.id}, {"$unset": {"variants.std": ""}})
    response = await client.post(_complete(order), headers=headers)
    details = orders.error_details(response, 409, "POST /orders/{id}/complete where the second item's variant was "
                                                  "removed from its product since the create", "insufficient_stock")
    expect.equal(details, {"item_id": "item_2", "requested": 1, "available": 0},
                 f"details of the 409 (a variant that is gone has 0 available) ({SECTION})")
    stored = await orders.stored(order)
    expect.equal((stored.status.value, stored.reservation.value, stored.version, await orders.stock(tee)),
                 ("pending", "none", 1, 4),
                 "(status, reservation, version, tee stock) after the failed complete: the compensation gives the 2 "
                 f"tees back and a failed complete leaves version as it was ({SECTION})")
