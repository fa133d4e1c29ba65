"""M02.1 The suppliers tables.

The analytics service creates the tables of your ``tables()`` when it starts; these tests read
what MySQL made of them (``information_schema``)."""

import pytest

from grader.testkit import expect
from grader.testkit.supplier_events import SUPPLIER_COLUMNS

pytestmark = pytest.mark.exercise("M02.1")


def _shown(columns: dict[str, tuple[str, bool]]) -> str:
    return ", ".join(f"{name} {kind}{'' if nullable else ' NOT NULL'}" for name, (kind, nullable) in columns.items())


@pytest.mark.weight(5)
def test_both_tables_exist_with_the_supplier_id_as_primary_key(analytics):
    tables = analytics.mysql.tables()
    for table in ("suppliers", "supplier_deletions"):
        expect.true(table in tables, f"after the analytics service started, the database has the tables {tables}; "
                                     f"expected a table {table!r} (created by a statement of tables())")
        primary = analytics.mysql.indexes(table).get("PRIMARY", {}).get("columns")
        expect.equal(primary, ["supplier_id"], f"the primary key of {table}")
        expect.equal(analytics.mysql.columns(table)["supplier_id"]["type"], "varchar(24)",
                     f"the type of {table}.supplier_id (an ObjectId: 24 hex digits)")


@pytest.mark.weight(5)
def test_the_suppliers_table_has_the_docs_columns_and_types(analytics):
    found = analytics.mysql.columns("suppliers")
    expect.true(found, "after the analytics service started, there is no table 'suppliers'")
    missing = [name for name in SUPPLIER_COLUMNS if name not in found]
    extra = [name for name in found if name not in SUPPLIER_COLUMNS]
    expect.true(not missing and not extra, f"the columns of suppliers: missing {missing or 'none'}, not in the doc's "
                                           f"table {extra or 'none'} (the doc's table: {_shown(SUPPLIER_COLUMNS)})")
    wrong = [f"{name} is {found[name]['type']}{'' if found[name]['nullable'] else ' NOT NULL'}, expected "
             f"{kind}{'' if nullable else ' NOT NULL'}"
             for name, (kind, nullable) in SUPPLIER_COLUMNS.items()
             if (found[name]["type"], found[name]["nullable"]) != (kind, nullable)]
    expect.true(not wrong, f"the columns of suppliers: {'; '.join(wrong)}")


@pytest.mark.weight(4)
def test_the_indexes_serve_the_data_teams_queries(analytics):
    indexes = analytics.mysql.indexes("suppliers")
    shown = {name: index["columns"] for name, index in indexes.items()}
    for columns, serves in ((["email"], "finding a supplier by email"),
                            (["legal_name"], "finding a supplier by its legal name"),
                            (["country", "state", "city"], "suppliers per country, state and city")):
        found = [index for index in indexes.values() if index["columns"] == columns]
        expect.true(found, f"the indexes of suppliers are {shown}; expected one on ({', '.join(columns)}), "
                           f"in this order, for {serves}")
        expect.true(not found[0]["unique"], f"the index on ({', '.join(columns)}) of suppliers is UNIQUE; the doc "
                                            "asks for a plain INDEX (the replica copies, the app decides what is unique)")
