"""D01.5, hidden: the rest of the app service."""

import pytest

from grader.testkit import docker
from grader.testkit.docker import checks

pytestmark = pytest.mark.exercise("D01.5")


@pytest.mark.weight(1)
def test_the_database_is_named():
    docker.verdict(checks.database_name(docker.project()),
                   "Read the app service's DATABASE_NAME", "a database name", "D01.5")


@pytest.mark.weight(1)
def test_the_published_port_is_the_one_uvicorn_listens_on():
    docker.verdict(checks.publishes_app_port(docker.project()),
                   "Compare the app service's ports with the --port of the Dockerfile's command",
                   "the container port uvicorn listens on published", "D01.5")


@pytest.mark.weight(1)
def test_every_variable_set_is_one_the_app_reads():
    docker.verdict(checks.unread_variables(docker.project(), checks.APP),
                   "Compare the app service's environment with what backend/config.py and Task 09 read",
                   "no variable that nothing reads", "D01.5")
