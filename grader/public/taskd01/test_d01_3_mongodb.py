"""D01.3 MongoDB, and the compose file as a whole, read as data."""

import pytest

from grader.testkit import docker
from grader.testkit.docker import checks

pytestmark = pytest.mark.exercise("D01.3")


@pytest.mark.weight(3)
def test_the_compose_file_is_valid_and_has_the_five_services():
    docker.verdict(checks.valid_compose(docker.project()),
                   "Validate docker-compose.yml against the Compose Specification's schema",
                   "a valid file with MongoDB, Kafka, MySQL, the app and the analytics service, each with an image "
                   "or a build", "D01.3")


@pytest.mark.weight(3)
def test_mongodb_has_a_healthcheck_that_pings_it():
    docker.verdict(checks.healthcheck(docker.project(), checks.MONGO, checks.MONGO_PROBE,
                                      "pings the server (mongosh ... db.adminCommand('ping'))"),
                   "Read the MongoDB service's healthcheck", "a test that pings MongoDB with mongosh", "D01.3")
