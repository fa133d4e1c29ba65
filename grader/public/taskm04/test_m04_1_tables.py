"""M04.1 The products tables.

The analytics service creates the tables of your ``tables()`` when it starts; these tests read
what MySQL made of them (``information_schema``)."""

import pytest

from grader.testkit import expect
from grader.testkit import product_events as pe

pytestmark = pytest.mark.exercise("M04.1")



@pytest.mark.weight(4)
def test_the_three_tables_exist_with_their_primary_keys(analytics):
    tables = analytics.mysql.tables()
    for table, key in (("products", ["product_id"]), ("product_variants", ["id"]),
                       ("product_deletions", ["product_id"])):
        expect.true(table in tables, f"after the analytics service started, the database has the tables {tables}; "
                                     f"expected a table {table!r} (created by a statement of tables())")
        primary = analytics.mysql.indexes(table).get("PRIMARY", {}).get("columns")
        expect.equal(primary, key, f"the primary key of {table}")
    expect.true(pe.auto_increment(analytics.mysql, "product_variants", "id"),
                "product_variants.id is not AUTO_INCREMENT (MySQL numbers the variant rows itself)")


@pytest.mark.weight(5)
def test_the_products_table_has_the_docs_columns_and_types(analytics):
    pe.check_columns(analytics.mysql, "products", pe.PRODUCT_COLUMNS)


@pytest.mark.weight(4)
def test_the_variants_table_has_a_json_column_and_doubles(analytics):
    pe.check_columns(analytics.mysql, "product_variants", pe.VARIANT_COLUMNS)
