"""D01.4, hidden: the rest of a single-node KRaft cluster."""

import pytest

from grader.testkit import docker
from grader.testkit.docker import checks

pytestmark = pytest.mark.exercise("D01.4")


@pytest.mark.weight(2)
def test_the_node_is_broker_and_controller():
    docker.verdict(checks.kraft_roles(docker.project()),
                   "Read KAFKA_PROCESS_ROLES", "`broker,controller`", "D01.4")


@pytest.mark.weight(2)
def test_the_broker_is_advertised_on_the_service_name():
    docker.verdict(checks.advertised_for_clients(docker.project()),
                   "Read KAFKA_ADVERTISED_LISTENERS and KAFKA_INTER_BROKER_LISTENER_NAME",
                   "a listener advertised on the Kafka service's name, and the inter-broker listener advertised",
                   "D01.4")


@pytest.mark.weight(1)
def test_the_cluster_id_is_fixed():
    docker.verdict(checks.cluster_id(docker.project()),
                   "Read CLUSTER_ID", "a fixed cluster id, 22 characters of base64url", "D01.4")


@pytest.mark.weight(1)
def test_the_kafka_image_is_pinned():
    docker.verdict(checks.image_pinned(docker.project(), checks.KAFKA, checks.KAFKA_IMAGES),
                   "Read the Kafka service's image",
                   "apache/kafka (or confluentinc/cp-kafka) pinned to a version", "D01.4")
