"""D01.1, hidden: the image starts the right command (CMD, exec or shell form)."""

import pytest

from grader.testkit import docker
from grader.testkit.docker import checks

pytestmark = pytest.mark.exercise("D01.1")


@pytest.mark.weight(2)
def test_the_image_starts_the_right_command():
    docker.verdict(checks.start_command(docker.project(), checks.APP),
                   "Read the CMD and ENTRYPOINT of Dockerfile", "uvicorn serving backend.server:create_app --factory on --host 0.0.0.0", "D01.1")
