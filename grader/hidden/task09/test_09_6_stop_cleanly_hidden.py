"""09.6 Stop cleanly (hidden tests)."""

import signal
import time

import pytest

from grader.testkit import expect, pipeline

pytestmark = pytest.mark.exercise("09.6")

TOPIC_OF = "user.created"
OFFSET_INVALID = -1001  # what the broker answers for a group that committed nothing


@pytest.mark.weight(4)
def test_sigint_stops_a_consumer_whose_handler_keeps_failing(new_analytics):
    service = new_analytics(probe=True, with_mysql=False)
    try:
        service.start()
    except pipeline.ServiceDown as exc:
        pytest.fail(str(exc), pytrace=False)
    entity = pipeline.new_id()
    failing = pipeline.envelope(TOPIC_OF, entity, {"id": entity, "_probe": {"fail_times": 1000}})
    service.produce(failing)
    service.wait_probe(lambda found: sum(r["phase"] == "start" for r in found) >= 3)
    sent = time.monotonic()
    service.signal(signal.SIGINT)
    service.signal(signal.SIGINT)  # a second stop() is harmless
    code = service.wait_exit(10)
    took = time.monotonic() - sent
    lines = " | ".join(service.log_lines()[-3:])[-600:]
    expect.true(code is not None, f"the service was still running 10 s after SIGINT, while the handler of its "
                                  f"message kept failing (stop() must end the retries too; its last lines: {lines})")
    expect.equal(service.exit_description(), "exit code 0", f"how the service ended after SIGINT (its last lines: {lines})")
    expect.true(took < 4, f"the service should stop within a retry's wait after SIGINT; it took {took:.1f} s")
    committed = service.committed(TOPIC_OF)
    expect.true(committed in (OFFSET_INVALID, 0), f"the committed offset after stopping while the only message's "
                f"handler still failed: it is not done, so it must not be committed; got {committed}")
