"""``grade watch``: a learner saves a file twice (a version that does not even import, then a
working one) and reads a scorecard after each save; Ctrl-C ends the loop cleanly."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

from grader import KIT_ROOT
from grader.desk import watch

AUTH = "backend/services/auth.py"


class Output:
    """Collects a process's output in a thread, so the test can wait for a line."""

    def __init__(self, proc: subprocess.Popen):
        self.text = ""
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, args=(proc.stdout,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in iter(stream.readline, ""):
            with self._lock:
                self.text += line

    def wait_for(self, needle: str, count: int, timeout: float = 300) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.text.count(needle) >= count:
                    return self.text
            time.sleep(0.1)
        raise AssertionError(f"no {count} x {needle!r} within {timeout} s; output so far:\n{self.text[-3000:]}")


@pytest.mark.parametrize("poll", [False, True], ids=["file-events", "polling"])
def test_two_saves_give_two_new_scorecards(tmp_path, poll):
    learner = tmp_path / "mine"
    shutil.copytree(KIT_ROOT / "starter", learner, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(KIT_ROOT / "solutions" / "backend/services/users.py", learner / "backend/services/users.py")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200", "HOME": str(tmp_path)}
    command = [sys.executable, "-m", "grader", "watch", "01", "--impl", str(learner)] + (["--poll"] if poll else [])
    proc = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    out = Output(proc)
    try:
        first = out.wait_for("Watching", 1)
        assert "Total: 19 / 100" in first  # users.py done, auth.py still the stub (01.8 uses its authenticate)

        (learner / AUTH).write_text("def register(:\n")  # save 1: does not even parse
        second = out.wait_for("Watching", 2)[len(first):]
        assert "saved auth.py: grading again" in second
        assert "Total: 19 / 100" in second and "SyntaxError" in second  # named, and the loop goes on

        shutil.copy(KIT_ROOT / "solutions" / AUTH, learner / AUTH)  # save 2: the working version
        third = out.wait_for("Watching", 3)[len(first) + len(second):]
        assert "Total: 100 / 100" in third and "8 of 8 exercises complete" in third

        proc.send_signal(signal.SIGINT)  # Ctrl-C
        assert proc.wait(timeout=120) == 0  # generous: a busy machine must not fail this
        assert "Stopped watching." in out.text
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_a_grading_that_breaks_does_not_end_the_loop(tmp_path, monkeypatch):
    monkeypatch.setattr(watch, "POLL_SECONDS", 0.05)
    monkeypatch.setattr(watch, "SETTLE_SECONDS", 0.0)
    target = tmp_path / "auth.py"
    target.write_text("v1")
    said, calls = [], []

    def grade_once():
        calls.append(1)
        if len(calls) == 1:
            target.write_text("v2, a longer version")  # a save while the first grading runs
            raise RuntimeError("the grader itself failed")
        raise KeyboardInterrupt  # then Ctrl-C, during the second grading

    watch.run(grade_once, [target], say=said.append, poll=True)
    assert len(calls) == 2
    assert any("grading failed (RuntimeError" in s for s in said) and said[-1] == "Stopped watching."


def test_one_exercise_can_be_watched(tmp_path):
    learner = tmp_path / "mine"
    shutil.copytree(KIT_ROOT / "starter", learner, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(KIT_ROOT / "solutions" / "backend/services/users.py", learner / "backend/services/users.py")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200", "HOME": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "grader", "watch", "1.7", "--impl", str(learner)], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    out = Output(proc)
    try:
        first = out.wait_for("Watching", 1)
        assert "01.7 Read users" in first and "Total: 5 / 5" in first  # its tests only
        assert "01.1 Register" not in first
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=120) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
