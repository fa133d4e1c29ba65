"""07.1 Price an order. Users, the supplier, its products and promotions are put straight into
the database; the tests ask POST /orders/quote, which stores nothing."""

from datetime import timedelta

import pytest

from grader.testkit import expect, orders

pytestmark = pytest.mark.exercise("07.1")
QUOTE = "/orders/quote"


async def _quote(client, headers, lines, doing, status=200, code=None):
    response = await client.post(QUOTE, json={"items": lines}, headers=headers)
    if status == 200:
        return expect.status(response, 200, doing)
    return expect.error(response, status, doing, code=code)


def _money(body):
    return tuple(body.get(k) for k in ("subtotal_cents", "tax_cents", "shipping_cents", "total_cents",
                                       "flagged_for_review"))


@pytest.mark.weight(4)
async def test_a_quote_prices_each_item_from_the_catalogue(client, settings):
    acme = await orders.seller()
    tee = await orders.item_product(acme, "Harbour Tee", 1250)
    mug = await orders.item_product(acme, "Dock Mug", 899)
    ada = await orders.buyer()
    body = await _quote(client, orders.as_buyer(ada, settings), [orders.line(tee, 2), orders.line(mug, 1)],
                        "POST /orders/quote with 2 x Harbour Tee (12.50) and 1 x Dock Mug (8.99)")
    items = body.get("items") or []
    expect.equal([(i.get("item_id"), i.get("quantity"), i.get("unit_price_cents"), i.get("final_price_cents"),
                   i.get("total_cents"), i.get("promotion_id")) for i in items],
                 [("item_1", 2, 1250, 1250, 2500, None), ("item_2", 1, 899, 899, 899, None)],
                 "(item_id, quantity, unit_price_cents, final_price_cents, total_cents, promotion_id) of the items "
                 f"(see {orders.DOC}#071-price-an-order)")
    snapshot = items[0].get("product_snapshot") or {}
    expect.equal((snapshot.get("product_id"), snapshot.get("product_name"), snapshot.get("supplier_name"),
                  snapshot.get("variant_key"), snapshot.get("variant_name"), snapshot.get("variant_attributes"),
                  snapshot.get("image_url")),
                 (str(tee.id), "Harbour Tee", "Acme Trading GmbH", "std", "Standard", {"Size": "M"},
                  "https://img.example/a.jpg"),
                 "(product_id, product_name, supplier_name, variant_key, variant_name, variant_attributes, image_url) "
                 "of item_1's product_snapshot (the variant has no image: the product's primary image)")
    # 3399 subtotal: tax 8% = 271.92 -> 272, shipping 599 below 5000
    expect.equal(_money(body), (3399, 272, 599, 4270, False),
                 "(subtotal, tax, shipping, total, flagged_for_review) of a 33.99 quote: tax 8% rounded half up, "
                 "shipping 5.99 below 50.00")
    expect.equal(await orders.count_orders(), 0, "orders stored after a quote (a quote stores nothing)")


@pytest.mark.weight(3)
async def test_the_best_live_promotion_lowers_the_price(client, settings):
    acme = await orders.seller()
    tee = await orders.item_product(acme, "Harbour Tee", 1999)
    mug = await orders.item_product(acme, "Dock Mug", 1000)
    live = await orders.seed_promotion(acme, [tee], 20)
    await orders.seed_promotion(acme, [tee], 50, status="paused", title="paused")
    await orders.seed_promotion(acme, [tee], 60, starts_in=timedelta(days=1), title="not started")
    await orders.seed_promotion(acme, [tee], 70, starts_in=-timedelta(days=10), lasts=timedelta(days=2), title="over")
    await orders.seed_promotion(acme, [tee], 80, status="ended", title="ended")
    await orders.seed_promotion(acme, [mug], 30, status="pending_approval", title="not approved")
    ada = await orders.buyer()
    body = await _quote(client, orders.as_buyer(ada, settings), [orders.line(tee, 3, seen=1599), orders.line(mug, 1)],
                        "POST /orders/quote for Harbour Tee (19.99, a live 20% promotion and five that are not live) "
                        "and Dock Mug (10.00, only a promotion pending approval)")
    items = body.get("items") or []
    expect.equal([(i.get("promotion_id"), i.get("discount_percent"), i.get("unit_price_cents"),
                   i.get("final_price_cents"), i.get("total_cents")) for i in items],
                 [(str(live.id), 20, 1999, 1599, 4797), (None, 0, 1000, 1000, 1000)],
                 "(promotion_id, discount_percent, unit_price_cents, final_price_cents, total_cents) of the items: "
                 "20% of 1999 is 399.8, rounded half up to 400; paused, pending, ended, not started and finished "
                 f"promotions never apply ({orders.DOC}#071-price-an-order)")
    expect.equal(_money(body), (5797, 464, 0, 6261, False),
                 "(subtotal, tax, shipping, total, flagged_for_review) of the quote: shipping is free from a subtotal "
                 "of 50.00 after discounts")


