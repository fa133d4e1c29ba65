"""D01.5 The app service: what the app reads agrees with the services it points at."""

import pytest

from grader.testkit import docker
from grader.testkit.docker import checks

pytestmark = pytest.mark.exercise("D01.5")


@pytest.mark.weight(5)
@pytest.mark.must("a service starts only once its servers are healthy")
def test_the_app_waits_for_healthy_mongodb_and_kafka():
    docker.verdict(checks.depends_healthy(docker.project(), checks.APP, (checks.MONGO, checks.KAFKA)),
                   "Read the app service's depends_on and the healthchecks it waits for",
                   "MongoDB and Kafka each named with `condition: service_healthy`, each with a healthcheck", "D01.5")


@pytest.mark.weight(3)
def test_mongodb_url_names_the_mongodb_service():
    docker.verdict(checks.mongodb_url(docker.project()),
                   "Read the app service's MONGODB_URL", "a mongodb:// URL naming the MongoDB service on port 27017",
                   "D01.5")


@pytest.mark.weight(3)
def test_events_go_to_the_kafka_service():
    project = docker.project()
    docker.verdict(checks.events_to_kafka(project) + checks.bootstrap(project, checks.APP),
                   "Read the app service's EVENT_SINK and KAFKA_BOOTSTRAP_SERVERS",
                   "EVENT_SINK naming kafka, and the Kafka service's name with its advertised listener's port", "D01.5")


@pytest.mark.weight(2)
def test_the_app_is_built_from_its_dockerfile():
    docker.verdict(checks.built_from(docker.project(), checks.APP),
                   "Read the app service's build", "a build whose context and dockerfile name the app's Dockerfile",
                   "D01.5")
