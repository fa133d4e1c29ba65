"""D01.4 Kafka in KRaft mode: the settings of a valid single-node cluster, read as data."""

import pytest

from grader.testkit import docker
from grader.testkit.docker import checks

pytestmark = pytest.mark.exercise("D01.4")


@pytest.mark.weight(5)
@pytest.mark.must("the node id is one of the quorum voters")
def test_the_node_is_the_quorum_voter_on_its_controller_listener():
    docker.verdict(checks.node_in_voters(docker.project()),
                   "Read KAFKA_NODE_ID, KAFKA_CONTROLLER_QUORUM_VOTERS and the controller listener of the Kafka service",
                   "one voter, `<KAFKA_NODE_ID>@<the Kafka service>:<the controller listener's port>`", "D01.4")


@pytest.mark.weight(3)
def test_the_listeners_agree():
    docker.verdict(checks.listeners_consistent(docker.project()),
                   "Read KAFKA_LISTENERS, KAFKA_ADVERTISED_LISTENERS, KAFKA_CONTROLLER_LISTENER_NAMES and "
                   "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
                   "the controller listener among the listeners, a protocol for each, advertised listeners that are "
                   "listeners (not the controller's) on the same ports", "D01.4")


@pytest.mark.weight(3)
def test_replication_factors_are_one():
    docker.verdict(checks.replication_one(docker.project()),
                   "Read the replication settings of the Kafka service",
                   "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR, KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR and "
                   "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR all 1", "D01.4")


@pytest.mark.weight(3)
def test_kafka_has_a_healthcheck_that_asks_the_broker():
    docker.verdict(checks.healthcheck(docker.project(), checks.KAFKA, checks.KAFKA_PROBE,
                                      "asks the broker with one of Kafka's tools (kafka-broker-api-versions.sh)"),
                   "Read the Kafka service's healthcheck", "a test that asks the broker with a Kafka tool", "D01.4")
