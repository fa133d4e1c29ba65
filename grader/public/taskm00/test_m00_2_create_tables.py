"""M00.2 Create the tables."""

import pytest

from grader.testkit import expect
from grader.testkit import replica_probe as probe

pytestmark = pytest.mark.exercise("M00.2")

# A child table whose foreign key needs its parent: only the given order works.
FAMILY = ["CREATE TABLE IF NOT EXISTS probe_parent (id VARCHAR(64) NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB",
          "CREATE TABLE IF NOT EXISTS probe_child (id VARCHAR(64) NOT NULL, parent_id VARCHAR(64) NOT NULL, "
          "PRIMARY KEY (id), FOREIGN KEY (parent_id) REFERENCES probe_parent (id)) ENGINE=InnoDB"]


@pytest.mark.weight(8)
def test_the_tables_are_created_in_the_order_given(new_analytics):
    svc = probe.started(probe.service(new_analytics, tables=probe.TABLES + FAMILY),
                        "starting the analytics service with five CREATE TABLE statements (the last one's foreign "
                        "key needs the one before it)")
    tables = svc.mysql.tables()
    missing = [t for t in ("probe_rows", "probe_tally", "probe_gate", "probe_parent", "probe_child") if t not in tables]
    expect.true(not missing, f"after the service started, tables missing from its database: {missing} (found {tables})")
    parent, child = probe.token(), probe.token()
    svc.produce(probe.event(probe.insert("probe_parent", parent),
                            f"INSERT INTO probe_child (id, parent_id) VALUES ('{child}', '{parent}')"))
    probe.wait_row(svc, "probe_child", child, "producing an event that inserts a parent and its child")


@pytest.mark.weight(7)
def test_starting_again_keeps_the_tables_and_their_rows(new_analytics):
    svc = probe.started(probe.service(new_analytics))
    row = probe.token()
    svc.produce(probe.event(probe.insert("probe_rows", row)))
    probe.wait_row(svc, "probe_rows", row, f"producing an event that inserts {row!r} into probe_rows")
    svc.stop()
    probe.started(svc, "starting the analytics service a second time, on a database that has its tables")
    expect.equal(probe.count(svc, "probe_rows", row), 1,
                 f"rows {row!r} in probe_rows after the service started a second time (CREATE TABLE IF NOT "
                 "EXISTS keeps a table and its rows)")
