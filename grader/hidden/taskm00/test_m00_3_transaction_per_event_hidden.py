"""M00.3 One transaction per event (hidden tests)."""

import pytest

from grader.testkit import expect
from grader.testkit import replica_probe as probe

pytestmark = pytest.mark.exercise("M00.3")


@pytest.mark.weight(8)
@pytest.mark.must("an event's statements commit together or not at all")
def test_an_exception_in_the_handler_rolls_back(new_analytics):
    svc = probe.started(probe.service(new_analytics, MYSQL_POOL_SIZE="1"),
                        "starting the analytics service with MYSQL_POOL_SIZE=1")
    first = probe.token()
    svc.produce(probe.event(probe.insert("probe_rows", first)))
    probe.wait_row(svc, "probe_rows", first, f"producing an event that inserts {first!r} into probe_rows")
    row = probe.token()
    failing = probe.event(probe.insert("probe_rows", row), probe.insert("probe_tally", row), raise_in_transaction=True)
    svc.produce(failing)
    doing = (f"producing an event whose handler inserts {row!r} into probe_rows and probe_tally, then raises "
             "RuntimeError inside the transaction")
    started, done = probe.wait_tries(svc, failing["event_id"], 3)
    expect.true(not done and started >= 3, f"{doing}: expected the handler to fail and be tried again, got "
                                           f"{started} tries{' and a success' if done else ''}: the error must reach "
                                           f"the consumer (re-raise it).{probe.failure(svc)}")
    expect.equal((probe.count(svc, "probe_rows", row), probe.count(svc, "probe_tally", row)), (0, 0),
                 f"{doing}: rows {row!r} in (probe_rows, probe_tally) after {started} failed tries (roll back)")


@pytest.mark.weight(8)
def test_a_connection_mysql_dropped_is_replaced(new_analytics):
    svc = probe.started(probe.service(new_analytics))
    first = probe.token()
    svc.produce(probe.event(probe.insert("probe_rows", first)))
    probe.wait_row(svc, "probe_rows", first, f"producing an event that inserts {first!r} into probe_rows")
    for round_ in (1, 2):
        killed = svc.mysql.connection_ids(svc.user)
        for connection_id in killed:
            try:
                svc.mysql.execute(f"KILL {int(connection_id)}")
            except Exception:  # noqa: BLE001 (gone already)
                pass
        row = probe.token()
        svc.produce(probe.event(probe.insert("probe_rows", row)))
        probe.wait_row(svc, "probe_rows", row, f"killing the service's {len(killed)} MySQL connections (as a MySQL "
                                               f"restart would; time {round_}), then producing an event that inserts "
                                               f"{row!r}")


@pytest.mark.weight(6)
def test_every_event_gives_its_connection_back(new_analytics):
    svc = probe.started(probe.service(new_analytics, MYSQL_POOL_SIZE="2"),
                        "starting the analytics service with MYSQL_POOL_SIZE=2")
    rows = [probe.token() for _ in range(6)]
    svc.produce(*(probe.event(probe.insert("probe_rows", row)) for row in rows))
    probe.wait_row(svc, "probe_rows", rows[-1], "MYSQL_POOL_SIZE=2: producing six events that each insert a row")
    expect.equal(sum(probe.count(svc, "probe_rows", row) for row in rows), 6,
                 "MYSQL_POOL_SIZE=2: rows in probe_rows after six events that each insert one")
