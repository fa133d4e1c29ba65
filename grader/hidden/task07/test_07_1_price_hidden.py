"""07.1 Price an order (hidden tests)."""

from datetime import timedelta

import pytest
from bson import ObjectId

from grader.testkit import expect, orders, suppliers
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("07.1")
QUOTE = "/orders/quote"


@pytest.mark.weight(3)
async def test_items_must_be_on_sale_and_have_the_variant(client, settings):
    acme = await orders.seller()
    tee = await orders.item_product(acme, "Harbour Tee", 1000)
    ada = await orders.buyer()
    headers = orders.as_buyer(ada, settings)
    expect.status(await client.post(QUOTE, json={"items": [orders.line(tee)]}, headers=headers), 200,
                  "POST /orders/quote for an active product's variant")
    draft = await orders.item_product(acme, "Draft Tee", 1000, status="draft")
    gone = await orders.item_product(acme, "Gone Tee", 1000, status="deleted")
    empty = await orders.item_product(acme, "Empty Tee", 1000, status="out_of_stock")
    cases = (({**orders.line(tee), "product_id": "not-an-id"}, "product_id", "a product id that is not an ObjectId"),
             ({**orders.line(tee), "product_id": str(ObjectId())}, "product_id", "an unknown product id"),
             (orders.line(draft), "product_id", "a draft product"),
             (orders.line(gone), "product_id", "a deleted product"),
             (orders.line(empty), "product_id", "an out-of-stock product"),
             ({**orders.line(tee), "variant_key": "xl"}, "variant_key", "a variant key the product does not have"))
    for bad, field, what in cases:
        response = await client.post(QUOTE, json={"items": [orders.line(tee), bad]}, headers=headers)
        details = orders.error_details(response, 422, f"POST /orders/quote whose second item is {what}",
                                       "validation_error")
        expect.equal((details.get("item_id"), details.get("field")), ("item_2", field),
                     f"(details.item_id, details.field) of the 422 for {what} ({orders.DOC}#071-price-an-order)")
    response = await client.post(QUOTE, json={"items": [orders.line(tee)]}, headers=suppliers.as_supplier(acme, settings))
    expect.error(response, 403, "POST /orders/quote by a supplier (suppliers do not buy)", code="forbidden")


@pytest.mark.weight(2)
async def test_of_equal_discounts_the_oldest_promotion_applies(client, settings):
    acme = await orders.seller()
    tee = await orders.item_product(acme, "Harbour Tee", 1000)
    mug = await orders.item_product(acme, "Dock Mug", 1000)
    cap = await orders.item_product(acme, "Sailor Cap", 1007)
    await orders.seed_promotion(acme, [cap], 7, title="7% of 10.07 is 0.7049")
    then = utc_now() - timedelta(days=2)
    await orders.seed_promotion(acme, [tee, mug], 15, created_at=then + timedelta(hours=1), title="younger")
    oldest = await orders.seed_promotion(acme, [tee], 15, created_at=then, title="oldest")
    await orders.seed_promotion(acme, [tee], 10, created_at=then - timedelta(days=1), title="smaller, older")
    low, high = sorted(ObjectId() for _ in range(2))
    await orders.seed_promotion(acme, [mug], 25, created_at=then, id=high, title="tie, larger id")
    await orders.seed_promotion(acme, [mug], 25, created_at=then, id=low, title="tie, smaller id")
    ada = await orders.buyer()
    body = expect.status(await client.post(QUOTE, json={"items": [orders.line(tee, seen=850), orders.line(mug, seen=750),
                                                                      orders.line(cap, seen=937)]},
                                           headers=orders.as_buyer(ada, settings)), 200,
                         "POST /orders/quote for two products with several live promotions each")
    expect.equal([(i.get("promotion_id"), i.get("final_price_cents")) for i in (body.get("items") or [])[:2]],
                 [(str(oldest.id), 850), (str(low), 750)],
                 "(promotion_id, final_price_cents) of the items: the largest discount, then the earliest created_at, "
                 f"then the smaller _id ({orders.DOC}#071-price-an-order)")
    expect.equal(body["items"][2].get("final_price_cents"), 937,
                 "final_price_cents of a 10.07 item with a 7% promotion (a discount of 70.49 cents rounds half up to 70)")
