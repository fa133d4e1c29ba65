"""D01.8 Volumes and persistence, read as data."""

import pytest

from grader.testkit import docker
from grader.testkit.docker import checks

pytestmark = pytest.mark.exercise("D01.8")


@pytest.mark.weight(5)
@pytest.mark.must("the servers keep their data on named volumes")
def test_each_server_keeps_its_data_on_a_named_volume():
    docker.verdict(checks.data_on_named_volumes(docker.project()),
                   "Read the volumes of the MongoDB, Kafka and MySQL services",
                   "/data/db, Kafka's KAFKA_LOG_DIRS and /var/lib/mysql each on a named volume declared under the "
                   "top-level `volumes:`", "D01.8")
