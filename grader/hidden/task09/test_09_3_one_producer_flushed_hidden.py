"""09.3 One producer, flushed (hidden tests)."""

import asyncio
import secrets
import time

import pytest

from grader.testkit import expect, pipeline

pytestmark = pytest.mark.exercise("09.3")


def keys_on(topic: str, keys: set[str], timeout: float = 10.0) -> set[str]:
    """Which of ``keys`` are keys of messages on ``topic`` (waiting until all are, or the deadline)."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

    reader = Consumer({"bootstrap.servers": pipeline.bootstrap(), "group.id": "kit-reader-" + secrets.token_hex(4),
                       "enable.auto.commit": False, "log_level": 0})
    try:
        reader.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
        found: set[str] = set()
        deadline = time.monotonic() + timeout
        while found != keys and time.monotonic() < deadline:
            message = reader.poll(0.2)
            if message is not None and not message.error():
                key = (message.key() or b"").decode("utf-8", "replace")
                if key in keys:
                    found.add(key)
        return found
    finally:
        reader.close()


@pytest.mark.weight(3)
async def test_flush_while_events_are_on_their_way(client):
    topic = pipeline.app_topic("user.created")
    entities = [pipeline.new_id() for _ in range(8)]
    emits = [client.post("/_kit/emit", json={"event_type": "user.created", "entity_id": e, "data": {"id": e}})
             for e in entities]
    *emitted, flushed = await asyncio.gather(*emits, client.post("/_kit/flush", json={"timeout": 5}))
    for response in emitted:
        expect.status(response, 200, "POST /_kit/emit of user.created, 8 at the same moment as a flush")
    body = expect.status(flushed, 200, "POST /_kit/flush while 8 emits were on their way")
    expect.equal(body.get("left"), 0, "flush(5.0) while 8 emits were on their way: messages still undelivered")
    missing = set(entities) - keys_on(topic, set(entities))
    expect.equal(sorted(missing), [], f"keys of the 8 emitted events that are not on {topic}")
