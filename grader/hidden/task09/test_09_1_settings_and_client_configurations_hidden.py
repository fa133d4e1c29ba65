"""09.1 Settings and client configurations (hidden tests)."""

import pytest

from grader.testkit import expect

pytestmark = pytest.mark.exercise("09.1")

PRODUCER_DEFAULTS = {"bootstrap_servers": "localhost:9092", "client_id": "social-commerce-api", "topic_prefix": ""}
CONSUMER_DEFAULTS = {"bootstrap_servers": "localhost:9092", "group_id": "analytics-replica",
                     "client_id": "analytics-replica", "topic_prefix": ""}
NAMES = ("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_CLIENT_ID", "KAFKA_GROUP_ID", "KAFKA_TOPIC_PREFIX")


async def test_unset_or_empty_variables_keep_the_defaults(client):
    for env, what in (({}, "no variables"), ({name: "" for name in NAMES}, "every variable empty")):
        response = await client.post("/_kit/kafka/config", json={"env": env})
        body = expect.status(response, 200, "POST /_kit/kafka/config")
        expect.equal(body.get("producer_settings"), PRODUCER_DEFAULTS, f"KafkaSettings.from_env with {what}")
        expect.equal(body.get("consumer_settings"), CONSUMER_DEFAULTS, f"ConsumerSettings.from_env with {what}")
