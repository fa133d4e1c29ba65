"""What a new learner ran into in their first hour: a grading of another folder replaced
their progress, `make serve` answered a bare 500 for a file with a syntax error, a deleted
learner file read as ModuleNotFoundError, and each restart of `make serve` logged its
import chatter."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from grader import KIT_ROOT, cli, stacks
from grader.desk import docsite, state
from grader.grading import results, runner, tree
from grader.stacks.process import free_port

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


# -- 1. only the learner's own work is their progress -------------------------------------------

def _result(course, impl_label="starter"):
    return results.empty_result(course.find("01"), impl_label, "embedded")


def test_what_counts_as_the_learners_own_work(course, tmp_path, monkeypatch):
    monkeypatch.delenv(state.WORK_ENV, raising=False)
    elsewhere = _copy_of("starter", tmp_path, "elsewhere")
    fork = tmp_path / "fork"
    shutil.copytree(KIT_ROOT / "starter", fork / "starter", ignore=shutil.ignore_patterns("__pycache__"))
    result = _result(course)
    for own in ("starter", str(KIT_ROOT / "starter"), str(KIT_ROOT)):  # the kit's starter/, however named
        assert state.not_recorded(result, tree.resolve_impl(own, course)) == "", own
    solutions = state.not_recorded(result, tree.resolve_impl("solutions", course))
    assert solutions.startswith("Not recorded as your progress: these are the reference solutions")
    assert "`make grade TASK=01`" in solutions
    for other in (elsewhere, fork, KIT_ROOT / "tests" / "fixtures"):
        why = state.not_recorded(result, tree.Impl(str(other), other))
        assert why.startswith(f"Not recorded as your progress: {other} is not your working folder, starter/"), why
        assert "\n" not in why
    assert "only 01.4 was graded" in state.not_recorded(result, tree.resolve_impl("starter", course), ("01.4",))
    assert state.not_recorded(_result(course).not_graded("down"), tree.resolve_impl("starter", course)) == (
        "Not recorded as your progress: nothing was graded.")
    # A learner who keeps their work elsewhere names it; then that folder is theirs, and
    # the kit's stubs are not (they would lower the result).
    monkeypatch.setenv(state.WORK_ENV, str(fork))  # a whole checkout stands for its starter/
    assert state.not_recorded(result, tree.resolve_impl(str(fork), course)) == ""
    assert state.not_recorded(result, tree.resolve_impl(str(fork / "starter"), course)) == ""
    assert f"is not your working folder, {(fork / 'starter').resolve()} ({state.WORK_ENV})" in state.not_recorded(
        result, tree.resolve_impl("starter", course))
    assert state.not_recorded(result, tree.resolve_impl("solutions", course)).startswith(
        "Not recorded as your progress: these are the reference solutions")


def test_grading_solutions_or_another_folder_keeps_the_learners_progress(tmp_path, progress):
    env = {"COLUMNS": "250"}
    mine = cli_runner.invoke(cli.app, ["task", "01"], env=env)  # the learner's own starter/: recorded
    assert mine.exit_code == 0, mine.output
    assert "Not recorded" not in mine.output
    recorded = json.loads(progress.read_text())["01"]
    assert (recorded["impl"], recorded["total"]) == ("starter", 0)
    site = state.progress_path(progress)
    page = json.loads(site.read_text())["tasks"]["01"]

    other = _copy_of("solutions", tmp_path, "other")  # full marks, but not the learner's work
    for impl, why in (("solutions", "these are the reference solutions"),
                      (str(other), f"{other} is not your working folder, starter/")):
        out = cli_runner.invoke(cli.app, ["task", "01", "--impl", impl], env=env)
        assert out.exit_code == 0, out.output
        assert "Total: 100 / 100" in out.output
        assert f"Not recorded as your progress: {why}" in out.output
        saved = json.loads(progress.read_text())["01"]
        assert (saved["impl"], saved["total"], saved["graded_at"]) == ("starter", 0, recorded["graded_at"])
        assert json.loads(site.read_text())["tasks"]["01"] == page  # the docs site's progress page too
    shown = cli_runner.invoke(cli.app, ["progress"], env=env)
    row = next(line for line in shown.output.splitlines() if " 01 " in line)
    assert "0 / 100" in row and "starter" in row and "100 / 100" not in row


def test_a_learner_working_elsewhere_keeps_their_progress_from_the_kits_stubs(tmp_path, progress, monkeypatch):
    mine = _copy_of("starter", tmp_path, "mine")
    shutil.copy(KIT_ROOT / "solutions" / USERS, mine / USERS)  # 01.7 and 01.8 done
    monkeypatch.setenv(state.WORK_ENV, str(mine))
    env = {"COLUMNS": "250"}
    out = cli_runner.invoke(cli.app, ["task", "01", "--impl", str(mine)], env=env)
    assert out.exit_code == 0 and "Not recorded" not in out.output, out.output
    total = json.loads(progress.read_text())["01"]["total"]
    assert total > 0 and f"Total: {total:g} / 100" in out.output
    stubs = cli_runner.invoke(cli.app, ["task", "01"], env=env)  # the kit's starter/: 0 / 100
    assert "Total: 0 / 100" in stubs.output
    assert (f"Not recorded as your progress: starter is not your working folder, {mine.resolve()} "
            f"({state.WORK_ENV}); `make grade TASK=01 IMPL={mine}` grades your work.") in stubs.output
    assert json.loads(progress.read_text())["01"]["total"] == total


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


# -- 2 and 3b. make serve ---------------------------------------------------------------------------

class Served:
    def __init__(self, impl: Path, tmp_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / "serve.log"
        env = {**os.environ, "MONGODB_URL": "mongomock://", "COLUMNS": "1000"}  # a line is a line
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "grader", "serve", "--impl", str(impl), "--port", str(self.port), "--reload"],
                cwd=KIT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)  # this kit's code

    def lines(self) -> list[str]:
        return [line for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]

    def wait_for(self, check, what: str, seconds: float = 60):
        deadline = time.monotonic() + seconds
        while True:
            try:
                found = check()
                if found:
                    return found
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and self.proc.poll() is None, f"{what}; the log:\n" + "\n".join(
                self.lines())
            time.sleep(0.3)

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        assert self.proc.wait(timeout=90) == 0


def test_serve_answers_a_file_with_a_syntax_error_with_the_kits_error_body(tmp_path):
    mine = _copy_of("starter", tmp_path, "mine")
    shutil.copy(KIT_ROOT / "solutions" / AUTH, mine / AUTH)
    lines = (mine / USERS).read_text(encoding="utf-8").splitlines()
    (mine / USERS).write_text("\n".join([*lines, "def broken(:"]) + "\n", encoding="utf-8")
    line = len(lines) + 1
    served = Served(mine, tmp_path)
    try:
        users = served.wait_for(lambda: httpx.get(served.url + "/users", timeout=2), "GET /users got no answer")
        assert users.status_code == 500 and users.headers["content-type"] == "application/json"
        error = users.json()["error"]
        assert error["code"] == "module_unavailable"
        why = f"{USERS}, line {line}: SyntaxError: invalid syntax. Nothing in this file can run until it is fixed."
        assert error["message"] == f"This endpoint needs {USERS}, which cannot be used: {why}"
        assert error["details"] == {"exception": "ModuleUnavailable", "text": why, "file": USERS, "line": line,
                                    "where": f"{USERS}:{line}"}
        for path in ("/users/6b135ddb2c110eab91d0ba48",):  # every endpoint of that file
            assert httpx.get(served.url + path).json()["error"]["code"] == "module_unavailable"
        login = httpx.post(served.url + "/login", json={"email": "ada@example.com", "password": "Lovelace1815"})
        assert login.status_code == 401, login.text  # auth.py's endpoints work: an unknown email is refused
        served.wait_for(lambda: any(line == f"not available: {why.rstrip('.')}; its endpoints answer 500 with this"
                                    for line in served.lines()), "the log does not say what is not available")
        assert not any("the starter's version is served" in line for line in served.lines())
    finally:
        served.stop()


def test_each_restart_of_serve_is_one_line(tmp_path):
    mine = _copy_of("starter", tmp_path, "mine")
    served = Served(mine, tmp_path)
    try:
        served.wait_for(lambda: httpx.get(served.url + "/users", timeout=2).status_code == 501, "no 501 from a stub")
        started = served.lines()
        assert not any(line.startswith("kit: import") or line.startswith("INFO:") for line in started), started
        shutil.copy(KIT_ROOT / "solutions" / USERS, mine / USERS)
        served.wait_for(lambda: len(served.lines()) > len(started), "no line after a save")
        served.wait_for(lambda: httpx.get(served.url + "/users", timeout=2).status_code == 200, "no 200 after a save")
        (mine / USERS).write_text((mine / USERS).read_text() + "\nundefined_name\n")
        served.wait_for(lambda: len(served.lines()) > len(started) + 1, "no line after the second save")
        time.sleep(1)  # anything else the restarts would print
        after = served.lines()[len(started):]
        assert len(after) == 2, after
        assert after[0].endswith(f"{USERS} changed: restarted (the in-memory database starts empty); "
                                 "every file imports"), after
        last = len((mine / USERS).read_text().splitlines())
        assert after[1].endswith(f"{USERS} changed: restarted (the in-memory database starts empty); importing "
                                 f"{USERS} failed at line {last}: NameError: name 'undefined_name' is not defined; "
                                 "its endpoints answer 500 with this"), after
    finally:
        served.stop()
