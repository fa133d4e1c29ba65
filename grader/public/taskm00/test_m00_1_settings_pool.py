"""M00.1 Settings and the pool."""

import pytest

from grader.testkit import expect
from grader.testkit import replica_probe as probe

pytestmark = pytest.mark.exercise("M00.1")


@pytest.mark.weight(6)
def test_the_service_connects_and_opens_a_pool_of_five(new_analytics):
    svc = probe.started(probe.service(new_analytics))
    row = probe.token()
    svc.produce(probe.event(probe.insert("probe_rows", row)))
    probe.wait_row(svc, "probe_rows", row, f"producing an event whose handler inserts {row!r} into probe_rows")
    found = probe.connections(svc, 5)
    expect.equal(found, 5, "the service's connections to MySQL with MYSQL_POOL_SIZE unset (a pool of the default "
                           "size opens its connections when it is made)")


@pytest.mark.weight(6)
@pytest.mark.must("a settings error names the variable, never the password")
def test_a_port_that_is_not_a_number_is_refused_by_name(new_analytics):
    svc = probe.started(probe.service(new_analytics), "starting the analytics service with good settings")
    svc.stop()
    doing = "starting the analytics service with MYSQL_PORT=abc (the same settings started it before)"
    report = probe.refused(svc, doing, MYSQL_PORT="abc")
    probe.names(report, ["MYSQL_PORT", "abc"], doing)
    probe.no_password(svc, [svc.password], doing)
