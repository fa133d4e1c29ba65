"""09.1 Settings and client configurations.

The app calls your ``KafkaSettings.from_env``, ``ConsumerSettings.from_env``,
``producer_config`` and ``consumer_config`` with the variables each test sends
(``POST /_kit/kafka/config``), and answers what they returned."""

import pytest

from grader.testkit import expect

pytestmark = pytest.mark.exercise("09.1")

ENV = {"KAFKA_BOOTSTRAP_SERVERS": "kafka-1:9092,kafka-2:9092", "KAFKA_CLIENT_ID": "api-blue",
       "KAFKA_GROUP_ID": "replica-blue", "KAFKA_TOPIC_PREFIX": "staging."}
SENT = f"POST /_kit/kafka/config with the variables {ENV}"


async def configured(client, env: dict) -> dict:
    response = await client.post("/_kit/kafka/config", json={"env": env})
    return expect.status(response, 200, "POST /_kit/kafka/config")


def returned(body: dict, key: str, call: str) -> dict:
    """What the learner's call returned; a clear failure when it raised."""
    value = body.get(key)
    if isinstance(value, dict) and set(value) == {"error"}:
        raise AssertionError(f"{call} raised {value['error']}")
    expect.true(isinstance(value, dict), f"{call} should return a dataclass or a dict, got {value!r}")
    return value


@pytest.mark.weight(2)
async def test_settings_read_the_environment(client):
    body = await configured(client, ENV)
    producer = returned(body, "producer_settings", "KafkaSettings.from_env(env)")
    expect.equal(producer, {"bootstrap_servers": "kafka-1:9092,kafka-2:9092", "client_id": "api-blue",
                            "topic_prefix": "staging."}, f"{SENT}: KafkaSettings.from_env(env)")
    consumer = returned(body, "consumer_settings", "ConsumerSettings.from_env(env)")
    expect.equal(consumer, {"bootstrap_servers": "kafka-1:9092,kafka-2:9092", "group_id": "replica-blue",
                            "client_id": "api-blue", "topic_prefix": "staging."},
                 f"{SENT}: ConsumerSettings.from_env(env) (KAFKA_GROUP_ID is read too)")


@pytest.mark.weight(2)
async def test_the_client_configurations(client):
    body = await configured(client, ENV)
    producer = returned(body, "producer_config", "producer_config(KafkaSettings.from_env(env))")
    wanted = {"bootstrap.servers": "kafka-1:9092,kafka-2:9092", "client.id": "api-blue", "acks": "all",
              "message.timeout.ms": 5000}
    expect.equal({key: producer.get(key) for key in wanted}, wanted, f"{SENT}: these keys of producer_config(...)")
    expect.true(type(producer["message.timeout.ms"]) is int,
                f"producer_config: message.timeout.ms must be an int (milliseconds), got {producer['message.timeout.ms']!r}")
    consumer = returned(body, "consumer_config", "consumer_config(ConsumerSettings.from_env(env))")
    wanted = {"bootstrap.servers": "kafka-1:9092,kafka-2:9092", "group.id": "replica-blue", "client.id": "api-blue",
              "auto.offset.reset": "earliest", "session.timeout.ms": 6000, "heartbeat.interval.ms": 1000}
    expect.equal({key: consumer.get(key) for key in wanted}, wanted, f"{SENT}: these keys of consumer_config(...)")


@pytest.mark.weight(5)
@pytest.mark.must("auto-commit is off")
async def test_auto_commit_is_off(client):
    body = await configured(client, ENV)
    consumer = returned(body, "consumer_config", "consumer_config(ConsumerSettings.from_env(env))")
    expect.true("enable.auto.commit" in consumer,
                "consumer_config must set enable.auto.commit (to False): librdkafka's default is True, which commits "
                f"every 5 s whatever the handlers did; got the keys {sorted(consumer)}")
    expect.true(consumer["enable.auto.commit"] in (False, "false"),
                f"consumer_config: enable.auto.commit must be False (your code commits, after each handler), got "
                f"{consumer['enable.auto.commit']!r}")
