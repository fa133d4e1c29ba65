"""09.2 Publish an event (hidden tests)."""

import asyncio
import json
import secrets
import time

import pytest

from grader.testkit import expect, pipeline
from shared.events import envelope_problems

pytestmark = pytest.mark.exercise("09.2")

DELIVERY_SECONDS = 5.0  # backend/kafka_events.py
UNREACHABLE = "127.0.0.1:1"


def keyed(topic: str, keys: set[str], count: int, timeout: float = 10.0) -> list:
    """The messages of ``topic`` whose key is one of ``keys``, in the topic's order, once
    ``count`` of them are there (fewer when the deadline passes)."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

    reader = Consumer({"bootstrap.servers": pipeline.bootstrap(), "group.id": "kit-reader-" + secrets.token_hex(4),
                       "enable.auto.commit": False, "log_level": 0})
    try:
        reader.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
        found: list = []
        deadline = time.monotonic() + timeout
        while len(found) < count and time.monotonic() < deadline:
            message = reader.poll(0.2)
            if message is not None and not message.error() and (message.key() or b"").decode("utf-8", "replace") in keys:
                found.append(message)
        return found
    finally:
        reader.close()


def envelope_of(message) -> dict:
    try:
        return json.loads(message.value().decode("utf-8"))
    except (AttributeError, ValueError):
        raise AssertionError(f"a message's value should be the envelope as UTF-8 JSON, got {message.value()!r:.120}") from None


async def emit(client, event_type: str, entity_id: str, data: dict, **extra):
    return await client.post("/_kit/emit", json={"event_type": event_type, "entity_id": entity_id, "data": data, **extra})


@pytest.mark.weight(2)
async def test_the_events_of_one_entity_keep_their_order(client):
    first, second = pipeline.new_id(), pipeline.new_id()
    topic = pipeline.app_topic("user.created")
    sent = [("user.created", first, {"id": first, "step": 1}), ("user.created", second, {"id": second, "step": 1}),
            ("user.updated", first, {"id": first, "step": 2}), ("user.deleted", first, {"id": first}),
            ("user.updated", second, {"id": second, "step": 2})]
    for event_type, entity, data in sent:
        expect.status(await emit(client, event_type, entity, data), 200, f"POST /_kit/emit of {event_type} for {entity}")
    found = [envelope_of(m) for m in keyed(topic, {first, second}, len(sent))]
    expect.equal([(e.get("event_type"), e.get("entity_id")) for e in found], [(t, k) for t, k, _ in sent],
                 f"the (event_type, entity_id) of the messages keyed by {first} or {second} on {topic}, in order "
                 "(each emitted after the one before it was confirmed)")
    expect.equal([envelope_problems(e) for e in found], [[]] * len(sent), "what is wrong with each envelope")


@pytest.mark.weight(2)
async def test_each_event_goes_to_the_topic_of_its_type(client):
    supplier, order = pipeline.new_id(), pipeline.new_id()
    sent = [("supplier.created", supplier, {"id": supplier, "legal_name": "Acme Trading GmbH"}),
            ("order.cancelled", order, {"id": order, "order_number": "ORD-20250524-0A1B", "reason": "changed mind"})]
    for event_type, entity, data in sent:
        topic = pipeline.app_topic(event_type)
        expect.status(await emit(client, event_type, entity, data), 200, f"POST /_kit/emit of {event_type}")
        found = keyed(topic, {entity}, 1)
        expect.true(found, f"after emitting {event_type}, no message keyed {entity!r} is on {topic!r}")
        expect.equal(envelope_of(found[0]).get("data"), data, f"the data of the {event_type} message on {topic}")


@pytest.mark.weight(5)
async def test_a_delivery_that_fails_holds_up_no_other_request_and_says_why(client):
    entity = pipeline.new_id()
    topic = pipeline.APP_PREFIX + "user"
    pipeline.app_topic("user.created")
    began = time.monotonic()
    slow = asyncio.create_task(emit(client, "user.created", entity, {"id": entity}, bootstrap_servers=UNREACHABLE))
    await asyncio.sleep(0.3)  # the slow request is in the app now, waiting for its delivery report
    quick = await client.post("/_kit/kafka/topic", json={"event_type": "order.created", "prefix": ""})
    answered = time.monotonic() - began
    slow_done = slow.done()
    response = await slow
    doing = f"POST /_kit/emit through a publisher for {UNREACHABLE}"
    if response.status_code != 503:
        expect.error(response, 503, doing)
    expect.status(quick, 200, "POST /_kit/kafka/topic")
    expect.true(not slow_done and answered < 2.5,
                f"another request sent while emit waited for a delivery report (to {UNREACHABLE}, where no broker "
                f"listens) was answered only after {answered:.1f} s, "
                + ("after that emit ended: " if slow_done else "")
                + "waiting for the report must not block the event loop (await a future that the delivery callback "
                  "completes, and poll from a thread or an executor)")
    error = expect.error(response, 503, doing)
    message = error["message"]
    expect.true("user.created" in message and topic in message,
                f"the EventDeliveryError's message should name the event type ('user.created') and the topic "
                f"({topic!r}), got {message!r}")
    expect.true(len(message) > len("user.created") + len(topic) + 10,
                f"the EventDeliveryError's message should also say why delivery failed, got {message!r}")
