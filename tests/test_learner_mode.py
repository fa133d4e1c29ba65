"""The learner's own mode (embedded) never breaks either: whatever the learner's code does,
grading ends in a full scorecard, costs only the tests it touches, and keeps the learner's
progress and output paths safe."""

import json
import os

import shutil
import signal
import subprocess
import sys
import time

from grader import KIT_ROOT
from grader.grading import reap, runner, tree
from grader.grading.results import PASS

from test_cli import invoke, state_file  # noqa: F401  (the CLI helpers and state isolation)

LOGIN = "    async def login(self, email: str, password: str) -> str:\n"


def solution_with(tmp_path, name: str, edit) -> str:
    """A copy of the solutions with one edit applied to auth.py or users.py."""
    target = tmp_path / name
    shutil.copytree(KIT_ROOT / "solutions", target)
    edit(target / "backend" / "services")
    return str(target)


def patch_login(first_line: str):
    def edit(services):
        path = services / "auth.py"
        text = path.read_text()
        assert LOGIN in text
        path.write_text(text.replace(LOGIN, LOGIN + "        " + first_line + "\n"))
    return edit


def grade(course, impl: str, **options):
    options = {"test_timeout": 2.0, "total_timeout": 240, **options}
    return runner.grade(course.find("01"), tree.resolve_impl(impl, course), course, runner.RunOptions(**options))


def test_a_crash_costs_only_the_tests_that_crash(tmp_path, course):
    raising = grade(course, solution_with(tmp_path, "raises", patch_login('raise RuntimeError("boom")')))
    crashing = grade(course, solution_with(tmp_path, "segfault", patch_login("import ctypes; ctypes.string_at(0)")))
    assert 0 < raising.total < 100
    assert crashing.total == raising.total, (crashing.total, raising.total)
    outcomes = [t.outcome for e in crashing.exercises for t in e.tests]
    assert "not_run" not in outcomes


def test_closing_stdout_at_import_is_not_a_failure(tmp_path, course):
    def close_streams(services):
        path = services / "users.py"
        path.write_text("import os, sys\nsys.stdout.close()\nos.close(1)\n" + path.read_text())

    result = grade(course, solution_with(tmp_path, "closed", close_streams))
    assert result.total == 100, [(e.id, e.first_problem) for e in result.exercises if e.status != PASS]


def test_a_huge_exception_message_stays_small(tmp_path, course):
    def huge(services):
        path = services / "users.py"
        text = path.read_text().replace("    async def get_user(self, user_id: str) -> User:\n",
                                        "    async def get_user(self, user_id: str) -> User:\n"
                                        "        raise ValueError('x' * 10_000_000)\n")
        path.write_text(text)

    result = grade(course, solution_with(tmp_path, "huge", huge), include_hidden=False)
    size = len(json.dumps(result.to_dict()))
    assert size < 200_000, size
    assert any("ValueError" in t.message for e in result.exercises for t in e.tests)


def test_learner_code_cannot_switch_the_stack(tmp_path, course):
    def switch(services):
        path = services / "auth.py"
        path.write_text("import os\nos.environ['GRADER_STACK'] = 'services'\n"
                        "os.environ['MONGODB_URL'] = 'mongodb://127.0.0.1:9'\n" + path.read_text())

    started = time.monotonic()
    result = grade(course, solution_with(tmp_path, "switch", switch), include_hidden=False)
    assert result.total == 100 and time.monotonic() - started < 120


def test_a_deleted_tree_still_ends_in_a_scorecard(tmp_path, course):
    def delete(services):
        path = services / "users.py"
        path.write_text(path.read_text().replace(
            "    async def get_user(self, user_id: str) -> User:\n",
            "    async def get_user(self, user_id: str) -> User:\n"
            "        import os, shutil; shutil.rmtree(os.getcwd(), ignore_errors=True)\n"))

    result = grade(course, solution_with(tmp_path, "delete", delete), include_hidden=False)
    assert all(e.tests for e in result.exercises)
    assert result.exercises[0].status == PASS  # registration does not touch get_user


def test_an_unwritable_json_path_is_refused_before_grading_and_keeps_progress(tmp_path, state_file):  # noqa: F811
    state_file.write_text(json.dumps({"01": {"impl": "starter", "stack": "embedded", "total": 42, "possible": 100,
                                             "exercises": {}}}))
    result = invoke("01", "--json", str(tmp_path / "missing" / "out.json"))
    assert result.exit_code == 2 and "does not exist" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert json.loads(state_file.read_text())["01"]["total"] == 42


def test_solutions_and_failed_runs_do_not_overwrite_progress(state_file, monkeypatch):  # noqa: F811
    state_file.write_text(json.dumps({"01": {"impl": "starter", "stack": "embedded", "total": 42, "possible": 100,
                                             "exercises": {}}}))
    assert invoke("01", "--impl", "solutions").exit_code == 0
    monkeypatch.setenv("MONGODB_URL", "mongodb://127.0.0.1:9")
    assert invoke("01", "--stack", "services").exit_code == 3  # nothing was graded: MongoDB is not there
    assert json.loads(state_file.read_text())["01"]["total"] == 42


def test_markup_in_an_impl_path_is_printed_as_is(tmp_path):
    odd = tmp_path / "[/]weird[bold]"
    shutil.copytree(KIT_ROOT / "starter", odd)
    result = invoke("01", "--impl", str(odd))
    assert result.exit_code == 0, result.output
    assert "[/]weird[bold]" in result.output.replace("\n", "")


def test_the_scorecard_says_self_check_on_the_embedded_stack(course):
    result = grade(course, "starter", include_hidden=False)
    assert result.trust.startswith("self-check") and result.to_dict()["trust"].startswith("self-check")


def test_ctrl_c_stops_every_test_process(tmp_path):
    hung = tmp_path / "hung"
    shutil.copytree(KIT_ROOT / "solutions", hung)
    users = hung / "backend" / "services" / "users.py"
    users.write_text(users.read_text().replace(
        "    async def get_user(self, user_id: str) -> User:\n",
        "    async def get_user(self, user_id: str) -> User:\n        while True: pass\n"))
    proc = subprocess.Popen([sys.executable, "-m", "grader", "01", "--impl", str(hung), "--test-timeout", "30"],
                            cwd=KIT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    # Wait for the test processes (however busy the machine), then a moment into the hung test.
    deadline = time.monotonic() + 120
    while len(reap.descendants(proc.pid)) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    time.sleep(3)
    before = reap.descendants(proc.pid)
    assert before, "the grader should be running test processes"
    os.kill(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=180)
    assert proc.returncode == 130, stderr
    assert b"Traceback" not in stderr and b"interrupted" in stderr
    deadline = time.monotonic() + 30  # killed processes may take a moment to go on a busy machine
    while True:
        alive = [pid for pid in before if os.path.exists(f"/proc/{pid}") and not _zombie(pid)]
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert not alive, f"left running: {alive}"


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
