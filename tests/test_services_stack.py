"""The compose stack's grading path, run without Docker: the ``app`` and ``grader`` services'
commands and environments are read from docker-compose.yml and run here as they would run in
their containers, against a local real-wire MongoDB (SecantusDB) in place of the ``mongodb``
service. Only host names and ports change (``mongodb:27017``, ``app:8000``) and the two mount
points (``/learner``, ``/results``); every variable, default and command word is the file's.

What Docker itself would add (images, health checks inside containers, the network) is
validated statically in tests/test_compose.py.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

from grader import KIT_ROOT  # noqa: E402
from grader.stacks import mongo  # noqa: E402
from grader.stacks.process import free_port  # noqa: E402

COMPOSE = KIT_ROOT / "docker-compose.yml"
_VARIABLE = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}")
BASE_ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}  # what any container has


def _interpolate(value, env: dict[str, str]):
    """Compose's ${NAME:-default}, for every string in the file."""
    if isinstance(value, str):
        return _VARIABLE.sub(lambda m: env.get(m.group(1)) or (m.group(2) or ""), value).replace("$$", "$")
    if isinstance(value, list):
        return [_interpolate(v, env) for v in value]
    if isinstance(value, dict):
        return {k: _interpolate(v, env) for k, v in value.items()}
    return value


def _services(interpolation: dict[str, str] | None = None) -> dict:
    return _interpolate(yaml.safe_load(COMPOSE.read_text())["services"], interpolation or {})


def _argv(words: list[str], mounts: dict[str, str], port: int | None = None) -> list[str]:
    """A service's command as this machine runs it: ``grade`` is the kit's CLI, the mount
    points are folders here, and the app listens on a free port of 127.0.0.1."""
    argv = [sys.executable, "-m", "grader"] + words[1:] if words[0] == "grade" else list(words)
    out = []
    for word in argv:
        for point, folder in mounts.items():
            if word == point or word.startswith(point + "/"):
                word = folder + word[len(point):]
        out.append(word)
    if port is not None:
        out = ["127.0.0.1" if w == "0.0.0.0" else str(port) if w == "8000" else w for w in out]
    return out


def _env(service: dict, hosts: dict[str, str]) -> dict[str, str]:
    # GRADE_STATE: the tests' own progress file (tests/conftest.py), not the kit's.
    env = dict(BASE_ENV, HOME=os.environ.get("HOME", "/tmp"), GRADE_STATE=os.environ["GRADE_STATE"])
    for name, value in service["environment"].items():
        for compose_host, here in hosts.items():
            value = str(value).replace(compose_host, here)
        env[name] = value
    return env


@pytest.fixture(scope="module")
def mongodb():
    backend = mongo.start_local()
    backend.wait()
    if backend.problem:
        pytest.fail(f"the local MongoDB did not start: {backend.problem}")
    yield backend.env["MONGODB_URL"].removeprefix("mongodb://")
    backend.stop()


_BROKER: list = []


def _broker() -> str:
    """One local Kafka broker for this module's compose apps (stopped at exit)."""
    if not _BROKER:
        import atexit

        from grader.stacks import kafka

        backend = kafka.start_local()
        if backend.problem:
            pytest.fail(f"the local Kafka broker did not start: {backend.problem}")
        atexit.register(backend.stop)
        _BROKER.append(backend.env["KAFKA_BOOTSTRAP_SERVERS"])
    return _BROKER[0]


