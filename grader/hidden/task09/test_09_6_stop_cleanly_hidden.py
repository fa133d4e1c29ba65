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
    # the 5th try has failed: the consumer now waits 2 s (RETRY_SECONDS[-1]) before the 6th
    records = service.wait_probe(lambda found: sum(r["phase"] == "start" for r in found) >= 5)
    expect.true(sum(r["phase"] == "start" for r in records) >= 5, "tries of an event whose handler keeps failing, "
                f"within 15 s: expected at least 5 (RETRY_SECONDS: 0.2, 0.5, 1, 2 s apart), got "
                f"{sum(r['phase'] == 'start' for r in records)}")
    sent = time.monotonic()
    service.signal(signal.SIGINT)
    service.signal(signal.SIGINT)  # a second stop() is harmless
    code = service.wait_exit(10)
    took = time.monotonic() - sent
    lines = " | ".join(service.log_lines()[-3:])[-600:]
    expect.true(code is not None, f"the service was still running 10 s after SIGINT, while the handler of its "
                                  f"message kept failing (stop() must end the retries too; its last lines: {lines})")
    expect.equal(service.exit_description(), "exit code 0", f"how the service ended after SIGINT (its last lines: {lines})")
    expect.true(took < 1.5, f"the service should end at once when SIGINT comes during a wait between tries (a 2 s "
                            f"wait had just begun): it took {took:.1f} s (wait with the stop flag's wait(), not sleep)")
    committed = service.committed(TOPIC_OF)
    expect.true(committed in (OFFSET_INVALID, 0), f"the committed offset after stopping while the only message's "
                f"handler still failed: it is not done, so it must not be committed; got {committed}")
