"""09.4 Route messages to handlers (hidden tests)."""

import json

import pytest

from grader.testkit import expect, pipeline

pytestmark = pytest.mark.exercise("09.4")


async def routed(client, register: list[str], values: list, failing=()) -> dict:
    # json.dumps escapes a lone surrogate ("\udcff"); the app turns it back into the byte it stands for
    request = json.dumps({"env": {}, "register": register, "values": values, "failing": list(failing)})
    response = await client.post("/_kit/kafka/route", content=request.encode(),
                                 headers={"Content-Type": "application/json"})
    body = expect.status(response, 200, "POST /_kit/kafka/route")
    if "error" in body:
        raise AssertionError(f"EventConsumer(ConsumerSettings.from_env(env)) raised {body['error']}")
    return body


def user_event(event_type: str = "user.created") -> dict:
    entity = pipeline.new_id()
    return pipeline.envelope(event_type, entity, {"id": entity, "display_name": "Ada"})


def warnings(body: dict) -> list[str]:
    return [line for line in body["logged"] if line.startswith("WARNING")]


@pytest.mark.weight(2)
async def test_messages_that_cannot_be_handled_are_skipped_with_a_warning(client):
    good = user_event()
    post = pipeline.envelope("post.created", pipeline.new_id(), {})
    post["data"] = {"id": post["entity_id"]}
    poison = {
        "a value that is not JSON": "{not json",
        "a value that is not UTF-8": "\udcff\udcfe{}",  # the bytes ff fe: no UTF-8 text starts so
        "JSON that is not an object": "[1, 2]",
        "an envelope without event_id": json.dumps({k: v for k, v in user_event().items() if k != "event_id"}),
        "an event type that is not in the catalogue": json.dumps({**user_event(), "event_type": "user.exploded"}),
        "a user.deleted whose data is more than its id": json.dumps({**user_event("user.deleted")}),
        "an event type with no handler registered (post.created)": json.dumps(post),
        "a message without a value": None,
    }
    body = await routed(client, ["user.created", "user.deleted"], [json.dumps(good)])
    expect.equal(body["results"], [True], "handle(value) of a valid user.created envelope")
    expect.equal(len(body["handled"]), 1, "handler calls for one valid user.created envelope")
    for what, value in poison.items():
        body = await routed(client, ["user.created", "user.deleted"], [value])
        expect.equal(body["results"], [True], f"handle(value) of {what} (done with: skipped, so it is committed)")
        expect.equal(body["handled"], [], f"handler calls for {what}")
        expect.true(warnings(body), f"handle(value) of {what} should log a warning with the reason (log.warning); "
                                    f"it logged {body['logged']}")


@pytest.mark.weight(2)
async def test_a_failing_handler_makes_handle_return_false(client):
    fine, failing = user_event(), pipeline.envelope("order.created", pipeline.new_id(), {})
    failing["data"] = {"id": failing["entity_id"]}
    body = await routed(client, ["user.created", "order.created"], [json.dumps(fine), json.dumps(failing)],
                        failing=["order.created"])
    expect.equal(body["results"], [True, False],
                 "handle(value) of a user.created (its handler works) and an order.created (its handler raises)")
    expect.equal([h.get("handler") for h in body["handled"]], ["user.created", "order.created"],
                 "the handlers called for the two messages")
    expect.true(any(line.startswith(("ERROR", "CRITICAL")) for line in body["logged"]),
                f"handle(value) whose handler raised should log the error (log.exception); it logged {body['logged']}")


async def test_registering_a_type_again_replaces_its_handler(client):
    event = user_event()
    body = await routed(client, ["user.created", "user.created"], [json.dumps(event)])
    expect.equal(body["results"], [True], "handle(value) of a user.created envelope")
    expect.equal(len(body["handled"]), 1, "handler calls for one user.created message after registering "
                                          "user.created twice (the second handler replaces the first)")


@pytest.mark.weight(5)
@pytest.mark.must("a poison message is skipped and committed")
def test_a_poison_message_is_skipped_and_committed(new_analytics):
    service = new_analytics(probe=True, with_mysql=False)
    try:
        service.start()
    except pipeline.ServiceDown as exc:
        pytest.fail(str(exc), pytrace=False)
    good = [user_event() for _ in range(3)]
    unknown = {**user_event(), "event_type": "user.exploded"}
    service.produce(good[0])
    service.produce_raw("user.created", b"\x00{not json", key=good[0]["entity_id"])
    service.produce(good[1])
    service.produce_raw("user.created", json.dumps({"event_type": "user.created"}).encode(), key=good[1]["entity_id"])
    service.produce_raw("user.created", json.dumps(unknown).encode(), key=unknown["entity_id"])
    service.produce(good[2])
    records = service.wait_probe(lambda found: any(r["event_id"] == good[2]["event_id"] and r["phase"] == "done"
                                                   for r in found))
    state = ("it is running" if service.alive else f"it stopped ({service.exit_description()})") + \
        f"; its last lines: {' | '.join(service.log_lines()[-3:])[-600:]}"
    for index, event in enumerate(good):
        starts = [r for r in records if r["event_id"] == event["event_id"] and r["phase"] == "start"]
        expect.equal(len(starts), 1, f"times the handler got good event {index + 1} of 3, produced among a value that "
                     f"is not JSON, an envelope without most keys and an unknown event type ({state})")
    others = sorted({r["event_id"] for r in records} - {e["event_id"] for e in good})
    expect.equal(others, [], "event ids the handlers got besides the 3 good events (a poison message must reach no "
                             "handler)")
    expect.true(service.alive, f"the service must keep running after poison messages: {state}")
    committed = pipeline.wait_committed(service.group, service.topic("user.created"), 6)
    expect.equal(committed, 6, "the committed offset of the topic after 3 good and 3 poison messages (each one "
                               "done with: the poison ones skipped, so committed too)")