class App:
    """The compose app service, run here."""

    def __init__(self, learner: Path, mongodb: str, tmp: Path, hosts: dict[str, str] | None = None):
        self.port = free_port()
        service = _services({"LEARNER_DIR": str(learner)})["app"]
        assert service["volumes"][0]["target"] == "/learner" and service["volumes"][0]["read_only"]
        # Its events go to Kafka too (the learner's Task 09 publisher): a broker must answer.
        self.env = _env(service, hosts or {"mongodb:27017": mongodb, "kafka:9092": _broker()})
        self.log = open(tmp / f"app-{self.port}.log", "w+")
        self.proc = subprocess.Popen(_argv(service["command"], {"/learner": str(learner)}, self.port), cwd=KIT_ROOT,
                                     env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        # The service's own health check, pointed at this port, decides when it is up.
        check = _argv(service["healthcheck"]["test"][1:], {}, None)
        check = [w.replace("127.0.0.1:8000", f"127.0.0.1:{self.port}") for w in check]
        check[0] = sys.executable if check[0] == "python" else check[0]
        deadline = time.monotonic() + 60
        while subprocess.run(check, capture_output=True).returncode != 0:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                pytest.fail(f"the app service did not become healthy: {self.log.read()[-2000:]}")
            time.sleep(0.3)

    def stop(self) -> int:
        self.proc.terminate()
        code = self.proc.wait(timeout=90)
        self.log.close()
        return code


def _grade(app_port: int | None, learner: Path, mongodb: str, tmp: Path, task: str = "01",
           exit_code: int = 0) -> tuple[dict, str]:
    """The compose grader service, run here: its command and environment from the file."""
    results = tmp / "results"
    results.mkdir(exist_ok=True)
    service = _services({"TASK": task, "LEARNER_DIR": str(learner)})["grader"]
    hosts = {"mongodb:27017": mongodb, "http://app:8000": f"http://127.0.0.1:{app_port or free_port()}"}
    argv = _argv(service["command"], {"/learner": str(learner), "/results": str(results)})
    done = subprocess.run(argv, cwd=KIT_ROOT, env=_env(service, hosts), capture_output=True, text=True, timeout=300)
    assert done.returncode == exit_code, done.stdout[-2000:] + done.stderr[-2000:]
    return json.loads((results / "results.json").read_text()), done.stdout


def _learner(tmp: Path, name: str, solved: bool) -> Path:
    folder = tmp / name
    shutil.copytree(KIT_ROOT / "starter", folder, ignore=shutil.ignore_patterns("__pycache__"))
    if solved:
        shutil.copytree(KIT_ROOT / "solutions", folder, dirs_exist_ok=True)
    return folder


def test_the_compose_grader_grades_the_compose_app(mongodb, tmp_path):
    learner = _learner(tmp_path, "learner", solved=True)
    app = App(learner, mongodb, tmp_path)
    try:
        results, out = _grade(app.port, learner, mongodb, tmp_path)
    finally:
        code = app.stop()
    assert results["stack"] == "services" and results["total"] == results["possible"] == 100, out
    assert results["trust"].startswith("separate service") and f"127.0.0.1:{app.port}" in results["trust"]
    assert any(t["hidden"] for e in results["exercises"] for t in e["tests"])  # the grader image has them
    taken = {f["path"] for f in results["learner_files"]}
    assert taken == {"backend/services/auth.py", "backend/services/users.py"}
    assert code == 0  # `docker compose down` stops the app cleanly


def test_the_starter_served_by_the_compose_app_scores_zero_with_reasons(mongodb, tmp_path):
    learner = _learner(tmp_path, "stubs", solved=False)
    app = App(learner, mongodb, tmp_path)
    try:
        results, _out = _grade(app.port, learner, mongodb, tmp_path)
    finally:
        app.stop()
    assert results["total"] == 0 and results["graded"]
    for exercise in results["exercises"]:
        assert "not implemented yet" in exercise["message"], exercise


def test_a_learner_module_that_does_not_import_costs_only_its_exercises(mongodb, tmp_path):
    learner = _learner(tmp_path, "half-broken", solved=True)
    (learner / "backend" / "services" / "auth.py").write_text("import nothing_of_the_kind\n")
    app = App(learner, mongodb, tmp_path)
    try:
        results, _out = _grade(app.port, learner, mongodb, tmp_path)
    finally:
        app.stop()
    scores = {e["id"]: e["score"] for e in results["exercises"]}
    assert scores["01.1"] == scores["01.4"] == 0 and scores["01.7"] == 5
    assert "auth" in next(e for e in results["exercises"] if e["id"] == "01.1")["message"]


def test_an_app_that_is_down_is_a_stack_problem_not_a_fail(mongodb, tmp_path):
    learner = _learner(tmp_path, "nobody-home", solved=True)
    results, out = _grade(None, learner, mongodb, tmp_path, exit_code=3)  # 3: nothing was graded
    assert not results["graded"] and results["total"] == 0
    assert any("did not answer GET /health" in n for n in results["notices"]), results["notices"]
    assert all(e["status"] == "error" for e in results["exercises"])


def test_an_app_that_stops_answering_is_waited_for_once(monkeypatch):
    """A learner's request that never ends holds the app service; the grader cannot restart it,
    so it waits for it once and then reports the rest at once (not one wait per test)."""
    import socket

    from grader.testkit import remote

    monkeypatch.setattr(remote, "EXTERNAL_WAIT", 0.6)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # accepts connections, never answers
    env = {"APP_URL": f"http://127.0.0.1:{listener.getsockname()[1]}", "DATABASE_NAME": "d", "JWT_SECRET": "s" * 48}
    try:
        app = remote.ExternalApp(1.0, env)
        started = time.monotonic()
        with pytest.raises(remote.AppUnavailable, match="did not answer GET /health within 0.6 s"):
            app.ensure_running()
        first = time.monotonic() - started
        started = time.monotonic()
        with pytest.raises(remote.AppUnavailable):
            app.ensure_running()
        assert first >= 0.6 and time.monotonic() - started < 0.5  # no second wait of 0.6 s
    finally:
        listener.close()


# --- the event pipeline on the compose stack's commands ------------------------------------------

@pytest.fixture(scope="module")
def pipeline_servers():
    from concurrent.futures import ThreadPoolExecutor

    from grader.stacks import kafka, mysql

    with ThreadPoolExecutor(max_workers=2) as pool:
        backends = list(pool.map(lambda start: start(), (kafka.start_local, mysql.start_local)))
    try:
        for backend in backends:
            backend.wait()
            if backend.problem:
                pytest.fail(f"the local {backend.name} did not start: {backend.problem}")
        yield {**backends[0].env, **backends[1].env}
    finally:
        for backend in backends:
            backend.stop()


def _mysql_rows(servers: dict, sql: str, params=()) -> list[dict]:
    import pymysql

    conn = pymysql.connect(host=servers["MYSQL_HOST"], port=int(servers["MYSQL_PORT"]), user=servers["MYSQL_USER"],
                           password=servers["MYSQL_PASSWORD"], database=servers["MYSQL_DATABASE"], autocommit=True,
                           cursorclass=pymysql.cursors.DictCursor)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return list(cur.fetchall())
    finally:
        conn.close()


def test_the_compose_pipeline_carries_a_registration_from_the_app_to_mysql(mongodb, pipeline_servers, tmp_path):
    """The compose app (events to MongoDB and Kafka) and the compose analytics service, both on
    the learner's files (here the solutions): a user registered over HTTP becomes a row of the
    replica's users table, through the learner's publisher, consumer, pool and handlers."""
    import httpx

    learner = _learner(tmp_path, "pipeline", solved=True)
    bootstrap = pipeline_servers["KAFKA_BOOTSTRAP_SERVERS"]
    hosts = {"mongodb:27017": mongodb, "kafka:9092": bootstrap}
    app = App(learner, mongodb, tmp_path, hosts=hosts)
    service = _services({"LEARNER_DIR": str(learner)})["analytics"]
    assert [m["target"] for m in service["volumes"]] == ["/learner"]
    env = _env(service, hosts)
    env.update({k: v for k, v in pipeline_servers.items() if k.startswith("MYSQL_")}, ANALYTICS_HOST="127.0.0.1",
               ANALYTICS_PORT=str(free_port()), TMPDIR=str(tmp_path))
    log = open(tmp_path / "analytics.log", "w+")
    analytics = subprocess.Popen(_argv(service["command"], {"/learner": str(learner)}), cwd=KIT_ROOT, env=env,
                                 stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        email = f"pipeline-{os.getpid()}@example.com"
        response = httpx.post(f"http://127.0.0.1:{app.port}/register", timeout=20,
                              json={"email": email, "password": "Str0ng-enough-pass", "display_name": "Pipe"})
        assert response.status_code == 201, response.text
        deadline, rows = time.monotonic() + 60, []
        while time.monotonic() < deadline and not rows:
            assert analytics.poll() is None, (log.seek(0), log.read()[-2000:])[1]
            try:
                rows = _mysql_rows(pipeline_servers, "SELECT * FROM users WHERE email = %s", (email,))
            except Exception:  # noqa: BLE001 (the table appears when the service has started)
                rows = []
            time.sleep(0.3)
        log.seek(0)
        assert rows and rows[0]["user_id"] == response.json()["id"], log.read()[-2000:]
    finally:
        analytics.terminate()
        code = analytics.wait(timeout=60)
        app.stop()
        log.close()
    assert code == 0  # SIGTERM: the consumer finishes, commits and closes


def test_the_compose_grader_grades_a_mysql_task_against_the_servers(mongodb, pipeline_servers, tmp_path):
    """TASK=M01 with the compose grader's command and environment (servers here): the tests run
    the learner's analytics service themselves; the app service is not needed."""
    learner = _learner(tmp_path, "m01", solved=True)
    results = tmp_path / "results"
    results.mkdir()
    service = _services({"TASK": "M01", "LEARNER_DIR": str(learner)})["grader"]
    env = _env(service, {"mongodb:27017": mongodb, "kafka:9092": pipeline_servers["KAFKA_BOOTSTRAP_SERVERS"],
                         "http://app:8000": f"http://127.0.0.1:{free_port()}"})
    # The compose grader logs in as root; the local server's own account may do the same.
    env.update({k: v for k, v in pipeline_servers.items() if k.startswith("MYSQL_")})
    argv = _argv(service["command"], {"/learner": str(learner), "/results": str(results)})
    done = subprocess.run(argv, cwd=KIT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    data = json.loads((results / "results.json").read_text())
    assert data["stack"] == "services" and data["total"] == data["possible"] == 100, done.stdout[-2000:]
    assert "analytics service" in data["trust"]
