"""06.1 Create a promotion. Suppliers, products and communities are put straight into the database."""

import pytest

from grader.testkit import accounts, communities, expect, products, promotions, suppliers

pytestmark = pytest.mark.exercise("06.1")


async def _shop():
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    mug = await products.seed_product(acme, "Harbour Mug", status="active")
    return acme, tee, mug


@pytest.mark.weight(4)
async def test_a_verified_supplier_creates_a_single_promotion(client, events, settings):
    acme, tee, _ = await _shop()
    sent = promotions.body([tee], title="  Tee week  ", discount=15)
    response = await client.post("/promotions", json=sent, headers=suppliers.as_supplier(acme, settings))
    body = expect.status(response, 201, "POST /promotions of a single promotion of one active product, scope global")
    expect.equal((body.get("promotion_type"), body.get("title"), body.get("status"), body.get("version"),
                  body.get("product_ids"), body.get("discount_percent"), body.get("scopes"), body.get("supplier_id")),
                 ("single", "Tee week", "draft", 1, [str(tee.id)], 15, ["global"], str(acme.id)),
                 "(promotion_type, title trimmed, status, version, product_ids, discount_percent, scopes, supplier_id)")
    expect.about(body.get("starts_at"), promotions.moment(sent["starts_at"]), "starts_at in the response")
    expect.about(body.get("ends_at"), promotions.moment(sent["ends_at"]), "ends_at in the response")
    stored = await promotions.stored_id(body.get("id"))
    expect.true(stored is not None, f"no document in 'promotions' has the id of the response ({body.get('id')!r})")
    expect.equal((str(stored.supplier_id), stored.status.value, [str(p) for p in stored.product_ids]),
                 (str(acme.id), "draft", [str(tee.id)]), "(supplier_id, status, product_ids) stored")
    expect.equal([(e["entity_id"], e["data"].get("status")) for e in events.of_type("promotion.created")],
                 [(body["id"], "draft")], "(entity_id, data.status) of the promotion.created events")


@pytest.mark.weight(3)
async def test_a_campaign_for_two_communities(client, settings):
    acme, tee, mug = await _shop()
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    chess = await communities.seed_community(lea, "Chess Night", visibility="private")
    sent = promotions.body([tee, mug], scopes=[club, chess], description="Two for spring.")
    body = expect.status(await client.post("/promotions", json=sent, headers=suppliers.as_supplier(acme, settings)),
                         201, "POST /promotions of a campaign of two active products for two communities")
    expect.equal((body.get("promotion_type"), body.get("product_ids"), body.get("scopes"), body.get("description"),
                  body.get("approvals"), body.get("pending_scopes")),
                 ("campaign", [str(tee.id), str(mug.id)], [str(club.id), str(chess.id)], "Two for spring.", {}, 0),
                 "(promotion_type, product_ids, scopes, description, approvals, pending_scopes) of a new campaign "
                 "(a draft: no scope asked yet)")
    third = await products.seed_product(acme, "Harbour Cap", status="active")
    expect.status(await client.post("/promotions", json=promotions.body([tee, mug, third]),
                                    headers=suppliers.as_supplier(acme, settings)), 201,
                  "POST /promotions of a campaign of three active products")


@pytest.mark.weight(5)
@pytest.mark.must("only the supplier's own active products go into a promotion")
async def test_only_the_suppliers_own_active_products_go_into_a_promotion(client, events, settings):
    acme, tee, mug = await _shop()
    other = await products.seller("sales@other.example", "Other Goods Ltd")
    theirs = await products.seed_product(other, "Their Tee", status="active")
    headers = suppliers.as_supplier(acme, settings)
    expect.status(await client.post("/promotions", json=promotions.body([tee]), headers=headers), 201,
                  "POST /promotions of the supplier's own active product")
    cases = [([theirs], theirs, "another supplier's active product")]
    for status in ("draft", "out_of_stock", "discontinued", "deleted"):
        mine = await products.seed_product(acme, f"Tee {status}", status=status)
        cases.append(([mine], mine, f"the supplier's own {status} product"))
    cases.append(([tee, theirs], theirs, "a campaign of an own active product and another supplier's"))
    for chosen, named, what in cases:
        response = await client.post("/promotions", json=promotions.body(chosen), headers=headers)
        error = expect.error(response, 422, f"POST /promotions with {what}", code="validation_error")
        expect.equal(error.get("details"), {"field": "product_ids", "product_id": str(named.id)},
                     f"details of the 422 for {what} (naming the product)")
    expect.equal(await promotions.count_promotions(), 1, "documents in 'promotions' after 1 accepted and "
                                                         f"{len(cases)} refused creates")
    expect.equal(len(events.of_type("promotion.created")), 1, "promotion.created events after 1 accepted create")


@pytest.mark.weight(3)
async def test_the_type_decides_how_many_products(client, settings):
    acme, tee, mug = await _shop()
    cap = await products.seed_product(acme, "Harbour Cap", status="active")
    bag = await products.seed_product(acme, "Harbour Bag", status="active")
    headers = suppliers.as_supplier(acme, settings)
    expect.status(await client.post("/promotions", json=promotions.body([tee, mug]), headers=headers), 201,
                  "POST /promotions of a campaign of two products")
    for chosen, kind, field, what in (([tee], "default", "promotion_type", "a default promotion (only the platform "
                                       "makes those)"),
                                      ([tee, mug], "single", "product_ids", "a single promotion of two products"),
                                      ([tee], "campaign", "product_ids", "a campaign of one product"),
                                      ([tee, mug, cap, bag], "campaign", "product_ids", "a campaign of four products"),
                                      ([tee, tee], "campaign", "product_ids", "a campaign of one product twice")):
        response = await client.post("/promotions", json=promotions.body(chosen, promotion_type=kind), headers=headers)
        error = expect.error(response, 422, f"POST /promotions of {what}", code="validation_error")
        expect.equal(error.get("details"), {"field": field}, f"details of the 422 for {what}")
    expect.equal(await promotions.count_promotions(), 1, "documents in 'promotions' after 1 accepted and 5 refused "
                                                         "creates")
