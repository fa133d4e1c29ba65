"""M04.1 The products tables.

The analytics service creates the tables of your ``tables()`` when it starts; these tests read
what MySQL made of them (``information_schema``)."""

import pytest

from grader.testkit import expect
from grader.testkit import product_events as pe

pytestmark = pytest.mark.exercise("M04.1")


def _shown(columns: dict[str, tuple[str, bool]]) -> str:
    return ", ".join(f"{name} {kind}{'' if nullable else ' NOT NULL'}" for name, (kind, nullable) in columns.items())


def _check_columns(analytics, table: str, wanted: dict[str, tuple[str, bool]]) -> None:
    found = pe.column_types(analytics.mysql, table)
    expect.true(found, f"after the analytics service started, there is no table {table!r}")
    missing = [name for name in wanted if name not in found]
    extra = [name for name in found if name not in wanted]
    expect.true(not missing and not extra, f"the columns of {table}: missing {missing or 'none'}, not in the doc's "
                                           f"table {extra or 'none'} (the doc's table: {_shown(wanted)})")
    wrong = [f"{name} is {found[name][0]}{'' if found[name][1] else ' NOT NULL'}, expected "
             f"{kind}{'' if nullable else ' NOT NULL'}"
             for name, (kind, nullable) in wanted.items() if found[name] != (kind, nullable)]
    expect.true(not wrong, f"the columns of {table}: {'; '.join(wrong)}")


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
    _check_columns(analytics, "products", pe.PRODUCT_COLUMNS)


@pytest.mark.weight(4)
def test_the_variants_table_has_a_json_column_and_doubles(analytics):
    _check_columns(analytics, "product_variants", pe.VARIANT_COLUMNS)
