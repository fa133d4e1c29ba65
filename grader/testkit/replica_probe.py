"""The MySQL connection's tests (Task M00): an analytics service with the learner's ``db.py``,
the kit's stand-in consumer and the kit's probe handlers (``analytics/service.py``, ``Probe``),
which run the SQL an event asks for inside the learner's ``db.transaction()``.

Each test has a service of its own: a probe event that fails for ever holds up every event
behind it (the stand-in consumer tries it again every half second), and the settings tests
start the service again and again with other values.
"""

import json
import secrets
import time
from typing import Any, Callable

from grader.testkit import pipeline

# Tables the probe events write to (the service's init_tables creates them, ANALYTICS_PROBE_TABLES).
TABLES = [
    "CREATE TABLE IF NOT EXISTS probe_rows (id VARCHAR(64) NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB",
    # no key: a row each time a statement ran and its transaction committed
    "CREATE TABLE IF NOT EXISTS probe_tally (id VARCHAR(64) NOT NULL) ENGINE=InnoDB",
    # a test holds a row here to make an event's INSERT into it fail (duplicate key)
    "CREATE TABLE IF NOT EXISTS probe_gate (id VARCHAR(64) NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB",
]
EVENT_TYPE = "order.created"  # any type of the catalogue: the probe handles them all


def service(new_analytics: Callable[..., pipeline.AnalyticsService], tables: list[str] | None = None,
            **env: str) -> pipeline.AnalyticsService:
    """A service of the test's own (not started) with the probe and the probe tables."""
    settings = {"ANALYTICS_PROBE_TABLES": json.dumps(TABLES if tables is None else tables), **env}
    return new_analytics(probe=True, env=settings)


def started(svc: pipeline.AnalyticsService, doing: str = "starting the analytics service",
            **overrides: str) -> pipeline.AnalyticsService:
    try:
        svc.start(**overrides)
    except pipeline.ServiceDown as exc:
        raise AssertionError(f"{doing}: {exc}") from None
    return svc


def token() -> str:
    return "r" + secrets.token_hex(8)


def event(*sql: str, **order: Any) -> dict[str, Any]:
    """A probe event: its handler runs ``sql`` in one ``db.transaction()``; ``order`` may add
    raise_in_transaction, fail_times or sleep (see Probe in analytics/service.py)."""
    return pipeline.envelope(EVENT_TYPE, pipeline.new_id(), {"_probe": {"sql": list(sql), **order}})


def insert(table: str, row_id: str) -> str:
    return f"INSERT INTO {table} (id) VALUES ('{row_id}')"


def count(svc: pipeline.AnalyticsService, table: str, row_id: str) -> int:
    return int(svc.mysql.query(f"SELECT COUNT(*) AS n FROM {table} WHERE id = %s", (row_id,))[0]["n"])


def tries(svc: pipeline.AnalyticsService, event_id: str) -> tuple[int, bool]:
    """How many times the probe started on this event, and whether it finished once."""
    records = [r for r in svc.probe_records() if r.get("event_id") == event_id]
    return sum(r.get("phase") == "start" for r in records), any(r.get("phase") == "done" for r in records)


def wait_tries(svc: pipeline.AnalyticsService, event_id: str, least: int) -> tuple[int, bool]:
    """Wait until the probe started ``least`` times on the event, or finished it, or the
    deadline passed."""
    svc.wait_probe(lambda _: (lambda started, done: started >= least or done)(*tries(svc, event_id)))
    return tries(svc, event_id)


def failure(svc: pipeline.AnalyticsService) -> str:
    """The last error in the service's log, or its state, for a message."""
    if not svc.alive:
        return f" The analytics service is not running ({svc.exit_description()}): {svc.reports()}"
    for line in reversed(svc.log_lines()):
        text = line.strip()
        if text and text.split(":", 1)[0].endswith(("Error", "Exception")):
            return f" The service's log ends with: {text[:300]}"
    return ""


def _waited(svc: pipeline.AnalyticsService) -> str:
    """How a wait that came back empty-handed ended, for a message."""
    if svc.handled_everything():
        return "once the service had taken every event sent (its consumer committed them all)"
    return f"within {pipeline.ROW_SECONDS} s"


def wait_row(svc: pipeline.AnalyticsService, table: str, row_id: str, doing: str) -> None:
    found = svc.mysql.wait_rows(f"SELECT id FROM {table} WHERE id = %s", (row_id,), settled=svc.handled_everything)
    if not found:
        raise AssertionError(f"{doing}: expected the row {row_id!r} in {table} {_waited(svc)}, "
                             f"found none.{failure(svc)}")


def wait_done(svc: pipeline.AnalyticsService, event_ids: list[str], doing: str) -> None:
    svc.wait_probe(lambda _: all(tries(svc, e)[1] for e in event_ids), settled=svc.handled_everything)
    left = [e for e in event_ids if not tries(svc, e)[1]]
    if left:
        raise AssertionError(f"{doing}: the probe handler did not finish {len(left)} of the {len(event_ids)} "
                             f"events {_waited(svc)}.{failure(svc)}")


def connections(svc: pipeline.AnalyticsService, expected: int, timeout: float = 5.0) -> int:
    """The service user's connections to MySQL, once they number ``expected`` (or the deadline passed)."""
    deadline = time.monotonic() + timeout
    while True:
        found = len(svc.mysql.connection_ids(svc.user))
        if found == expected or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def refused(svc: pipeline.AnalyticsService, doing: str, **settings: str) -> str:
    """Launch with ``settings`` and expect the start to fail with exit code 2; return what
    the kit reported at this start (not before)."""
    before = len(svc.log_lines(limit=1 << 30))
    svc.launch(**settings)
    code = svc.wait_exit(20)
    if code is None:
        svc.stop()
        raise AssertionError(f"{doing}: expected the service to stop with exit code 2 (settings or MySQL refused), "
                             "it was still running after 20 s")
    if code != 2:
        raise AssertionError(f"{doing}: expected exit code 2 (settings or MySQL refused), got "
                             f"{svc.exit_description()}: {svc.reports()}")
    lines = svc.log_lines(limit=1 << 30)[before:]
    kit = [line for line in lines if line.startswith("analytics: ")]
    return " | ".join((kit or lines)[-4:])[-800:]


def names(report: str, words: list[str], doing: str) -> None:
    missing = [w for w in words if w not in report]
    if missing:
        raise AssertionError(f"{doing}: the error must name {', '.join(words)}; {', '.join(missing)} missing "
                             f"from what the service reported: {report!r}")


def no_password(svc: pipeline.AnalyticsService, passwords: list[str], doing: str) -> None:
    log = "\n".join(svc.log_lines(limit=1 << 30))
    leaked = [p for p in passwords if p and p in log]
    if leaked:
        raise AssertionError(f"{doing}: the service's output holds a password ({len(leaked)} of the "
                             f"{len(passwords)} used); never print MYSQL_PASSWORD, not even inside the settings")
