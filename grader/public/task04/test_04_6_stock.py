"""04.6 Stock. Suppliers and products are put straight into the database."""

import pytest

from grader.testkit import expect, products, race, suppliers

pytestmark = pytest.mark.exercise("04.6")


def _path(product, key="red-m"):
    return f"/products/{product.id}/variants/{key}/stock"


@pytest.mark.weight(3)
async def test_stock_goes_up_and_down(client, events, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    tee = await products.seed_product(acme, "Harbour Tee", status="active")  # red-m holds 10, blue-l 4
    body = expect.status(await client.post(_path(tee), json={"change": 5}, headers=headers), 200,
                         "POST /products/{id}/variants/red-m/stock with change 5")
    expect.equal(body.get("variants", {}).get("red-m", {}).get("quantity"), 15, "red-m quantity after +5 (it was 10)")
    body = expect.status(await client.post(_path(tee), json={"change": -3}, headers=headers), 200,
                         "POST /products/{id}/variants/red-m/stock with change -3")
    expect.equal(body.get("variants", {}).get("red-m", {}).get("quantity"), 12, "red-m quantity after -3")
    stored = await products.stored(tee)
    expect.equal((stored.variants["red-m"].quantity, stored.variants["blue-l"].quantity, stored.version), (12, 4, 1),
                 "(red-m quantity, blue-l quantity, version) stored (a stock change is no edit: the version stays)")
    updated = events.of_type("product.updated")
    expect.equal([e["data"].get("variants", {}).get("red-m", {}).get("quantity") for e in updated], [15, 12],
                 "variants.red-m.quantity in the product.updated events, one per change")


@pytest.mark.weight(5)
@pytest.mark.must("stock never goes below zero")
@pytest.mark.race("stock changes sent at the same moment each count and never take stock below zero")
async def test_stock_never_goes_below_zero(client, events, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    tee = await products.seed_product(acme, "Harbour Tee", status="active", quantity=10)
    response = await client.post(_path(tee), json={"change": -11}, headers=headers)
    error = expect.error(response, 409, "POST /variants/red-m/stock with change -11 when 10 are in stock",
                         code="insufficient_stock")
    expect.equal(error.get("details"), {"available": 10}, "details of the 409 for taking 11 of 10")
    body = expect.status(await client.post(_path(tee), json={"change": -10}, headers=headers), 200,
                         "POST /variants/red-m/stock with change -10 when 10 are in stock")
    expect.equal(body.get("variants", {}).get("red-m", {}).get("quantity"), 0, "red-m quantity after taking all 10")
    expect.error(await client.post(_path(tee), json={"change": -1}, headers=headers), 409,
                 "POST /variants/red-m/stock with change -1 when none are left", code="insufficient_stock")
    # The same rule when the requests race: each may read 10 before one takes its share.
    for round_ in race.rounds():
        mug = await products.seed_product(acme, f"Mug {round_}", status="active", quantity=10)
        responses = await race.at_once(client.post(_path(mug), json={"change": -3}, headers=headers) for _ in range(5))
        expect.equal(race.statuses(responses), [200, 200, 200, 409, 409], "statuses of 5 changes of -3 sent at the same "
                     "moment with 10 in stock (one conditional $inc whose filter asks for enough stock)")
        stored = await products.stored(mug)
        expect.equal(stored.variants["red-m"].quantity, 1, "red-m quantity after 5 changes of -3 at once with 10 in "
                     "stock (three took 9; the others were refused)")
    expect.equal(len(events.of_type("product.updated")), 1 + 3 * len(race.rounds()),
                 "product.updated events (one per accepted change, none for a refused one)")
