"""Task independence: grading task N runs only the learner's code for task N. A learner
whose Task 01 files are still the stubs earns full marks on every later task, on the
embedded and the local stack: everything those tests need from Task 01 (accounts, roles,
tokens) is put in place by the testkit and checked by the kit's own guard. Every other
learner file stays the starter's stub too, so a MySQL task's full marks also show that the
learner's Task 09 consumer and M00 connection are not needed (the kit's stand-ins run)."""

import shutil

import pytest

from grader import KIT_ROOT
from grader.grading import manifest, runner, tree

COURSE = manifest.load()
LATER = [t.id for t in COURSE.tasks if t.kind == "code" and t.id != "01"]


def _learner(tmp_path, task):
    """A learner folder: this task's solution files, and Task 01's files as the stubs."""
    folder = tmp_path / "learner"
    for rel in task.files:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(KIT_ROOT / COURSE.solutions / rel, folder / rel)
    for rel in COURSE.find("01").files:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(KIT_ROOT / COURSE.starter / rel, folder / rel)
    return folder


def test_there_are_later_tasks_to_check():
    assert LATER, "no code task after Task 01: this module checks nothing"


def _pipeline(task_id: str) -> bool:
    return bool({"kafka", "mysql"} & set(COURSE.find(task_id).backends))


# The event pipeline's tasks run the learner's analytics service as its own process on both
# stacks alike (the sandbox aside), so embedded alone answers the question for them.
CASES = [(task_id, stack) for task_id in LATER for stack in ("embedded", "local")
         if stack == "embedded" or not _pipeline(task_id)]


@pytest.mark.parametrize("task_id, stack", CASES)
def test_task_01_stubs_cost_nothing_in_a_later_task(tmp_path, task_id, stack):
    task = COURSE.find(task_id)
    impl = tree.resolve_impl(str(_learner(tmp_path, task)), COURSE)
    result = runner.grade(task, impl, COURSE, runner.RunOptions(stack=stack))
    lost = {e.id: e.problem or e.missed(stack)[0].message for e in result.exercises if e.problem or e.missed(stack)}
    assert not lost and abs(result.total + result.needs_server - result.possible) < 0.05, lost
