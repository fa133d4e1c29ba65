"""M07.1 The orders tables.

The analytics service creates the tables of your ``tables()`` when it starts; these tests read
what MySQL made of them (``information_schema``)."""

import pytest

from grader.testkit import expect
from grader.testkit import order_events as oe

pytestmark = pytest.mark.exercise("M07.1")



@pytest.mark.weight(4)
def test_both_tables_exist_with_their_primary_keys(analytics):
    tables = analytics.mysql.tables()
    for table, key in (("orders", ["order_id"]), ("order_items", ["id"])):
        expect.true(table in tables, f"after the analytics service started, the database has the tables {tables}; "
                                     f"expected a table {table!r} (created by a statement of tables())")
        primary = analytics.mysql.indexes(table).get("PRIMARY", {}).get("columns")
        expect.equal(primary, key, f"the primary key of {table}")
    expect.true(oe.auto_increment(analytics.mysql, "order_items", "id"),
                "order_items.id is not AUTO_INCREMENT (MySQL numbers the item rows itself)")


@pytest.mark.weight(5)
def test_the_orders_table_has_the_docs_columns_and_types(analytics):
    oe.check_columns(analytics.mysql, "orders", oe.ORDER_COLUMNS, " (BOOLEAN shows as tinyint)")


@pytest.mark.weight(4)
def test_the_items_table_has_the_docs_columns_and_types(analytics):
    oe.check_columns(analytics.mysql, "order_items", oe.ITEM_COLUMNS, " (BOOLEAN shows as tinyint)")
