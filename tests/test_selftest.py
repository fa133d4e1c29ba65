"""The kit's own check (`make verify`, `make selftest TASK=03`): one task at a time, each check
printed as it finishes, and what failed listed again at the end with the command to rerun it."""

import subprocess
import sys

from rich.console import Console

from grader import KIT_ROOT
from grader.checks import selftest
from grader.grading.results import NEEDS_SERVICES, PASSED, ExerciseResult, TaskResult
from grader.grading.results import TestResult as Verdict  # pytest would collect a class named Test*


def _console() -> Console:
    return Console(record=True, width=200, force_terminal=False)


def test_one_task_checks_that_task_only(course):
    console = _console()
    assert selftest.run(course, console, ["00"])
    out = console.export_text()
    assert "task 00 on embedded: the starter earns full marks" in out and "task 00 on local" in out
    assert "task 01" not in out and "6 of 6 checks passed (1 task" in out


def test_a_failed_check_is_listed_again_with_the_command_to_rerun_its_task(course, monkeypatch):
    def failing(task, course, stack="embedded", graded=None):
        yield selftest.Check(f"task {task.id} on {stack}: something", ["it went wrong"])

    monkeypatch.setattr(selftest, "check_task", failing)
    console = _console()
    assert not selftest.run(course, console, ["00"])
    out = console.export_text()
    assert "FAILED task 00 on embedded: something" in out and "    it went wrong" in out
    tail = out[out.index("Failed:"):]
    assert "task 00 on local: something   (again: make selftest TASK=00)" in tail
    assert "0 of 3 checks passed" not in out and "1 of 3 checks passed" in out  # the consistency check passed


def test_an_unknown_task_is_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "grader", "selftest", "99"], cwd=KIT_ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and "There is no task '99'" in done.stderr and "Traceback" not in done.stderr


def test_a_failed_kit_test_is_named_with_the_command_to_run_it_alone(tmp_path):
    (tmp_path / "conftest.py").write_text("from tests.conftest import pytest_terminal_summary  # noqa: F401\n")
    (tmp_path / "test_x.py").write_text("def test_fails():\n    assert 1 == 2\n\ndef test_passes():\n    pass\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          cwd=KIT_ROOT, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(KIT_ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 1
    tail = done.stdout[done.stdout.index("run a failed test again alone"):]
    assert f"-m pytest '{tmp_path.name}/test_x.py::test_fails'" in tail or "test_x.py::test_fails'" in tail
    assert "test_passes" not in tail


def _solved(course, server_test: Verdict) -> TaskResult:
    task = course.find("00")
    exercises = [ExerciseResult(e.id, e.title, e.points, "doc", [Verdict(f"t{e.id}", PASSED)])
                 for e in task.exercises]
    exercises[0].tests.append(server_test)
    return TaskResult(task.id, task.title, "starter", "embedded", exercises)


def _full_marks(course, monkeypatch, server_test: Verdict, stack: str) -> list[str]:
    monkeypatch.setattr(selftest, "_grade", lambda *args: _solved(course, server_test))
    checks = selftest.check_task(course.find("00"), course, stack)
    return next(checks).problems


def test_a_test_meant_for_a_real_server_is_graded_on_local_not_missed_on_embedded(course, monkeypatch):
    waiting = Verdict("t-cost", NEEDS_SERVICES, "needs a real database (cost)", server=True)
    assert _full_marks(course, monkeypatch, waiting, "embedded") == []
    # the same on local is a missed point, and so is an unmarked test the embedded database could not run
    assert _full_marks(course, monkeypatch, waiting, "local")
    unmarked = Verdict("t-lookup", NEEDS_SERVICES, "the embedded database cannot run this query")
    assert "the embedded database cannot run" in _full_marks(course, monkeypatch, unmarked, "embedded")[0]
