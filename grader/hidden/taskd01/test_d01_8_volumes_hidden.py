"""D01.8, hidden: every named volume is declared, and no two servers share one."""

import pytest

from grader.testkit import docker
from grader.testkit.docker import checks

pytestmark = pytest.mark.exercise("D01.8")


@pytest.mark.weight(2)
def test_the_volumes_are_declared_and_each_server_has_its_own():
    docker.verdict(checks.volumes_declared(docker.project()),
                   "Read the named volumes the services mount and the top-level `volumes:`",
                   "each declared at the top level, one per server", "D01.8")