@pytest.mark.weight(3)
async def test_free_shipping_from_50_and_review_from_1000(client, settings):
    acme = await orders.seller()
    ada = await orders.buyer()
    headers = orders.as_buyer(ada, settings)
    cases = ((4999, 1, (4999, 400, 599, 5998, False), "49.99: tax 399.92 rounds to 400, shipping 5.99"),
             (5000, 1, (5000, 400, 0, 5400, False), "exactly 50.00: free shipping"),
             (92593, 1, (92593, 7407, 0, 100000, True), "a total of exactly 1000.00: flagged (tax 7407.44 -> 7407)"),
             (92592, 1, (92592, 7407, 0, 99999, False), "a total of 999.99: not flagged"),
             (1006, 2, (2012, 161, 599, 2772, False), "2 x 10.06: tax 160.96 rounds to 161"))
    for n, (price, quantity, expected, what) in enumerate(cases):
        product = await orders.item_product(acme, f"Item {n}", price)
        body = await _quote(client, headers, [orders.line(product, quantity)], f"POST /orders/quote for {what}")
        expect.equal(_money(body), expected, f"(subtotal, tax, shipping, total, flagged_for_review) for {what} "
                                             f"({orders.DOC}#071-price-an-order)")


@pytest.mark.weight(5)
@pytest.mark.must("an order is priced from the catalogue, never from the client")
async def test_prices_come_from_the_catalogue_not_from_the_client(client, settings):
    acme = await orders.seller()
    tee = await orders.item_product(acme, "Harbour Tee", 2000)
    mug = await orders.item_product(acme, "Dock Mug", 1000)
    await orders.seed_promotion(acme, [mug], 10)
    ada = await orders.buyer()
    # The client saw 4% less for the tee and 4% more for the mug: within 5%, so accepted, at today's prices.
    body = await _quote(client, orders.as_buyer(ada, settings),
                        [orders.line(tee, 2, seen=1920), orders.line(mug, 1, seen=936)],
                        "POST /orders/quote with seen prices 4% off the current ones (tee 19.20 seen, 20.00 now; "
                        "mug 9.36 seen, 9.00 now after its 10% promotion)")
    items = body.get("items") or []
    expect.equal([(i.get("unit_price_cents"), i.get("final_price_cents"), i.get("total_cents")) for i in items],
                 [(2000, 2000, 4000), (1000, 900, 900)],
                 "(unit_price_cents, final_price_cents, total_cents) of the items: the catalogue's prices, never the "
                 f"seen_price_cents the client sent ({orders.DOC}#071-price-an-order)")
    expect.equal(_money(body), (4900, 392, 599, 5891, False),
                 "(subtotal, tax, shipping, total, flagged_for_review) computed from the catalogue's prices")


@pytest.mark.weight(5)
@pytest.mark.must("a price drift of more than 5% is refused with the current prices")
async def test_a_drift_of_more_than_5_percent_is_refused(client, settings):
    acme = await orders.seller()
    tee = await orders.item_product(acme, "Harbour Tee", 2000)
    mug = await orders.item_product(acme, "Dock Mug", 1000)
    ada = await orders.buyer()
    headers = orders.as_buyer(ada, settings)
    await _quote(client, headers, [orders.line(tee, 1, seen=1900), orders.line(mug, 1, seen=1050)],
                 "POST /orders/quote with seen prices exactly 5% off (19.00 and 10.50 for 20.00 and 10.00)")
    for seen_tee, seen_mug, what in ((1899, 1000, "the tee seen at 18.99 (5.05% below 20.00)"),
                                     (2000, 1051, "the mug seen at 10.51 (5.1% above 10.00)")):
        response = await client.post(QUOTE, json={"items": [orders.line(tee, 1, seen=seen_tee),
                                                            orders.line(mug, 2, seen=seen_mug)]}, headers=headers)
        details = orders.error_details(response, 409, f"POST /orders/quote with {what}", "price_changed")
        expect.equal(details.get("items"),
                     [{"item_id": "item_1", "seen_price_cents": seen_tee, "current_price_cents": 2000},
                      {"item_id": "item_2", "seen_price_cents": seen_mug, "current_price_cents": 1000}],
                     f"details.items of the 409 for {what}: every item with its current price "
                     f"({orders.DOC}#071-price-an-order)")
