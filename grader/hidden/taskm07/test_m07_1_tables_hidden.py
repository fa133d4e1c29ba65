"""M07.1 The orders tables (hidden tests)."""

import signal

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import order_events as oe

pytestmark = pytest.mark.exercise("M07.1")


@pytest.mark.weight(3)
def test_unique_keys_and_the_foreign_key_that_cascades(analytics):
    for table, columns in (("orders", ["order_number"]), ("order_items", ["order_id", "item_id"])):
        indexes = analytics.mysql.indexes(table)
        shown = {name: (index["columns"], "UNIQUE" if index["unique"] else "plain") for name, index in indexes.items()}
        expect.true(any(index["columns"] == columns and index["unique"] for index in indexes.values()),
                    f"the indexes of {table} are {shown}; expected a UNIQUE one on ({', '.join(columns)})")
    keys = oe.foreign_keys(analytics.mysql, "order_items")
    wanted = {"columns": ["order_id"], "table": "orders", "referenced": ["order_id"], "on_delete": "CASCADE"}
    expect.true(wanted in keys, f"the foreign keys of order_items are {keys}; expected {wanted} "
                                "(FOREIGN KEY (order_id) REFERENCES orders (order_id) ON DELETE CASCADE)")


@pytest.mark.weight(2)
def test_the_indexes_of_the_reports_and_utf8mb4(analytics):
    for table, wanted in (("orders", (["customer_user_id", "created_at"], ["status", "created_at"],
                                      ["shipping_country", "status"])),
                          ("order_items", (["product_id"], ["supplier_id"]))):
        indexes = analytics.mysql.indexes(table)
        shown = {name: index["columns"] for name, index in indexes.items()}
        for columns in wanted:
            found = [index for index in indexes.values() if index["columns"] == columns and not index["unique"]]
            expect.true(found, f"the indexes of {table} are {shown}; expected a plain one on ({', '.join(columns)}), "
                               "in this order")
    rows = analytics.mysql.query("SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES "
                                 "WHERE TABLE_SCHEMA = %s", (analytics.database,))
    collations = {row["TABLE_NAME"]: row["TABLE_COLLATION"] for row in rows}
    for table in ("orders", "order_items"):
        expect.true(str(collations.get(table)).startswith("utf8mb4"),
                    f"the table {table} has the collation {collations.get(table)!r}; expected one of utf8mb4 "
                    "(DEFAULT CHARSET=utf8mb4)")


@pytest.mark.weight(2)
def test_the_service_starts_again_on_its_tables_and_keeps_their_rows(new_analytics):
    service = new_analytics()
    service.start()
    order_id = pipeline.new_id()
    watch = oe.Watch(service)
    service.produce(oe.event(oe.CREATED, order_id, 0))
    expect.true(watch.order(order_id, "after order.created") is not None,
                f"after order.created of {order_id}, no row in orders")
    service.signal(signal.SIGTERM)
    expect.true(service.wait_exit() is not None, "the analytics service did not stop within 10 s of SIGTERM")
    try:
        service.start()
    except pipeline.ServiceDown as exc:
        raise AssertionError(f"starting the analytics service a second time, on the tables it created the first "
                             f"time (tables() runs at every start: CREATE TABLE IF NOT EXISTS): {exc}") from None
    watch = oe.Watch(service)
    service.produce(oe.event(oe.CONFIRMED, order_id, 1, oe.confirmed(1)))
    row = watch.order(order_id, "after a restart and order.confirmed",
                      until=lambda found: found is not None and found["status"] == "confirmed")
    expect.equal(row and row["status"], "confirmed",
                 "status of an order confirmed after the service started again (its row was made before)")
