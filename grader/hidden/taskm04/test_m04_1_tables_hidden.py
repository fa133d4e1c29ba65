"""M04.1 The products tables (hidden tests)."""

import signal

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import product_events as pe

pytestmark = pytest.mark.exercise("M04.1")


@pytest.mark.weight(3)
def test_variant_keys_are_unique_per_product_and_the_foreign_key_cascades(analytics):
    indexes = analytics.mysql.indexes("product_variants")
    shown = {name: (index["columns"], "UNIQUE" if index["unique"] else "plain") for name, index in indexes.items()}
    expect.true(any(index["columns"] == ["product_id", "variant_key"] and index["unique"] for index in indexes.values()),
                f"the indexes of product_variants are {shown}; expected a UNIQUE one on (product_id, variant_key)")
    keys = pe.foreign_keys(analytics.mysql, "product_variants")
    wanted = {"columns": ["product_id"], "table": "products", "referenced": ["product_id"], "on_delete": "CASCADE"}
    expect.true(wanted in keys, f"the foreign keys of product_variants are {keys}; expected {wanted} "
                                "(FOREIGN KEY (product_id) REFERENCES products (product_id) ON DELETE CASCADE)")


@pytest.mark.weight(2)
def test_deletions_indexes_and_utf8mb4(analytics):
    expect.equal(pe.column_types(analytics.mysql, "product_deletions"), pe.DELETION_COLUMNS,
                 "the columns of product_deletions as {name: (type, nullable)}")
    indexes = analytics.mysql.indexes("products")
    shown = {name: index["columns"] for name, index in indexes.items()}
    for columns in (["supplier_id", "status"], ["category", "base_price_cents"]):
        found = [index for index in indexes.values() if index["columns"] == columns and not index["unique"]]
        expect.true(found, f"the indexes of products are {shown}; expected a plain one on ({', '.join(columns)}), "
                           "in this order")
    rows = analytics.mysql.query("SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES "
                                 "WHERE TABLE_SCHEMA = %s", (analytics.database,))
    collations = {row["TABLE_NAME"]: row["TABLE_COLLATION"] for row in rows}
    for table in ("products", "product_variants", "product_deletions"):
        expect.true(str(collations.get(table)).startswith("utf8mb4"),
                    f"the table {table} has the collation {collations.get(table)!r}; expected one of utf8mb4 "
                    "(DEFAULT CHARSET=utf8mb4)")


@pytest.mark.weight(2)
def test_the_service_starts_again_on_its_tables_and_keeps_their_rows(new_analytics):
    service = new_analytics()
    service.start()
    product_id = pipeline.new_id()
    watch = pe.Watch(service)
    service.produce(pe.event(pe.CREATED, product_id, 0))
    expect.true(watch.product(product_id, "after product.created") is not None,
                f"after product.created of {product_id}, no row in products")
    service.signal(signal.SIGTERM)
    expect.true(service.wait_exit() is not None, "the analytics service did not stop within 10 s of SIGTERM")
    try:
        service.start()
    except pipeline.ServiceDown as exc:
        raise AssertionError(f"starting the analytics service a second time, on the tables it created the first "
                             f"time (tables() runs at every start: CREATE TABLE IF NOT EXISTS): {exc}") from None
    watch = pe.Watch(service)
    service.produce(pe.event(pe.UPDATED, product_id, 1, {"name": "Jacket Again"}))
    row = watch.product(product_id, "after a restart and product.updated",
                        until=lambda found: found is not None and found["name"] == "Jacket Again")
    expect.equal(row and row["name"], "Jacket Again",
                 "name of a product updated after the service started again (its row was made before)")
