"""D01.3, hidden: the MongoDB image is pinned."""

import pytest

from grader.testkit import docker
from grader.testkit.docker import checks

pytestmark = pytest.mark.exercise("D01.3")


@pytest.mark.weight(2)
def test_the_mongodb_image_is_pinned():
    docker.verdict(checks.image_pinned(docker.project(), checks.MONGO, ("mongo",)),
                   "Read the MongoDB service's image", "mongo pinned to a version (a tag that is not `latest`)", "D01.3")
