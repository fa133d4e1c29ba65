"""M04.3 Upsert, replace the variants, hard delete."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import product_events as pe

pytestmark = pytest.mark.exercise("M04.3")

# The variants of an update: red-m changed, red-l gone, blue-m kept, green-s new.
NEW_VARIANTS = {
    "red-m": pe.variant("Red, M", {"color": "Red", "size": "M"}, 7999, 3, 4100, (30.5, 4.25, 22.0)),
    "blue-m": pe.variant("Blue, M", {"color": "Blue", "size": "M"}, 8999, 7, 4100, (30.5, 4.25, 22.0)),
    "green-s": pe.variant("Green, S", {"color": "Green", "size": "S"}, 8499, 20, None, None,
                          "https://img.acme.example/trj-100-green.jpg"),
}


@pytest.mark.weight(4)
def test_an_update_changes_the_row_and_keeps_created_at(analytics):
    product_id = pipeline.new_id()
    watch = pe.Watch(analytics)
    created = analytics.produce(pe.event(pe.CREATED, product_id, 0))[0]
    expect.true(watch.product(product_id, "after product.created") is not None,
                f"after product.created of {product_id}, no row in products")
    # The document's created_at never changes in the app; this one says otherwise, and the row keeps its own.
    changes = {"name": "Trail Runner Jacket II", "base_price_cents": 9999, "stats.view_count": 2000,
               "created_at": "2025-06-01T00:00:00Z", "updated_at": "2025-06-01T00:00:00Z"}
    updated = analytics.produce(pe.event(pe.UPDATED, product_id, 10, changes))[0]
    doing = f"after product.created and then product.updated with {changes}"
    row = watch.product(product_id, doing, until=lambda found: found is not None and found["base_price_cents"] == 9999)
    expected = dict(pe.expected_row(updated), created_at=pe.expected_row(created)["created_at"])
    wrong = pe.differences(row, expected)
    expect.true(not wrong, f"{doing}: the row's columns that differ from the update (created_at: the first "
                           f"insert's): {wrong}")
    rows = watch.variants(product_id, doing, until=lambda found: len(found) >= 3)
    wrong = pe.variant_differences(rows, pe.expected_variants(updated))
    expect.true(not wrong, f"{doing}: its rows in product_variants: {wrong}")


@pytest.mark.weight(6)
@pytest.mark.must("a product's variants are exactly the event's")
def test_an_update_replaces_the_variants(analytics):
    product_id = pipeline.new_id()
    watch = pe.Watch(analytics)
    analytics.produce(pe.event(pe.CREATED, product_id, 0))
    rows = watch.variants(product_id, "after product.created with three variants", until=lambda found: len(found) == 3)
    expect.equal(sorted(r["variant_key"] for r in rows), ["blue-m", "red-l", "red-m"],
                 f"after product.created of {product_id}, the variant_key of its rows in product_variants")
    updated = analytics.produce(pe.event(pe.UPDATED, product_id, 10, {"variants": NEW_VARIANTS}))[0]
    doing = ("after product.updated whose variants are 'red-m' (new price and quantity), 'blue-m' (as it was) and "
             "'green-s' (new), without 'red-l'")
    rows = watch.variants(product_id, doing, until=lambda found: not pe.variant_differences(found,
                                                                                            pe.expected_variants(updated)))
    wrong = pe.variant_differences(rows, pe.expected_variants(updated))
    expect.true(not wrong, f"{doing}: the product's rows in product_variants must be exactly the event's "
                           f"variants: {wrong}")


@pytest.mark.weight(4)
def test_a_delete_removes_the_product_and_its_variants_and_records_it(analytics):
    gone, kept = pipeline.new_id(), pipeline.new_id()
    watch = pe.Watch(analytics)
    analytics.produce(pe.event(pe.CREATED, gone, 0), pe.event(pe.CREATED, kept, 0))
    expect.true(len(watch.variants(kept, "after product.created of two products", until=lambda f: len(f) == 3)) == 3,
                f"after product.created of two products, not three variant rows for {kept}")
    expect.true(len(analytics.mysql.query("SELECT id FROM product_variants WHERE product_id = %s", (gone,))) == 3,
                f"after product.created of two products, not three variant rows for {gone}")
    deleted = analytics.produce(pe.event(pe.DELETED, gone, 5))[0]
    doing = f"after product.deleted of {gone} (of two products)"
    record = watch.deletion(gone, doing)
    expect.true(record is not None, f"{doing}: no row in product_deletions for it {watch.waited()}")
    expect.equal(record["event_id"], deleted["event_id"], f"{doing}: event_id of its row in product_deletions")
    rows = watch.rows("SELECT product_id FROM products WHERE product_id IN (%s, %s)", (gone, kept),
                      lambda found: [r["product_id"] for r in found] == [kept], doing)
    expect.equal([r["product_id"] for r in rows], [kept], f"{doing}: the ids left in products of the two "
                                                          "(a hard delete removes the row; the other stays)")
    left = analytics.mysql.query("SELECT product_id, COUNT(*) AS variants FROM product_variants "
                                 "WHERE product_id IN (%s, %s) GROUP BY product_id", (gone, kept))
    expect.equal({r["product_id"]: r["variants"] for r in left}, {kept: 3},
                 f"{doing}: variant rows per product (the deleted product's go with it: ON DELETE CASCADE)")
