"""04.3 List, filter and search (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, expect, paging, products, suppliers, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("04.3")


@pytest.mark.weight(2)
@pytest.mark.ties("GET /products/supplier")
async def test_the_suppliers_list_breaks_ties_by_id_and_pages_through_them(client, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    same_time = utc_now() - timedelta(hours=1)
    ids, insert_order = paging.tied_ids(5)
    names = {}
    for n, product_id in enumerate(insert_order):
        await products.seed_product(acme, "Tied Tee", status=("draft", "active")[n % 2], price=700,
                                    created_at=same_time, id=product_id)
        names[str(product_id)] = f"tied-{n}"
    for sort, order in (("newest", list(reversed(ids))), ("price_asc", ids), ("price_desc", list(reversed(ids))),
                        ("name", ids)):
        items = await paging.by_cursor(client, "/products/supplier", f"the supplier's list with sort={sort}",
                                       params={"sort": sort}, headers=headers, limit=2)
        paging.expect_each_once(items, order, f"GET /products/supplier?sort={sort}, 2 at a time, over 5 products that "
                                "tie on created_at, price and name (ties in _id order, descending for newest and "
                                "price_desc)", names=names)


@pytest.mark.weight(2)
async def test_bad_sorts_cursors_and_filters_are_422(client, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    await products.seed_products(acme, 3, status="active")
    page = expect.status(await client.get("/products/public", params={"limit": 1}), 200, "GET /products/public?limit=1")
    expect.true(page.get("next_cursor"), f"GET /products/public?limit=1 over 3 products gave no next_cursor: {page}")
    cases = [({"sort": "cheapest"}, "sort"), ({"cursor": "not-a-cursor"}, "cursor"), ({"cursor": "e30="}, "cursor"),
             ({"sort": "price_asc", "cursor": page["next_cursor"]}, "cursor"), ({"category": "weapons"}, "category"),
             ({"attr": "red"}, "attr"), ({"min_price": 900, "max_price": 800}, "min_price")]
    # Cursors holding the wrong things: an id that is no ObjectId, or none; a price that is text; a name that
    # is a number (each base64 JSON of {"s": sort, "v": value, "id": id}, the doc example's format). A learner
    # whose cursors look different refuses them as unreadable: 422 either way (the cursor is opaque).
    import base64
    import json

    def made(sort, value, product_id):
        return base64.urlsafe_b64encode(json.dumps({"s": sort, "v": value, "id": product_id}).encode()).decode()

    good_id = str(page["items"][0]["id"])
    cases += [({"sort": "price_asc", "cursor": made("price_asc", 100, "abc")}, "cursor"),
              ({"sort": "price_asc", "cursor": made("price_asc", 100, None)}, "cursor"),
              ({"sort": "price_asc", "cursor": made("price_asc", "cheap", good_id)}, "cursor"),
              ({"sort": "price_desc", "cursor": made("price_desc", True, good_id)}, "cursor"),
              ({"sort": "name", "cursor": made("name", 7, good_id)}, "cursor"),
              ({"sort": "name", "cursor": made("newest", "Item 01", good_id)}, "cursor")]
    first = expect.status(await client.get("/products/public", params={"sort": "price_asc", "limit": 1}), 200,
                          "GET /products/public?sort=price_asc&limit=1")
    body = expect.status(await client.get("/products/public", params={"sort": "price_asc",
                                                                       "cursor": first.get("next_cursor")}), 200,
                         "GET /products/public?sort=price_asc with the next_cursor of its first page")
    expect.equal(len(body.get("items", [])), 2, "items after the first price_asc page of 1 (3 products)")
    for params, field in cases:
        error = expect.error(await client.get("/products/public", params=params), 422,
                             f"GET /products/public with {params}", code="validation_error")
        expect.equal(error.get("details"), {"field": field}, f"details of the 422 for {params}")
    error = expect.error(await client.get("/products/supplier", params={"status": "deleted"}, headers=headers), 422,
                         "GET /products/supplier?status=deleted", code="validation_error")
    expect.equal(error.get("details"), {"field": "status"}, "details of the 422 for status=deleted")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    expect.error(await client.get("/products/supplier", headers=tokens.as_user(ada, settings)), 403,
                 "GET /products/supplier by a user, not a supplier", code="forbidden")
    await products.fill_up(acme, 102)
    body = expect.status(await client.get("/products/supplier", params={"limit": 500}, headers=headers), 200,
                         "GET /products/supplier?limit=500 with 105 products")
    expect.equal((len(body.get("items", [])), bool(body.get("next_cursor"))), (100, True),
                 "(items, has next_cursor) when asking for 500 (a page is capped at 100)")


async def test_search_text_is_taken_literally(client):
    acme = await products.seller()
    start = utc_now() - timedelta(hours=1)
    await products.seed_product(acme, "Mug (50% off)", status="active", description="Half price", created_at=start)
    await products.seed_product(acme, "Plain Mug", status="active", description="Holds 0.5 l.",
                                created_at=start + timedelta(minutes=1))
    for q, expected in (("(50%", ["Mug (50% off)"]), (".", ["Plain Mug"]), ("mug", ["Plain Mug", "Mug (50% off)"]),
                        ("a+", [])):
        body = expect.status(await client.get("/products/public", params={"q": q}), 200, f"GET /products/public?q={q}")
        expect.equal([p.get("name") for p in body.get("items", [])], expected,
                     f"products matching {q!r} (the text is searched for as it is: escape it before it becomes a "
                     "regular expression)")

