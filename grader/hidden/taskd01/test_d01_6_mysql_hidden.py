"""D01.6, hidden: the analytics user is not root, and the healthcheck's variables are the container's."""

import pytest

from grader.testkit import docker
from grader.testkit.docker import checks

pytestmark = pytest.mark.exercise("D01.6")


@pytest.mark.weight(2)
def test_the_user_is_not_root_and_the_healthcheck_reads_the_containers_variables():
    docker.verdict(checks.mysql_user_not_root(docker.project()),
                   "Read the MySQL service's MYSQL_USER and the variables of its healthcheck",
                   "a user other than root, and `$$VARIABLE` for the container's variables in the healthcheck",
                   "D01.6")
