"""09.6 Stop cleanly.

The analytics service runs with your ``EventConsumer``, the kit's probe handler for every
event type (it records when it starts and when it is done with each event; the event's data
may ask it to sleep) and your signal handlers; the test sends the process a signal."""

import signal
import time

import pytest

from grader.testkit import expect, pipeline

pytestmark = pytest.mark.exercise("09.6")

TOPIC_OF = "user.created"


def event(**probe) -> dict:
    entity = pipeline.new_id()
    data = {"id": entity, "display_name": "Ada", **({"_probe": probe} if probe else {})}
    return pipeline.envelope(TOPIC_OF, entity, data)


def phase(records: list[dict], event: dict, name: str) -> list[dict]:
    return [r for r in records if r.get("event_id") == event["event_id"] and r.get("phase") == name]


@pytest.mark.weight(6)
@pytest.mark.must("SIGTERM finishes and commits the message in hand")
def test_sigterm_finishes_and_commits_the_message_in_hand(new_analytics):
    service = new_analytics(probe=True, with_mysql=False)
    try:
        service.start()
    except pipeline.ServiceDown as exc:
        pytest.fail(str(exc), pytrace=False)
    slow, later = event(sleep=2), event()
    service.produce(slow, later)
    records = service.wait_probe(lambda found: phase(found, slow, "start"))
    expect.true(phase(records, slow, "start"), f"the handler never got the event: {service.reports()}")
    sent = time.monotonic()
    service.signal(signal.SIGTERM)
    code = service.wait_exit(10)
    took = time.monotonic() - sent
    lines = " | ".join(service.log_lines()[-3:])[-600:]
    expect.true(code is not None, f"the service was still running 10 s after SIGTERM (its last lines: {lines})")
    expect.equal(service.exit_description(), "exit code 0",
                 f"how the service ended after SIGTERM (run() returns, the service exits 0; its last lines: {lines})")
    records = service.probe_records()
    expect.equal(len(phase(records, slow, "done")), 1, "the handler of the event in hand when SIGTERM came (2 s long) "
                                                       "must finish: its runs done")
    expect.equal(phase(records, later, "start"), [], "the event after it must not be started once SIGTERM came: "
                                                     "handler runs it got")
    expect.equal(service.committed(TOPIC_OF), 1,
                 "the committed offset after the stop: the finished event committed, the next one not")
    expect.true(took < 6, f"the service should exit soon after the handler in hand returned; it took {took:.1f} s")
