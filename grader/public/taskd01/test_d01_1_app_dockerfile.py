"""D01.1 The app's Dockerfile, read as data (never built here)."""

import pytest

from grader.testkit import docker
from grader.testkit.docker import checks

pytestmark = pytest.mark.exercise("D01.1")


@pytest.mark.weight(2)
def test_base_image_is_pinned():
    docker.verdict(checks.base_image_pinned(docker.project(), checks.APP),
                   "Read the FROM of Dockerfile", "a base image pinned to a version (a tag that is not `latest`)", "D01.1")


@pytest.mark.weight(3)
def test_requirements_are_installed_before_the_code_is_copied():
    docker.verdict(checks.requirements_before_code(docker.project(), checks.APP),
                   "Read the COPY and RUN steps of Dockerfile",
                   "the requirements file copied alone and installed, then the code (backend/) copied", "D01.1")


@pytest.mark.weight(5)
@pytest.mark.must("the containers do not run as root")
def test_the_app_does_not_run_as_root():
    docker.verdict(checks.non_root(docker.project(), checks.APP),
                   "Read the USER of Dockerfile", "a USER that is not root, created by a RUN before it", "D01.1")
