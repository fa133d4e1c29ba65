"""09.2 Publish an event.

The app publishes through your ``get_publisher()`` (``EVENT_SINK=kafka``), with the topic
prefix of this test run in ``KAFKA_TOPIC_PREFIX``. ``POST /_kit/emit`` does what a service
does, ``await events.emit(event_type, entity_id, data)``; the tests then read the topic
themselves, with a consumer of their own."""

import json
import secrets
import time
import uuid

import pytest

from grader.testkit import expect, pipeline
from shared.events import ENVELOPE_KEYS, envelope_problems

pytestmark = pytest.mark.exercise("09.2")

DELIVERY_SECONDS = 5.0  # backend/kafka_events.py
UNREACHABLE = "127.0.0.1:1"  # nothing listens on port 1


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


async def emit(client, event_type: str, entity_id: str, data: dict, **extra):
    return await client.post("/_kit/emit", json={"event_type": event_type, "entity_id": entity_id, "data": data, **extra})


@pytest.mark.weight(7)
async def test_an_event_goes_to_its_topic_keyed_by_its_entity_id(client):
    entity = pipeline.new_id()
    topic = pipeline.app_topic("user.created")
    data = {"id": entity, "display_name": "Zoë Brandt", "bio": "Cafés, Straße and ✓"}
    doing = f"await events.emit(EventType.USER_CREATED, {entity!r}, data) (POST /_kit/emit)"
    expect.status(await emit(client, "user.created", entity, data), 200, doing)
    found = keyed(topic, {entity}, 1)
    expect.true(found, f"after {doing} returned, no message with the key {entity!r} is on the topic {topic!r} "
                       f"(KAFKA_TOPIC_PREFIX is {pipeline.APP_PREFIX!r}: the topic is the prefix and 'user')")
    message = found[0]
    expect.equal(message.key(), entity.encode(), "the message's key (the entity id as UTF-8 bytes)")
    try:
        envelope = json.loads(message.value().decode("utf-8"))
    except (AttributeError, ValueError) as exc:
        raise AssertionError(f"the message's value should be the envelope as UTF-8 JSON, got {message.value()!r:.120} "
                             f"({type(exc).__name__}: {exc})") from None
    expect.equal(sorted(envelope) if isinstance(envelope, dict) else envelope, sorted(ENVELOPE_KEYS),
                 "the keys of the message's envelope (make_envelope builds it)")
    expect.equal(envelope_problems(envelope), [], "what is wrong with the envelope, against shared/events.py")
    expect.equal((envelope["event_type"], envelope["entity_id"], envelope["data"]), ("user.created", entity, data),
                 "the envelope's (event_type, entity_id, data)")
    try:
        uuid.UUID(str(envelope["event_id"]))
    except ValueError:
        raise AssertionError(f"the envelope's event_id should be a UUID, got {envelope['event_id']!r}") from None
    expect.about_now(envelope["timestamp"], "the envelope's timestamp")


@pytest.mark.weight(5)
@pytest.mark.must("emit waits for the broker's confirmation")
async def test_emit_waits_for_the_brokers_confirmation(client):
    entity = pipeline.new_id()
    topic = pipeline.app_topic("user.created")
    expect.status(await emit(client, "user.created", entity, {"id": entity}), 200,
                  "POST /_kit/emit of user.created through the app's publisher (the broker is up)")
    expect.true(keyed(topic, {entity}, 1), f"after emit returned, no message with the key {entity!r} is on {topic!r}")
    other = pipeline.new_id()
    response = await emit(client, "user.created", other, {"id": other}, bootstrap_servers=UNREACHABLE)
    took = float(response.headers.get("X-Seconds", "nan"))
    doing = (f"POST /_kit/emit through a new KafkaPublisher whose KAFKA_BOOTSTRAP_SERVERS is {UNREACHABLE} "
             "(no broker there: delivery cannot be confirmed)")
    error = expect.error(response, 503, doing)
    expect.equal(error["code"], "EventDeliveryError", f"{doing}: the exception emit raised")
    expect.true(took <= DELIVERY_SECONDS + 2.5, f"{doing}: emit should give up after about {DELIVERY_SECONDS:g} s "
                                                f"(message.timeout.ms), it took {took:.1f} s")


@pytest.mark.weight(4)
async def test_topic_for_names_the_topic_of_an_event_type(client):
    cases = [("user.created", "", "user"), ("community.member_joined", "", "community"),
             ("order.cancelled", "t1.", "t1.order"), ("supplier.deleted", "staging.", "staging.supplier")]
    for event_type, prefix, topic in cases:
        response = await client.post("/_kit/kafka/topic", json={"event_type": event_type, "prefix": prefix})
        body = expect.status(response, 200, "POST /_kit/kafka/topic")
        expect.equal(body.get("topic"), topic, f"topic_for({event_type!r}, prefix={prefix!r})")
    for event_type in ("user.exploded", "usercreated"):
        response = await client.post("/_kit/kafka/topic", json={"event_type": event_type, "prefix": ""})
        got = expect.status(response, 200, "POST /_kit/kafka/topic").get("topic")
        expect.true(isinstance(got, dict) and str(got.get("error", "")).startswith("ValueError"),
                    f"topic_for({event_type!r}) (not in the catalogue) should raise ValueError, got {got!r}")
