"""07.4 Cancel and modify (hidden tests)."""

import pytest

from grader.testkit import expect, orders, suppliers

pytestmark = pytest.mark.exercise("07.4")
SECTION = f"{orders.DOC}#074-cancel-and-modify"


@pytest.mark.weight(2)
async def test_bad_changes_are_refused_in_the_stated_order(client, settings):
    acme = await orders.seller()
    ada = await orders.buyer()
    ben = await orders.buyer("ben@example.com", "Ben")
    headers = orders.as_buyer(ada, settings)
    tee = await orders.item_product(acme, "Harbour Tee", 2500, quantity=10)
    order = await orders.seed_order(ada, [(tee, 2), (tee, 1)])
    path = f"/orders/{order.id}"
    expect.status(await client.patch(path, json={"items": [{"item_id": "item_2", "quantity": 3}]}, headers=headers), 200,
                  "PATCH /orders/{id} with item_2's quantity 3")
    body = expect.status(await client.patch(path, json={"shipping_address": {**orders.ADDRESS, "city": "Leeds"}},
                                            headers=headers), 200, "PATCH /orders/{id} with only a shipping_address")
    expect.equal(([i.get("quantity") for i in body.get("items") or []], (body.get("shipping_address") or {}).get("city")),
                 ([2, 3], "Leeds"), "(quantities, shipping_address.city) after changing only the address")
    for change, field, what in (({}, "body", "an empty body"),
                                ({"items": [{"item_id": "item_9", "quantity": 1}]}, "items", "an unknown item_id"),
                                ({"items": [{"item_id": "item_1", "quantity": 0}, {"item_id": "item_2", "quantity": 0}]},
                                 "items", "every item's quantity 0")):
        response = await client.patch(path, json=change, headers=headers)
        details = orders.error_details(response, 422, f"PATCH /orders/{{id}} with {what}", "validation_error")
        expect.equal(details.get("field"), field, f"details.field of the 422 for {what} ({SECTION})")
    confirmed = await orders.seed_order(ada, [(tee, 1)], status="confirmed")
    response = await client.patch(f"/orders/{confirmed.id}", json={"items": [{"item_id": "item_7", "quantity": 1}]},
                                  headers=headers)
    expect.error(response, 422, "PATCH /orders/{id} of a confirmed order naming an unknown item (the body is checked "
                                f"before the state) ({SECTION})", code="validation_error")
    expect.error(await client.patch(path, json={"items": [{"item_id": "item_1", "quantity": 1}]},
                                    headers=orders.as_buyer(ben, settings)), 404, "PATCH of Ada's order by Ben",
                 code="not_found")
    expect.error(await client.post(f"{path}/cancel", headers=orders.as_buyer(ben, settings)), 404,
                 "POST /orders/{id}/cancel of Ada's order by Ben", code="not_found")
    expect.error(await client.post(f"{path}/cancel", headers=suppliers.as_supplier(acme, settings)), 403,
                 "POST /orders/{id}/cancel by a supplier", code="forbidden")
    stored = await orders.stored(order)
    expect.equal(([i.quantity for i in stored.items], stored.status.value, stored.version), ([2, 3], "pending", 3),
                 "(quantities, status, version) of Ada's order after two accepted changes and six refusals")


@pytest.mark.weight(1)
async def test_an_empty_items_list_changes_nothing_and_a_repeated_item_takes_its_last_quantity(client, settings):
    acme = await orders.seller()
    ada = await orders.buyer()
    headers = orders.as_buyer(ada, settings)
    tee = await orders.item_product(acme, "Harbour Tee", 2500, quantity=10)
    mug = await orders.item_product(acme, "Dock Mug", 900, quantity=10)
    order = await orders.seed_order(ada, [(tee, 2), (mug, 1)])
    path = f"/orders/{order.id}"
    body = expect.status(await client.patch(path, json={"items": [], "shipping_address": {**orders.ADDRESS,
                                                                                            "city": "Leeds"}},
                                            headers=headers), 200,
                         "PATCH /orders/{id} with an empty items list and a shipping_address")
    expect.equal(([i.get("quantity") for i in body.get("items") or []], (body.get("shipping_address") or {}).get("city")),
                 ([2, 1], "Leeds"), "(quantities, shipping_address.city) after an empty items list and a new address "
                                    f"(the address alone changes) ({SECTION})")
    body = expect.status(await client.patch(path, json={"items": [{"item_id": "item_1", "quantity": 5},
                                                                  {"item_id": "item_1", "quantity": 3}]},
                                            headers=headers), 200, "PATCH /orders/{id} naming item_1 twice (5, then 3)")
    expect.equal(([i.get("quantity") for i in body.get("items") or []], body.get("subtotal_cents")), ([3, 1], 8400),
                 f"(quantities, subtotal_cents) after naming item_1 twice: the last quantity wins ({SECTION})")
    for change, what in (({"items": []}, "an empty items list and no address"),
                         ({"items": None}, "items null and no address")):
        response = await client.patch(path, json=change, headers=headers)
        details = orders.error_details(response, 422, f"PATCH /orders/{{id}} with {what}", "validation_error")
        expect.equal(details.get("field"), "body", f"details.field of the 422 for {what} (a change of nothing) "
                                                   f"({SECTION})")
    stored = await orders.stored(order)
    expect.equal(([i.quantity for i in stored.items], stored.version), ([3, 1], 3),
                 "(quantities, version) of the order after two accepted changes and two changes of nothing")
