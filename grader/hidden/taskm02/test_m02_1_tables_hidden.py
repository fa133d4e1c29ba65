"""M02.1 The suppliers tables (hidden tests)."""

import signal

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import supplier_events as se

pytestmark = pytest.mark.exercise("M02.1")


@pytest.mark.weight(2)
def test_supplier_deletions_has_the_docs_columns(analytics):
    found = analytics.mysql.columns("supplier_deletions")
    expect.true(found, "after the analytics service started, there is no table 'supplier_deletions'")
    got = {name: (column["type"], column["nullable"]) for name, column in found.items()}
    expect.equal(got, se.DELETION_COLUMNS, "the columns of supplier_deletions as {name: (type, nullable)}")


@pytest.mark.weight(2)
def test_both_tables_store_text_as_utf8mb4(analytics):
    rows = analytics.mysql.query("SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES "
                                 "WHERE TABLE_SCHEMA = %s", (analytics.database,))
    collations = {row["TABLE_NAME"]: row["TABLE_COLLATION"] for row in rows}
    for table in ("suppliers", "supplier_deletions"):
        expect.true(table in collations, f"after the analytics service started, there is no table {table!r}")
        expect.true(str(collations[table]).startswith("utf8mb4"),
                    f"the table {table} has the collation {collations[table]!r}; expected one of utf8mb4 "
                    "(DEFAULT CHARSET=utf8mb4: names in any script, emoji included)")


@pytest.mark.weight(2)
def test_the_service_starts_again_on_its_tables_and_keeps_their_rows(new_analytics):
    service = new_analytics()
    service.start()
    supplier_id = pipeline.new_id()
    watch = se.Watch(service)
    service.produce(se.event(se.CREATED, supplier_id, 0))
    expect.true(watch.supplier(supplier_id, "after supplier.created") is not None,
                f"after supplier.created of {supplier_id}, no row in suppliers")
    service.signal(signal.SIGTERM)
    expect.true(service.wait_exit() is not None, "the analytics service did not stop within 10 s of SIGTERM")
    try:
        service.start()
    except pipeline.ServiceDown as exc:
        raise AssertionError(f"starting the analytics service a second time, on the tables it created the first "
                             f"time (tables() runs at every start: CREATE TABLE IF NOT EXISTS): {exc}") from None
    watch = se.Watch(service)
    service.produce(se.event(se.UPDATED, supplier_id, 1, {"company_info.dba_name": "Acme Direct"}))
    row = watch.supplier(supplier_id, "after a restart and supplier.updated",
                         until=lambda found: found is not None and found["dba_name"] == "Acme Direct")
    expect.equal(row and row["dba_name"], "Acme Direct",
                 "dba_name of a supplier updated after the service started again (its row was made before)")
