"""09.5 Commit after the handler (hidden tests)."""

import pytest

from grader.testkit import expect, pipeline

pytestmark = pytest.mark.exercise("09.5")

TOPIC_OF = "user.created"
RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0)  # analytics/consumer.py


def started(service: pipeline.AnalyticsService, **overrides: str) -> pipeline.AnalyticsService:
    try:
        return service.start(**overrides)
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


@pytest.mark.weight(4)
def test_tries_are_spaced_by_retry_seconds_and_the_next_message_waits(new_analytics):
    service = started(new_analytics(probe=True, with_mysql=False))
    flaky, after = event(fail_times=3), event()
    service.produce(flaky, after)
    records = service.wait_probe(lambda found: phase(found, after, "done"))
    starts = [r["at"] for r in phase(records, flaky, "start")]
    expect.equal(len(starts), 4, f"tries of an event whose handler fails 3 times, then works ({said(service)})")
    gaps = [round(b - a, 2) for a, b in zip(starts, starts[1:])]
    expect.true(all(wait - 0.1 <= gap <= wait + 1.0 for gap, wait in zip(gaps, RETRY_SECONDS)),
                f"seconds between the tries: expected about {list(RETRY_SECONDS[:3])} (RETRY_SECONDS), got {gaps}")
    after_start = phase(records, after, "start")
    expect.true(after_start and after_start[0]["at"] >= phase(records, flaky, "done")[0]["at"],
                "the next event's handler must start only once the failing one is done")
    expect.equal(pipeline.wait_committed(service.group, service.topic(TOPIC_OF), 2), 2,
                 "the committed offset once both events are done")


@pytest.mark.weight(8)
@pytest.mark.must("a message is committed only after its handler returned")
def test_a_message_in_hand_when_the_consumer_crashes_is_handled_after_the_restart(new_analytics):
    first, second, third = event(), event(sleep=1), event()
    service = started(new_analytics(probe=True, with_mysql=False))
    service.produce(first, second, third)
    records = service.wait_probe(lambda found: phase(found, second, "start"))
    expect.true(phase(records, second, "start"), f"the handler never got the second of 3 events ({said(service)})")
    service.kill()  # SIGKILL while the second event's handler runs (1 s long): a crash, no clean-up
    records = service.probe_records()
    expect.equal([len(phase(records, e, "done")) for e in (first, second, third)], [1, 0, 0],
                 "handler runs done of the 3 events when the process was killed during the second one's handler")
    expect.equal(service.committed(TOPIC_OF), 1, "the committed offset after the crash (the first event is done and "
                                                 "committed; the second was in its handler: not done, not committed)")
    started(service)  # the same consumer group: it goes on from the committed offset
    records = service.wait_probe(lambda found: phase(found, third, "done"), timeout=20)
    expect.equal([len(phase(records, e, "done")) for e in (first, second, third)], [1, 1, 1],
                 "handler runs done of the 3 events after the restart: the second again (it was not committed: "
                 f"at-least-once), the first not again, the third once ({said(service)})")
    expect.equal(len(phase(records, first, "start")), 1, "times the first event (committed before the crash) was "
                                                         "handled in all")
    expect.equal(pipeline.wait_committed(service.group, service.topic(TOPIC_OF), 3), 3,
                 "the committed offset once all 3 are done")
