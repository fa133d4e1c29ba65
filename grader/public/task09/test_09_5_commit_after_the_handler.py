"""09.5 Commit after the handler.

The analytics service runs with your ``EventConsumer`` and the kit's probe handler for every
event type: it records when it starts and when it is done with each event, and the event's
data may ask it to sleep or to fail a number of times first. The tests read the committed
offset of the service's consumer group (one partition per topic: the offset is the number
of messages done with)."""

import pytest

from grader.testkit import expect, pipeline

pytestmark = pytest.mark.exercise("09.5")

TOPIC_OF = "user.created"


def started(new_analytics) -> pipeline.AnalyticsService:
    service = new_analytics(probe=True, with_mysql=False)
    try:
        return service.start()
    except pipeline.ServiceDown as exc:
        pytest.fail(str(exc), pytrace=False)


def event(**probe) -> dict:
    entity = pipeline.new_id()
    data = {"id": entity, "display_name": "Ada", **({"_probe": probe} if probe else {})}
    return pipeline.envelope(TOPIC_OF, entity, data)


def phase(records: list[dict], event: dict, name: str) -> list[dict]:
    return [r for r in records if r.get("event_id") == event["event_id"] and r.get("phase") == name]


def said(service) -> str:
    state = "it is running" if service.alive else f"it stopped ({service.exit_description()})"
    return f"{state}; its last lines: {' | '.join(service.log_lines()[-3:])[-600:]}"


@pytest.mark.weight(6)
def test_offsets_are_committed_as_handlers_finish(new_analytics):
    service = started(new_analytics)
    first, second, slow = event(), event(), event(sleep=3)
    service.produce(first, second, slow)
    records = service.wait_probe(lambda found: phase(found, slow, "start"))
    expect.true(phase(records, slow, "start"), f"the handler never got the third of 3 events ({said(service)})")
    committed = pipeline.wait_committed(service.group, service.topic(TOPIC_OF), 2)
    still_running = not phase(service.probe_records(), slow, "done")
    expect.true(still_running, "the third event's handler (3 s long) ended before the test could read the committed "
                               "offset: the machine is too slow for this test, try again")
    expect.equal(committed, 2, "the committed offset while the third event's handler still runs (the first two are "
                               "done and committed; the third must not be committed before its handler returned)")
    service.wait_probe(lambda found: phase(found, slow, "done"))
    expect.equal(pipeline.wait_committed(service.group, service.topic(TOPIC_OF), 3), 3,
                 f"the committed offset once the third handler returned ({said(service)})")


@pytest.mark.weight(7)
@pytest.mark.must("a failing handler is retried, not skipped")
def test_a_failing_handler_is_retried_not_skipped(new_analytics):
    service = started(new_analytics)
    flaky, after = event(fail_times=2), event()
    service.produce(flaky, after)
    records = service.wait_probe(lambda found: phase(found, after, "done"))
    expect.equal((len(phase(records, flaky, "start")), len(phase(records, flaky, "done"))), (3, 1),
                 "(tries, successes) of an event whose handler fails twice, then works: it must be tried again "
                 f"until it is done ({said(service)})")
    flaky_done, after_start = phase(records, flaky, "done"), phase(records, after, "start")
    expect.true(after_start and after_start[0]["at"] >= flaky_done[0]["at"],
                "the next event must wait until the failing one is done (its handler started before)")
    expect.equal(pipeline.wait_committed(service.group, service.topic(TOPIC_OF), 2), 2,
                 "the committed offset once both events are done")
