"""M00.1 Settings and the pool (hidden tests)."""

import secrets

import pytest

from grader.stacks.process import free_port
from grader.testkit import expect
from grader.testkit import replica_probe as probe

pytestmark = pytest.mark.exercise("M00.1")


@pytest.mark.weight(5)
def test_the_pool_has_mysql_pool_size_connections(new_analytics):
    svc = probe.started(probe.service(new_analytics, MYSQL_POOL_SIZE="2"))
    row = probe.token()
    svc.produce(probe.event(probe.insert("probe_rows", row)))
    probe.wait_row(svc, "probe_rows", row, f"MYSQL_POOL_SIZE=2: producing an event that inserts {row!r}")
    expect.equal(probe.connections(svc, 2), 2, "the service's connections to MySQL with MYSQL_POOL_SIZE=2")


@pytest.mark.weight(5)
@pytest.mark.must("a settings error names the variable, never the password")
def test_numbers_out_of_range_are_refused_by_name(new_analytics):
    svc = probe.service(new_analytics)
    for bound in ("1", "32"):  # the bounds themselves are fine
        probe.started(svc, f"starting the analytics service with MYSQL_POOL_SIZE={bound}", MYSQL_POOL_SIZE=bound)
        svc.stop()
    for name, value in (("MYSQL_POOL_SIZE", "0"), ("MYSQL_POOL_SIZE", "33"), ("MYSQL_POOL_SIZE", "five"),
                        ("MYSQL_PORT", "0"), ("MYSQL_PORT", "65536"), ("MYSQL_PORT", "33.06")):
        doing = f"starting the analytics service with {name}={value}"
        probe.names(probe.refused(svc, doing, **{name: value}), [name, value], doing)


@pytest.mark.weight(8)
@pytest.mark.must("a settings error names the variable, never the password")
def test_refused_connections_name_the_setting_to_fix(new_analytics):
    svc = probe.started(probe.service(new_analytics), "starting the analytics service with good settings")
    svc.stop()
    wrong = "Wrong-" + secrets.token_hex(6)
    cases = (("a wrong MYSQL_PASSWORD", {"MYSQL_PASSWORD": wrong}, ["MYSQL_USER", "MYSQL_PASSWORD"]),
             ("MYSQL_PORT set to a port where nothing listens", {"MYSQL_PORT": str(free_port())},
              ["MYSQL_HOST", "MYSQL_PORT"]),
             ("a MYSQL_DATABASE that does not exist", {"MYSQL_DATABASE": svc.database + "_none"}, ["MYSQL_DATABASE"]))
    for what, settings, words in cases:
        doing = f"starting the analytics service with {what} (it started with the right settings)"
        probe.names(probe.refused(svc, doing, **settings), words, doing)
    probe.no_password(svc, [wrong, svc.password], "starting the analytics service with a wrong password, a closed "
                                                  "port and an unknown database")


@pytest.mark.weight(5)
def test_a_pool_of_one_is_enough(new_analytics):
    svc = probe.started(probe.service(new_analytics, tables=[], MYSQL_POOL_SIZE="1"),
                        "starting the analytics service with MYSQL_POOL_SIZE=1")
    first = probe.event("DO 1")
    svc.produce(first)
    probe.wait_done(svc, [first["event_id"]], "MYSQL_POOL_SIZE=1: producing an event whose handler runs 'DO 1' in "
                                              "a transaction (connect() must give its check's connection back)")
