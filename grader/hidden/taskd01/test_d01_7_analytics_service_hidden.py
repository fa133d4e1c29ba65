"""D01.7, hidden: nothing set that nothing reads (the original set a KAFKA_GROUP_ID no code read)."""

import pytest

from grader.testkit import docker
from grader.testkit.docker import checks

pytestmark = pytest.mark.exercise("D01.7")


@pytest.mark.weight(1)
def test_every_variable_set_is_one_the_analytics_service_reads():
    docker.verdict(checks.unread_variables(docker.project(), checks.ANALYTICS),
                   "Compare the analytics service's environment with what analytics/ reads",
                   "no variable that nothing reads", "D01.7")
