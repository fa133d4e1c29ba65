"""09.4 Route messages to handlers.

Two ways in. ``POST /_kit/kafka/route`` builds your ``EventConsumer`` in the app, registers a
recording handler for each type a test names, and calls ``topics()`` and ``handle(value)``
with the values the test sends. The last test runs the analytics service with your
``EventConsumer`` and the kit's probe handler for every event type, which records each
event it gets."""

import json

import pytest

from grader.testkit import expect, pipeline

pytestmark = pytest.mark.exercise("09.4")


async def routed(client, register: list[str], values: list, env: dict | None = None, failing=()) -> dict:
    response = await client.post("/_kit/kafka/route", json={"env": env or {}, "register": register, "values": values,
                                                           "failing": list(failing)})
    body = expect.status(response, 200, "POST /_kit/kafka/route")
    if "error" in body:
        raise AssertionError(f"EventConsumer(ConsumerSettings.from_env(env)) raised {body['error']}")
    return body


def raised(value) -> str:
    return value["error"] if isinstance(value, dict) and set(value) == {"error"} else ""


def user_event(event_type: str = "user.created") -> dict:
    entity = pipeline.new_id()
    return pipeline.envelope(event_type, entity, {"id": entity, "display_name": "Ada"})


@pytest.mark.weight(3)
async def test_registered_event_types_give_the_topics(client):
    register = ["order.created", "user.created", "user.deleted", "order.cancelled"]
    body = await routed(client, register, [], env={"KAFKA_TOPIC_PREFIX": "p7."})
    for event_type, result in zip(register, body["registered"]):
        expect.equal(raised(result), "", f"register({event_type!r}, handler)")
    expect.equal(body["topics"], ["p7.order", "p7.user"],
                 f"topics() after registering {register} with KAFKA_TOPIC_PREFIX 'p7.' (each topic once, sorted)")
    body = await routed(client, ["user.created", "user.exploded"], [])
    expect.true(raised(body["registered"][1]).startswith("ValueError"),
                f"register('user.exploded', handler) (not in the catalogue) should raise ValueError, got "
                f"{body['registered'][1]!r}")


@pytest.mark.weight(3)
async def test_handle_calls_the_handler_of_the_event_type(client):
    user, order_id = user_event(), pipeline.new_id()
    order = pipeline.envelope("order.created", order_id, {"id": order_id, "order_number": "ORD-20250524-0A1B"})
    body = await routed(client, ["user.created", "order.created"], [json.dumps(user), json.dumps(order)])
    expect.equal(body["results"], [True, True], "handle(value) of a user.created and an order.created envelope")
    expect.equal([(h.get("handler"), h.get("envelope")) for h in body["handled"]],
                 [("user.created", user), ("order.created", order)],
                 "(the handler called, the envelope it got) for the two messages, in order")


@pytest.mark.weight(4)
def test_the_service_hands_each_message_to_its_handler(new_analytics):
    service = new_analytics(probe=True, with_mysql=False)
    try:
        service.start()
    except pipeline.ServiceDown as exc:
        pytest.fail(str(exc), pytrace=False)
    created, supplier = user_event("user.created"), pipeline.new_id()
    updated = pipeline.envelope("user.updated", created["entity_id"], {"id": created["entity_id"], "bio": "new"})
    other = pipeline.envelope("supplier.created", supplier, {"id": supplier, "legal_name": "Acme Trading GmbH"})
    sent = service.produce(created, other, updated)
    records = service.wait_probe(lambda found: {r["event_id"] for r in found if r["phase"] == "done"}
                                 >= {e["event_id"] for e in sent})
    for event in sent:
        starts = [r for r in records if r["event_id"] == event["event_id"] and r["phase"] == "start"]
        expect.equal(len(starts), 1, f"times the service's handler of {event['event_type']} got event "
                     f"{event['event_id']} (produced once to {service.topic(event['event_type'])}); "
                     f"the service said: {service.reports()}")
    order = [r["event_id"] for r in records if r["phase"] == "start" and r["entity_id"] == created["entity_id"]]
    expect.equal(order, [created["event_id"], updated["event_id"]],
                 "the events of one user, in the order the handlers got them (user.created, then user.updated)")
