"""09.3 One producer, flushed.

The app asks your ``get_publisher()`` for its publisher when it starts (``EVENT_SINK=kafka``);
``POST /_kit/emit`` answers whether the publisher it used is what ``get_publisher()`` returns
now, and ``POST /_kit/flush`` calls its ``flush(timeout)``."""

import pytest

from grader.testkit import expect, pipeline

pytestmark = pytest.mark.exercise("09.3")


async def emit(client, entity_id: str):
    response = await client.post("/_kit/emit", json={"event_type": "user.created", "entity_id": entity_id,
                                                     "data": {"id": entity_id}})
    return expect.status(response, 200, "POST /_kit/emit of user.created through the app's publisher")


@pytest.mark.weight(4)
async def test_the_app_publishes_through_one_publisher(client):
    pipeline.app_topic("user.created")
    for _ in range(2):
        body = await emit(client, pipeline.new_id())
        expect.equal(body.get("publisher"), "KafkaPublisher", "the class of the app's publisher (get_publisher())")
        expect.true(body.get("is_get_publisher") is True,
                    "after an emit, get_publisher() should return the very publisher the app took at start-up "
                    "(one producer per process: create it on the first call, return that one ever after)")


@pytest.mark.weight(3)
async def test_flush_returns_how_many_messages_are_left(client):
    pipeline.app_topic("user.created")
    await emit(client, pipeline.new_id())
    response = await client.post("/_kit/flush", json={"timeout": 5})
    body = expect.status(response, 200, "POST /_kit/flush (the publisher's flush(5.0))")
    expect.equal(body.get("left"), 0, "flush(5.0) with the broker up: the number of messages still undelivered")
