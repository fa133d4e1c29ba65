"""The event pipeline's plumbing: a task that needs a server the machine lacks says so and is
not scored, the compose stack's analytics service runs the learner's files (``grade
analytics``), and the app can send every event to several sinks at once."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from grader import KIT_ROOT
from grader.grading import manifest, runner, tree
from grader.stacks import kafka, mysql
from grader.stacks.process import free_port

COURSE = manifest.load()
PIPELINE = [t.id for t in COURSE.tasks if "mysql" in t.backends]


def test_the_pipeline_tasks_need_mysql():
    assert PIPELINE, "no task needs MySQL: this module checks nothing"


def test_a_missing_mysql_server_is_named_once_with_how_to_get_one(monkeypatch):
    starts = []

    def no_server():
        starts.append(1)
        return None

    monkeypatch.setattr(mysql, "server_binary", no_server)
    task = COURSE.find(PIPELINE[0])
    result = runner.grade(task, tree.resolve_impl("solutions", COURSE), COURSE, runner.RunOptions())
    assert not result.graded and result.total == 0
    assert all(e.problem.startswith("needs MySQL") for e in result.exercises), [e.problem for e in result.exercises]
    notice = " ".join(result.notices)
    for how in ("apt-get install mariadb-server", "brew install mariadb", "STACK=services"):
        assert how in notice, notice
    assert len(starts) == 1, "a server that is not installed was looked for again (a retry cannot help)"


def test_fan_out_sends_each_event_to_every_sink_in_order():
    sys.path.insert(0, str(KIT_ROOT / "starter"))
    try:
        from backend.events import FanOutPublisher
    finally:
        sys.path.remove(str(KIT_ROOT / "starter"))

    class Sink:
        def __init__(self, log, name, left=0):
            self.log, self.name, self.left = log, name, left

        async def emit(self, event_type, entity_id, data):
            self.log.append((self.name, event_type, entity_id))

        def flush(self, timeout=10.0):
            return self.left

    log: list = []
    fan = FanOutPublisher([Sink(log, "collection"), Sink(log, "kafka", left=2)])
    asyncio.run(fan.emit("user.created", "u1", {}))
    assert log == [("collection", "user.created", "u1"), ("kafka", "user.created", "u1")]
    assert fan.flush(1.0) == 2


def test_the_stand_in_consumer_logs_a_failing_handler_as_the_testkit_looks_for_it(caplog):
    """The M01 and M02 tests stop waiting for a row once the stand-in consumer has logged a
    failing handler a few times; if its words drift from the testkit's, every such test
    waits out its whole deadline instead (15 s each)."""
    from grader.testkit import pipeline

    sys.path.insert(0, str(KIT_ROOT / "starter"))
    try:
        from analytics.standins import StandInConsumer
    finally:
        sys.path.remove(str(KIT_ROOT / "starter"))

    def broken(envelope):
        raise ValueError("no")

    consumer = StandInConsumer("localhost:1", "g", "t.")
    consumer.register("user.created", broken)
    with caplog.at_level("ERROR"):
        handled = consumer._apply(json.dumps({"event_type": "user.created", "event_id": "e1"}).encode())
    assert not handled
    assert any(pipeline.HANDLER_FAILED in record.getMessage() for record in caplog.records), caplog.text


@pytest.fixture(scope="module")
def servers():
    broker, database = kafka.start_local(), mysql.start_local()
    database.wait()
    if broker.problem or database.problem:
        broker.stop(), database.stop()
        pytest.fail(f"the local servers did not start: {broker.problem or database.problem}")
    yield {**broker.env, **database.env}
    broker.stop()
    database.stop()


def _health(port: int) -> dict:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).json()
    except (httpx.HTTPError, ValueError):
        return {}


def test_grade_analytics_runs_the_service_on_the_learners_files_and_stops_on_sigterm(servers, tmp_path):
    port = free_port()
    env = {**os.environ, **servers, "ANALYTICS_HOST": "127.0.0.1", "ANALYTICS_PORT": str(port),
           "KAFKA_GROUP_ID": "kit-test", "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "grader", "analytics", "--impl", "starter"], cwd=KIT_ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline, body = time.monotonic() + 30, {}
        while time.monotonic() < deadline and not body.get("consuming"):
            assert proc.poll() is None, proc.stdout.read().decode()
            body = _health(port)
            time.sleep(0.2)
        # The starter's parts are stubs: the kit's stand-ins run, and no table module.
        assert body.get("consuming") and body["parts"] == {"db": "stand-in", "consumer": "stand-in"}, body
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith("grade-analytics-")], "no tree laid out"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        output = proc.stdout.read().decode()
        assert "analytics: stopped" in output and "not done yet" in output, output
        assert not [p for p in tmp_path.iterdir() if p.name.startswith("grade-analytics-")], "the tree was left"
    finally:
        proc.kill()
        proc.wait()


def test_the_analytics_service_refuses_a_task_part_that_is_a_stub_when_grading_names_it(servers, tmp_path):
    """Grading M01 with the starter: the service says which task is not done, and exits 3."""
    built = tree.lay_out(tree.resolve_impl("starter", COURSE), [], COURSE)
    try:
        env = {**os.environ, **servers, "ANALYTICS_HOST": "127.0.0.1", "ANALYTICS_PORT": str(free_port()),
               "ANALYTICS_PARTS": "users", "PYTHONPATH": str(built.root)}
        done = subprocess.run([sys.executable, "-m", "analytics"], cwd=built.root, env=env, capture_output=True,
                              text=True, timeout=60)
    finally:
        tree.remove(built.root)
    assert done.returncode == 3, done.stderr
    assert "Task M01: analytics/users.py is not done yet" in done.stderr, done.stderr


def test_the_analytics_service_answers_health_with_a_proof_only_for_the_key_it_was_given(servers):
    """The grader knows the service it started: an HMAC of its challenge (as for the app)."""
    from grader.stacks.app import challenged_health

    built = tree.lay_out(tree.resolve_impl("starter", COURSE), [], COURSE)
    port = free_port()
    env = {**os.environ, **servers, "ANALYTICS_HOST": "127.0.0.1", "ANALYTICS_PORT": str(port),
           "ANALYTICS_PARTS": "", "GRADER_HEALTH_KEY": "k" * 32, "PYTHONPATH": str(built.root)}
    proc = subprocess.Popen([sys.executable, "-m", "analytics"], cwd=built.root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        status, body, proven = 0, {}, False
        while time.monotonic() < deadline and status != 200:
            status, body, proven = challenged_health(f"http://127.0.0.1:{port}", "k" * 32, 1.0)
            time.sleep(0.1)
        assert status == 200 and proven, (status, json.dumps(body))
        assert not challenged_health(f"http://127.0.0.1:{port}", "x" * 32, 1.0)[2]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        tree.remove(built.root)


def test_every_analytics_learner_file_is_a_part_of_the_service(course):
    from grader.testkit import pipeline

    files = {rel for task in course.tasks for rel in task.files if rel.startswith("analytics/") and rel.endswith(".py")}
    assert files and files <= set(pipeline.PART_OF_FILE), files - set(pipeline.PART_OF_FILE)
    import ast

    from grader import KIT_ROOT

    tree = ast.parse((KIT_ROOT / "starter" / "analytics" / "service.py").read_text(encoding="utf-8"))
    tables = next(ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
                  and getattr(node.targets[0], "id", "") == "TABLE_MODULES")
    assert set(pipeline.PART_OF_FILE.values()) == {"consumer", "db", *tables}
