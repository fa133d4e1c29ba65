"""What a learner sees between gradings: the compact scorecard (and its pointer to a hint
when an exercise keeps failing, and to the docs site when it is served), `make hint`, the
progress file the docs site reads, and the running app's 501 for a stub and start page."""

import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest
from typer.testing import CliRunner

from grader import KIT_ROOT, cli, render
from grader.desk import docsite, hints, state
from grader.grading import manifest
from grader.stacks.process import free_port

runner = CliRunner()


@pytest.fixture
def progress(tmp_path, monkeypatch):
    path = tmp_path / ".grade-state.json"
    monkeypatch.setattr(state, "STATE_PATH", path)
    monkeypatch.setattr(docsite, "SITE_FILE", tmp_path / ".grade" / "site.json")
    return path


def _learner(tmp_path):
    mine = tmp_path / "mine"
    shutil.copytree(KIT_ROOT / "starter", mine, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(KIT_ROOT / "solutions" / "backend/services/users.py", mine / "backend/services/users.py")
    return mine


def test_the_compact_scorecard_offers_a_hint_after_three_failing_gradings(tmp_path, progress, monkeypatch):
    mine = _learner(tmp_path)
    monkeypatch.setenv(state.WORK_ENV, str(mine))  # the learner's work lives there: it is their progress
    auth = mine / "backend/services/auth.py"  # 01.1 started: its method no longer a stub, not right yet
    auth.write_text(auth.read_text().replace('raise NotImplementedError("AuthService.register")',
                                             'raise ValueError("a first try")'))
    outputs = [runner.invoke(cli.app, ["task", "01.7", "--impl", str(mine)]) for _ in range(1)]
    assert "Total: 5 / 5" in outputs[0].output and not progress.exists()  # one exercise is not progress
    outputs = [runner.invoke(cli.app, ["task", "01", "--impl", str(mine)], env={"COLUMNS": "160"}) for _ in range(3)]
    for out in outputs:
        assert out.exit_code == 0, out.output
        lines = [line for line in out.output.splitlines() if line.startswith(("✓", "✗", "~"))]
        assert len(lines) == 8, out.output  # one line per exercise
        assert "read tasks/01-user.md#011-register-consumers-and-leaders" in out.output
    assert "make hint EX=01.1" not in outputs[1].output
    assert "stuck? `make hint EX=01.1`" in outputs[2].output  # the third failing grading in a row
    saved = json.loads(progress.read_text())["01"]
    assert saved["not_passed_in_a_row"]["01.1"] == 3 and saved["not_passed_in_a_row"]["01.7"] == 0
    site = json.loads(state.progress_path(progress).read_text())  # what the docs site reads
    assert site["tasks"]["01"]["exercises"]["01.7"] == {
        "title": "Read users", "anchor": "017-read-users", "status": "pass", "score": 5.0, "possible": 5}
    assert site["tasks"]["02"]["graded"] is False
    assert site["tasks"]["02"]["exercises"]["02.1"]["status"] == state.NOT_GRADED
    verbose = runner.invoke(cli.app, ["task", "01", "--impl", str(mine), "--verbose"], env={"COLUMNS": "160"})
    assert "Outcome" in verbose.output and "your code raised ValueError: a first try" in verbose.output  # every test


def test_grade_hint_climbs_the_ladder(progress):
    course = manifest.load()
    ladder = hints.for_exercise(course, "01.4")
    assert len(ladder) >= 2
    shown = [runner.invoke(cli.app, ["hint", "01.4"], env={"COLUMNS": "200"}) for _ in range(len(ladder) + 1)]
    for n, out in enumerate(shown[:len(ladder)], start=1):
        assert out.exit_code == 0 and f"Hint {n} of {len(ladder)} for 01.4 Log in" in out.output, out.output
        assert "read tasks/01-user.md#014-log-in" in out.output
    assert f"Hint {len(ladder)} of {len(ladder)}" in shown[-1].output and "last hint" in shown[-1].output
    every = runner.invoke(cli.app, ["hint", "01.4", "--all"], env={"COLUMNS": "200"})
    assert all(f"Hint {n} of {len(ladder)}" in every.output for n in range(1, len(ladder) + 1))
    for bad, says in ((["hint", "01"], "is a task"), (["hint", "42.9"], "There is no task")):
        out = runner.invoke(cli.app, bad)
        assert out.exit_code == 2 and says in out.output


def test_the_scorecard_links_to_the_docs_site_while_it_is_served(tmp_path, progress):
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        docsite.SITE_FILE.parent.mkdir(parents=True)
        docsite.SITE_FILE.write_text(json.dumps({"url": f"http://127.0.0.1:{port}/"}))
        out = runner.invoke(cli.app, ["task", "01"], env={"COLUMNS": "200"})
        assert f"read http://127.0.0.1:{port}/tasks/01-user/#011-register-consumers-and-leaders" in out.output
    finally:
        server.shutdown()
        server.server_close()
    out = runner.invoke(cli.app, ["task", "01"], env={"COLUMNS": "200"})  # a file left by a stopped site
    assert "read tasks/01-user.md#011-register-consumers-and-leaders" in out.output


def test_a_response_body_in_a_message_is_reduced_to_what_explains():
    body = {"error": {"code": "authentication_failed", "message": "Wrong email or password.",
                      "details": {"x": "y" * 500}}}
    reduced = render.reduce_message(f"POST /login with a wrong password: expected HTTP 401, got HTTP 200 {json.dumps(body)}")
    assert reduced == ("POST /login with a wrong password: expected HTTP 401, got HTTP 200 error "
                       "'authentication_failed': Wrong email or password.")
    long = render.reduce_message("GET /users/1: expected HTTP 404, got HTTP 200 " + json.dumps({"a": "b" * 400}))
    assert long.endswith("...") and len(long) < 200
    assert render.reduce_message("no body here") == "no body here"


def test_the_running_app_answers_501_for_a_stub_and_has_a_start_page():
    port = free_port()
    env = {**os.environ, "MONGODB_URL": "mongomock://"}
    # From the kit's folder: `-m grader` is then this kit's code, not the one installed.
    proc = subprocess.Popen([sys.executable, "-m", "grader", "serve", "--port", str(port)], cwd=KIT_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "the app did not start"
            time.sleep(0.2)
        response = httpx.post(url + "/login", json={"email": "ada@example.com", "password": "Lovelace1815"})
        assert response.status_code == 501
        error = response.json()["error"]
        assert error["code"] == "not_implemented"
        assert error["message"] == ("Exercise 01.4 (Log in) is not done yet: AuthService.login still raises "
                                    "NotImplementedError. Read tasks/01-user.md#014-log-in.")
        assert error["details"]["where"].startswith("backend/services/auth.py:")
        page = httpx.get(url + "/", headers={"accept": "text/html"})
        assert page.status_code == 200 and 'href="/docs"' in page.text and 'href="http://127.0.0.1:8000/"' in page.text
        assert httpx.get(url + "/").json()["status"] == "ok"  # an API client still gets the status
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        assert proc.wait(timeout=90) == 0


def test_serve_reload_restarts_the_app_with_a_saved_file(tmp_path):
    mine = _learner(tmp_path)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MONGODB_URL": "mongomock://"}
    proc = subprocess.Popen([sys.executable, "-m", "grader", "serve", "--impl", str(mine), "--port", str(port),
                             "--reload"], cwd=KIT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)

    def login_status(wanted: int) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.post(url + "/login", json={"email": "ada@example.com", "password": "x"},
                              timeout=2).status_code == wanted:
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, f"no {wanted} from POST /login"
            time.sleep(0.3)

    try:
        login_status(501)  # the stub
        shutil.copy(KIT_ROOT / "solutions" / "backend/services/auth.py", mine / "backend/services/auth.py")
        login_status(401)  # the saved version: an unknown email is refused
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        assert proc.wait(timeout=90) == 0
