"""M00.2 Create the tables (hidden tests)."""

import json

import pytest

from grader.testkit import replica_probe as probe

pytestmark = pytest.mark.exercise("M00.2")


@pytest.mark.weight(6)
def test_a_statement_mysql_refuses_stops_the_start(new_analytics):
    svc = probe.started(probe.service(new_analytics), "starting the analytics service with three good statements")
    svc.stop()
    broken = probe.TABLES + ["CREATE TABLE IF NOT EXISTS probe_broken (id VARCHAR(64) NOT NULL,, PRIMARY KEY (id))"]
    doing = ("starting the analytics service with the same three statements and a fourth that has a syntax error "
             "(init_tables must raise, not go on without the table)")
    probe.refused(svc, doing, ANALYTICS_PROBE_TABLES=json.dumps(broken))


@pytest.mark.weight(4)
def test_init_tables_gives_its_connection_back(new_analytics):
    svc = probe.started(probe.service(new_analytics, MYSQL_POOL_SIZE="1"),
                        "starting the analytics service with MYSQL_POOL_SIZE=1 and three tables to create")
    row = probe.token()
    svc.produce(probe.event(probe.insert("probe_rows", row)))
    probe.wait_row(svc, "probe_rows", row, f"MYSQL_POOL_SIZE=1: after the tables were created, producing an event "
                                           f"that inserts {row!r} (the pool's one connection must be back)")
