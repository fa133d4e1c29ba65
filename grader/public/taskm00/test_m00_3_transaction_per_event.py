"""M00.3 One transaction per event."""

import pytest

from grader.testkit import expect
from grader.testkit import replica_probe as probe

pytestmark = pytest.mark.exercise("M00.3")


@pytest.mark.weight(8)
def test_an_events_statements_are_committed(new_analytics):
    svc = probe.started(probe.service(new_analytics))
    row = probe.token()
    svc.produce(probe.event(probe.insert("probe_rows", row), probe.insert("probe_tally", row)))
    doing = f"producing an event whose handler inserts {row!r} into probe_rows and into probe_tally"
    probe.wait_row(svc, "probe_rows", row, doing)
    expect.equal(probe.count(svc, "probe_tally", row), 1, f"{doing}: rows {row!r} in probe_tally (seen from "
                                                          "another connection, so committed)")


@pytest.mark.weight(10)
@pytest.mark.must("an event's statements commit together or not at all")
def test_a_failed_try_commits_nothing_and_the_next_try_applies_the_event(new_analytics):
    svc = probe.started(probe.service(new_analytics, MYSQL_POOL_SIZE="1"),
                        "starting the analytics service with MYSQL_POOL_SIZE=1")
    first = probe.token()
    svc.produce(probe.event(probe.insert("probe_rows", first)))
    probe.wait_row(svc, "probe_rows", first, f"producing an event that inserts {first!r} into probe_rows")
    row, gate = probe.token(), probe.token()
    svc.mysql.execute("INSERT INTO probe_gate (id) VALUES (%s)", (gate,))  # the event's last INSERT fails while there
    failing = probe.event(probe.insert("probe_tally", row), probe.insert("probe_rows", row),
                          probe.insert("probe_gate", gate))
    svc.produce(failing)
    doing = (f"producing an event whose handler inserts {row!r} into probe_tally and probe_rows, then a row into "
             "probe_gate that is already there (a duplicate key: the handler raises)")
    started, done = probe.wait_tries(svc, failing["event_id"], 3)
    expect.true(not done and started >= 3, f"{doing}: expected the handler to fail and be tried again, got "
                                           f"{started} tries{' and a success' if done else ''}: the error must reach "
                                           f"the consumer (re-raise it).{probe.failure(svc)}")
    expect.equal((probe.count(svc, "probe_tally", row), probe.count(svc, "probe_rows", row)), (0, 0),
                 f"{doing}: rows {row!r} in (probe_tally, probe_rows) after {started} failed tries (a failed try "
                 "must commit nothing: roll back)")
    svc.mysql.execute("DELETE FROM probe_gate WHERE id = %s", (gate,))
    doing += ", then the gate row deleted so that the next try succeeds (with a pool of one connection)"
    probe.wait_row(svc, "probe_rows", row, doing)
    expect.equal(probe.count(svc, "probe_tally", row), 1, f"{doing}: rows {row!r} in probe_tally (the successful "
                                                          "try's, and none of the failed ones)")
