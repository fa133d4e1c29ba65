"""04.3 List, filter and search. Suppliers and products are put straight into the database."""

from datetime import timedelta

import pytest

from grader.testkit import expect, paging, products, suppliers
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("04.3")

RED_M = {"variant_name": "Red, M", "attributes": [{"attribute_name": "Color", "attribute_value": "Red"},
                                                  {"attribute_name": "Size", "attribute_value": "M"}],
         "price_cents": 1000, "quantity": 3}
RED_L = {"variant_name": "Red, L", "attributes": [{"attribute_name": "color", "attribute_value": "red"},
                                                  {"attribute_name": "size", "attribute_value": "L"}],
         "price_cents": 1000, "quantity": 3}


async def _names(client, path, params, doing, headers=None):
    body = expect.status(await client.get(path, params=params, headers=headers), 200, doing)
    return [p.get("name") for p in body.get("items", [])]


@pytest.mark.weight(3)
async def test_the_supplier_lists_its_products_by_status_and_category(client, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    start = utc_now() - timedelta(hours=1)
    for n, (name, status, category) in enumerate((("Draft Tee", "draft", "fashion"), ("Live Mug", "active", "home"),
                                                  ("Empty Cap", "out_of_stock", "fashion"),
                                                  ("Old Lamp", "discontinued", "home"))):
        await products.seed_product(acme, name, status=status, category=category, created_at=start + timedelta(minutes=n))
    names = await _names(client, "/products/supplier", {}, "GET /products/supplier", headers)
    expect.equal(names, ["Old Lamp", "Empty Cap", "Live Mug", "Draft Tee"], "the supplier's products, newest first")
    names = await _names(client, "/products/supplier", [("status", "draft"), ("status", "out_of_stock")],
                         "GET /products/supplier?status=draft&status=out_of_stock", headers)
    expect.equal(names, ["Empty Cap", "Draft Tee"], "the supplier's products in status draft or out_of_stock")
    names = await _names(client, "/products/supplier", {"category": "home", "sort": "name"},
                         "GET /products/supplier?category=home&sort=name", headers)
    expect.equal(names, ["Live Mug", "Old Lamp"], "the supplier's home products, A to Z")


@pytest.mark.weight(3)
async def test_the_catalogue_filters_by_price_range_and_variant_attributes(client):
    acme = await products.seller()
    start = utc_now() - timedelta(hours=1)
    for n, (name, price, variants) in enumerate((("Cheap Tee", 500, {"red-m": RED_M}),
                                                 ("Mid Tee", 1500, {"red-m": RED_M, "red-l": RED_L}),
                                                 ("Dear Tee", 2500, {"red-l": RED_L}))):
        await products.seed_product(acme, name, status="active", price=price, variants=variants,
                                    created_at=start + timedelta(minutes=n))
    names = await _names(client, "/products/public", {"min_price": 500, "max_price": 1500},
                         "GET /products/public?min_price=500&max_price=1500")
    expect.equal(names, ["Mid Tee", "Cheap Tee"], "products priced 500 to 1500 cents (both ends included)")
    names = await _names(client, "/products/public", {"min_price": 1500, "max_price": 1500},
                         "GET /products/public?min_price=1500&max_price=1500")
    expect.equal(names, ["Mid Tee"], "products priced exactly 1500 cents (min_price equal to max_price)")
    names = await _names(client, "/products/public", {"min_price": 1501}, "GET /products/public?min_price=1501")
    expect.equal(names, ["Dear Tee"], "products from 1501 cents up")
    names = await _names(client, "/products/public", [("attr", "color:red"), ("attr", "size:m")],
                         "GET /products/public?attr=color:red&attr=size:m")
    expect.equal(names, ["Mid Tee", "Cheap Tee"], "products whose variants have both color:red and size:m")
    names = await _names(client, "/products/public", [("attr", "Size:L"), ("attr", "size:m"), ("sort", "price_desc")],
                         "GET /products/public?attr=Size:L&attr=size:m&sort=price_desc")
    expect.equal(names, ["Mid Tee"], "products with both size:l and size:m (attribute filters are lower-cased)")


@pytest.mark.weight(2)
async def test_search_finds_words_in_name_or_description_in_any_case(client):
    acme = await products.seller()
    start = utc_now() - timedelta(hours=1)
    await products.seed_product(acme, "Harbour Tee", status="active", description="Soft COTTON jersey.", created_at=start)
    await products.seed_product(acme, "Linen Shirt", status="active", description="Cool in summer.",
                                created_at=start + timedelta(minutes=1))
    await products.seed_product(acme, "Cotton Cap", status="active", description="Keeps the sun off.",
                                created_at=start + timedelta(minutes=2))
    names = await _names(client, "/products/public", {"q": "cotton"}, "GET /products/public?q=cotton")
    expect.equal(names, ["Cotton Cap", "Harbour Tee"], "products matching 'cotton' in name or description, any case")
    names = await _names(client, "/products/public", {"q": "SHIRT"}, "GET /products/public?q=SHIRT")
    expect.equal(names, ["Linen Shirt"], "products matching 'SHIRT'")
    body = expect.status(await client.get("/products/public", params={"q": "cotton", "limit": 2}), 200,
                         "GET /products/public?q=cotton&limit=2")
    expect.equal(body.get("next_cursor"), None, "next_cursor when exactly 2 products match and limit=2 (no next page)")


@pytest.mark.weight(2)
@pytest.mark.ties("GET /products/public")
async def test_catalogue_ties_come_in_id_order_in_every_sort(client):
    acme = await products.seller()
    same_time = utc_now() - timedelta(hours=1)
    ids, insert_order = paging.tied_ids(5)
    names = {}
    for n, product_id in enumerate(insert_order):
        await products.seed_product(acme, "Tied Tee", status="active", price=1000, created_at=same_time, id=product_id)
        names[str(product_id)] = f"tied-{n}"
    expensive = await products.seed_product(acme, "Zebra Tee", status="active", price=9000,
                                            created_at=same_time - timedelta(days=1))
    cheap = await products.seed_product(acme, "Apron", status="active", price=10, created_at=same_time - timedelta(days=2))
    names.update({str(expensive.id): "zebra (older, dearer, after by name)", str(cheap.id): "apron (oldest, cheapest)"})
    for sort, order, stated in (("newest", [*reversed(ids), expensive.id, cheap.id], "newest first, ties in "
                                 "descending _id order"),
                                ("price_asc", [cheap.id, *ids, expensive.id], "cheapest first, ties in ascending _id"),
                                ("price_desc", [expensive.id, *reversed(ids), cheap.id], "dearest first, ties in "
                                 "descending _id"),
                                ("name", [cheap.id, *ids, expensive.id], "A to Z, ties in ascending _id")):
        items = await paging.by_cursor(client, "/products/public", f"catalogue with sort={sort}", params={"sort": sort},
                                       limit=2)
        paging.expect_each_once(items, order, f"GET /products/public?sort={sort}, 2 at a time, over 5 products that "
                                f"tie on created_at, price and name and two others ({stated})", names=names)


@pytest.mark.weight(5)
@pytest.mark.must("listings show only what the caller may see")
async def test_listings_show_only_what_the_caller_may_see(client, settings):
    acme = await products.seller()
    other = await products.seller("sales@other.example", "Other Goods Ltd")
    start = utc_now() - timedelta(hours=1)
    mine = {}
    for n, status in enumerate(("draft", "active", "out_of_stock", "discontinued", "deleted")):
        mine[status] = await products.seed_product(acme, f"Acme {status}", status=status,
                                                   created_at=start + timedelta(minutes=n))
    theirs = await products.seed_product(other, "Other active", status="active", created_at=start + timedelta(minutes=9))
    await products.seed_product(other, "Other draft", status="draft", created_at=start + timedelta(minutes=10))
    names = await _names(client, "/products/public", {"limit": 50}, "GET /products/public")
    expect.equal(names, [theirs.name, mine["active"].name], "names in the public catalogue (active products only, of "
                 "every supplier, newest first)")
    names = await _names(client, "/products/supplier", {"limit": 50}, "GET /products/supplier by Acme",
                         suppliers.as_supplier(acme, settings))
    expect.equal(names, [mine[s].name for s in ("discontinued", "out_of_stock", "active", "draft")],
                 "names in Acme's own list (its products only, never deleted ones, newest first)")
    for query in ({"q": "draft"}, {"category": "fashion"}, {"sort": "price_asc"}):
        names = await _names(client, "/products/public", query, f"GET /products/public?{query}")
        expect.true(all(n in (theirs.name, mine["active"].name) for n in names),
                    f"GET /products/public with {query} shows a product that is not active: {names}")
    names = await _names(client, "/products/supplier", {"q": "other"}, "GET /products/supplier?q=other by Acme",
                         suppliers.as_supplier(acme, settings))
    expect.equal(names, [], "Acme's own list searched for 'other' (another supplier's products never show)")
