"""D01.7 The analytics service: what it reads agrees with the MySQL and Kafka services."""

import pytest

from grader.testkit import docker
from grader.testkit.docker import checks

pytestmark = pytest.mark.exercise("D01.7")


@pytest.mark.weight(5)
@pytest.mark.must("a service starts only once its servers are healthy")
def test_the_analytics_service_waits_for_healthy_kafka_and_mysql():
    docker.verdict(checks.depends_healthy(docker.project(), checks.ANALYTICS, (checks.KAFKA, checks.MYSQL)),
                   "Read the analytics service's depends_on and the healthchecks it waits for",
                   "Kafka and MySQL each named with `condition: service_healthy`, each with a healthcheck", "D01.7")


@pytest.mark.weight(3)
def test_the_mysql_login_is_the_one_the_mysql_service_creates():
    docker.verdict(checks.mysql_agrees(docker.project()),
                   "Compare the analytics service's MYSQL_USER, MYSQL_PASSWORD and MYSQL_DATABASE with the MySQL "
                   "service's", "the same user, password and database", "D01.7")


@pytest.mark.weight(2)
def test_mysql_host_names_the_mysql_service():
    docker.verdict(checks.mysql_host(docker.project()),
                   "Read the analytics service's MYSQL_HOST and MYSQL_PORT",
                   "the MySQL service's name, and port 3306 or none", "D01.7")


@pytest.mark.weight(2)
def test_the_bootstrap_servers_name_the_kafka_service():
    docker.verdict(checks.bootstrap(docker.project(), checks.ANALYTICS),
                   "Read the analytics service's KAFKA_BOOTSTRAP_SERVERS",
                   "the Kafka service's name with its advertised listener's port", "D01.7")


@pytest.mark.weight(2)
def test_the_analytics_service_is_built_from_its_dockerfile():
    docker.verdict(checks.built_from(docker.project(), checks.ANALYTICS),
                   "Read the analytics service's build",
                   "a build whose context and dockerfile name analytics/Dockerfile", "D01.7")
