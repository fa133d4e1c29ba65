"""D01.6 MySQL, read as data."""

import pytest

from grader.testkit import docker
from grader.testkit.docker import checks

pytestmark = pytest.mark.exercise("D01.6")


@pytest.mark.weight(3)
def test_mysql_creates_the_database_and_the_user():
    docker.verdict(checks.mysql_credentials(docker.project()),
                   "Read the MySQL service's environment",
                   "MYSQL_DATABASE, MYSQL_USER, MYSQL_PASSWORD and a root password (MYSQL_ROOT_PASSWORD)", "D01.6")


@pytest.mark.weight(3)
def test_mysql_has_a_healthcheck_that_pings_it():
    docker.verdict(checks.healthcheck(docker.project(), checks.MYSQL, checks.MYSQL_PROBE,
                                      "pings the server (mysqladmin ping)"),
                   "Read the MySQL service's healthcheck", "a test that pings MySQL (mysqladmin ping)", "D01.6")


@pytest.mark.weight(2)
def test_the_mysql_image_is_pinned():
    docker.verdict(checks.image_pinned(docker.project(), checks.MYSQL, ("mysql",)),
                   "Read the MySQL service's image", "mysql pinned to a version (a tag that is not `latest`)", "D01.6")
