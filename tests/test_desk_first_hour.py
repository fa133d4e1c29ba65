"""What a new learner ran into in their first hour: a grading of another folder replaced
their progress, `make serve` answered a bare 500 for a file with a syntax error, a deleted
learner file read as ModuleNotFoundError, and each restart of `make serve` logged its
import chatter."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader import KIT_ROOT, stacks
from grader.desk import docsite, state
from grader.grading import runner, tree

cli_runner = CliRunner()
USERS = "backend/services/users.py"
AUTH = "backend/services/auth.py"


@pytest.fixture
def progress(tmp_path, monkeypatch):
    path = tmp_path / "state" / ".grade-state.json"
    monkeypatch.setattr(state, "STATE_PATH", path)
    monkeypatch.setattr(docsite, "SITE_FILE", tmp_path / "state" / ".grade" / "site.json")
    monkeypatch.delenv("GRADE_WORK", raising=False)  # the learner's work is the kit's starter/
    return path


def _copy_of(kit_folder: str, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(KIT_ROOT / kit_folder, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


# -- 3a. a deleted learner file -------------------------------------------------------------------

def _kit_without(tmp_path: Path, rel: str) -> Path:
    """A copy of the kit (as a git checkout would have it) whose starter lacks ``rel``."""
    kit = tmp_path / "kit"
    for part in ("grader", "starter", "shared"):
        shutil.copytree(KIT_ROOT / part, kit / part, ignore=shutil.ignore_patterns("__pycache__"))
    (kit / ".git").mkdir()
    (kit / "starter" / rel).unlink()
    return kit


@pytest.mark.parametrize("stack", [stacks.EMBEDDED, stacks.LOCAL])
def test_a_deleted_learner_file_is_named_with_how_to_restore_it(course, tmp_path, monkeypatch, stack):
    kit = _kit_without(tmp_path, USERS)
    monkeypatch.chdir(kit)  # where the learner runs make
    options = runner.RunOptions(stack=stack, test_timeout=5, total_timeout=240, include_hidden=False)
    result = runner.grade(course.find("01"), tree.resolve_impl("starter", course, kit), course, options, kit_root=kit)
    said = f"{USERS} is missing; restore it with `git checkout -- starter/{USERS}`"
    assert said in result.notices
    for exercise in ("01.7", "01.8"):  # the exercises of users.py
        found = next(e for e in result.exercises if e.id == exercise)
        assert said in found.first_problem, (stack, found.first_problem)
    messages = [t.message for e in result.exercises for t in e.tests]
    assert not any("ModuleNotFoundError" in m for m in messages), messages


def test_the_restore_command_follows_where_the_file_was_taken_from(course, tmp_path, monkeypatch):
    starter = KIT_ROOT / "starter"
    plain = tmp_path / "plain"
    (plain / "backend" / "services").mkdir(parents=True)
    assert tree.restore_hint(plain, USERS, starter) == (
        f"start again from the starter's stub: `cp {starter / USERS} {plain / USERS}`")
    fork = tmp_path / "fork"
    (fork / ".git").mkdir(parents=True)
    (fork / "starter").mkdir()
    assert tree.restore_hint(fork / "starter", USERS, starter) == (
        f"restore it with `git -C {fork} checkout -- starter/{USERS}`")
    monkeypatch.chdir(fork)
    assert tree.restore_hint(fork / "starter", USERS, starter) == f"restore it with `git checkout -- starter/{USERS}`"
    # A folder given with --impl that lacks a file is still refused as a whole (likely the
    # wrong folder), but says how to get the file back.
    shutil.copy(KIT_ROOT / "starter" / AUTH, (plain / AUTH))
    with pytest.raises(tree.TreeError, match=f"{USERS} is missing; start again from the starter's stub"):
        tree.build(tree.resolve_impl(str(plain), course), course.find("01"), course)


