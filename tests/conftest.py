"""Shared helpers for the grader's own tests."""

import shutil
from pathlib import Path

import pytest

from grader import KIT_ROOT
from grader.grading import manifest, runner, tree

TREES = Path(__file__).parent / "fixtures" / "learner_trees"


@pytest.fixture(autouse=True, scope="session")
def _private_progress(tmp_path_factory):
    """Gradings the tests run (in this process or in a `grade` process they start) keep
    their progress in a temporary folder, never in the kit's .grade-state.json."""
    import os

    from grader.desk import state

    kit_file = KIT_ROOT / ".grade-state.json"

    def mark():
        return kit_file.stat().st_mtime_ns if kit_file.exists() else None

    before = mark()
    path = tmp_path_factory.mktemp("progress") / ".grade-state.json"
    os.environ["GRADE_STATE"] = str(path)
    state.STATE_PATH = path
    yield path
    # A grading started with an environment of its own (not inheriting GRADE_STATE) would
    # have written the kit's own progress file: say so, as an error of the last test.
    assert mark() == before, f"a test wrote {kit_file}: pass GRADE_STATE on to the gradings it starts"


@pytest.fixture(scope="session")
def course():
    return manifest.load()


@pytest.fixture
def learner_tree(tmp_path, course):
    """Build a learner directory: the solutions' files, with a fixture tree's files laid over."""

    def build(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(KIT_ROOT / course.solutions, target)
        shutil.copytree(TREES / name, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md"))
        return target

    return build


@pytest.fixture
def grade_tree(course, learner_tree):
    """Grade Task 01 (public tests, 1 s per test) against a fixture tree."""

    def grade(name: str, test_timeout: float = 1.0):
        impl = tree.resolve_impl(str(learner_tree(name)), course)
        options = runner.RunOptions(test_timeout=test_timeout, total_timeout=120, include_hidden=False)
        return runner.grade(course.find("01"), impl, course, options)

    return grade


def pytest_terminal_summary(terminalreporter):
    """After the summary: each failed test with the command that runs it alone."""
    failed = terminalreporter.stats.get("failed", []) + terminalreporter.stats.get("error", [])
    if not failed:
        return
    terminalreporter.section("run a failed test again alone")
    for report in dict.fromkeys(r.nodeid for r in failed):
        terminalreporter.line(f".venv/bin/python -m pytest '{report}'")
