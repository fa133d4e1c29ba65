"""One grading, one set of namespaces and one control group (grader/grading/isolation.py), and a
stack that is not ready is never a score: each as a learner or a broken machine would try it."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from grader import KIT_ROOT
from grader.grading import isolation, manifest, tree
from grader.instructor import batch
from grader.stacks import app as app_process

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="namespaces and control groups need the grader to run as root")
FILES = ("backend/services/auth.py", "backend/services/users.py")


class Listener:
    """A TCP server on the machine's loopback that remembers who reached it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.reached: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.reached.append(conn.recv(100) or b"(connected)")
                except OSError:
                    self.reached.append(b"(connected)")

    def close(self):
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


HOLDERS = "3601"  # the argument of the `sleep` processes that hold the prying grading's ports


def _prying_tree(tmp_path: Path, port: int, marker: str) -> Path:
    """The solutions, whose auth module at import reaches for the machine's loopback, leaves a
    file in /dev/shm and binds 400 fixed ports; when the machine's loopback was out of reach
    (in a network namespace, so only there), its first login has children take every
    ephemeral port there is and hold them (as `sleep 3601` processes, which the test waits
    for), then fails saying whether the exhaustion worked: a learner who wants to disturb the
    gradings beside theirs."""
    root = tmp_path / "prying"
    for rel in FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text((KIT_ROOT / "solutions" / rel).read_text())
    prying = (
        "import socket as _s\n"
        "_isolated = False\n"
        "try:\n"
        f"    _c = _s.create_connection(('127.0.0.1', {port}), timeout=1)\n"
        "    _c.sendall(b'reached from a grading')\n"
        "    _c.close()\n"
        "except OSError:\n"
        "    _isolated = True\n"
        "try:\n"
        f"    open('/dev/shm/{marker}', 'wb').write(b'x' * 4096)\n"
        "except OSError:\n"
        "    pass\n"
        "_held = []\n"
        "for _port in range(20000, 20400):\n"
        "    try:\n"
        "        _b = _s.socket()\n"
        "        _b.bind(('127.0.0.1', _port))\n"
        "        _b.listen(1)\n"
        "        _held.append(_b)\n"
        "    except OSError:\n"
        "        pass\n"
    )
    # At the first login the app listens already: taking its port would only stop it starting.
    proof = (
        "\nimport os as _os, time as _t\n"
        "_exhausted = None\n"
        "def _exhaust():\n"
        "    try:\n"
        "        lo, hi = map(int, open('/proc/sys/net/ipv4/ip_local_port_range').read().split())\n"
        "    except (OSError, ValueError):\n"
        "        lo, hi = 32768, 60999\n"
        "    step = (hi - lo + 40) // 40  # 40 children of under 1024 descriptors each hold the range\n"
        "    for k in range(40):\n"
        "        if _os.fork() == 0:\n"
        "            for port in range(lo + k * step, min(hi + 1, lo + (k + 1) * step)):\n"
        "                try:\n"
        "                    b = _s.socket()\n"
        "                    b.bind(('127.0.0.1', port))\n"
        "                    _os.set_inheritable(b.fileno(), True)\n"
        "                    _held.append(b)\n"
        "                except OSError:\n"
        "                    pass\n"
        f"            _os.execvp('sleep', ['sleep', '{HOLDERS}'])\n"
        "    until = _t.monotonic() + 3\n"
        "    while _t.monotonic() < until:\n"
        "        try:\n"
        "            _s.create_server(('127.0.0.1', 0)).close()\n"
        "            _t.sleep(0.05)\n"
        "        except OSError:\n"
        "            return True\n"
        "    return False\n"
        "async def _exhausting_login(self, *args, **kwargs):\n"
        "    global _exhausted\n"
        "    if _exhausted is None:\n"
        "        _exhausted = _exhaust()\n"
        "    raise RuntimeError('no port left to bind: the exhaustion worked' if _exhausted else 'a port was left')\n"
        "if _isolated:\n"
        "    AuthService.login = _exhausting_login\n"
    )
    auth = root / FILES[0]
    auth.write_text(prying + auth.read_text() + proof)
    return root


def _holders() -> int:
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return sum(line.strip() == f"sleep {HOLDERS}" for line in ps.splitlines())


def _grade_cli(impl: Path | str, tmp_path: Path, name: str, stack: str = "local", env: dict | None = None):
    out = tmp_path / f"{name}.json"
    state = tmp_path / f"{name}-state.json"
    command = [sys.executable, "-m", "grader", "task", "01", "--stack", stack, "--impl", str(impl), "--json", str(out),
               "--test-timeout", "5"]
    environment = {**os.environ, "GRADE_STATE": str(state), **(env or {})}
    return subprocess.Popen(command, cwd=KIT_ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True), out, state


@ROOT_ONLY
def test_gradings_side_by_side_cannot_reach_each_other_or_the_machine(tmp_path):
    listener = Listener()
    marker = f"grade-leak-{uuid.uuid4().hex[:8]}"
    prying = _prying_tree(tmp_path, listener.port, marker)
    try:
        # The control: without the namespaces (embedded: the code runs in the test process)
        # the prying code reaches the machine's loopback and leaves its file.
        control, _, _ = _grade_cli(prying, tmp_path, "control", stack="embedded")
        control.communicate(timeout=300)
        assert listener.reached, "the prying code did not reach the listener even without namespaces"
        assert Path(f"/dev/shm/{marker}").exists()
        os.unlink(f"/dev/shm/{marker}")
        listener.reached.clear()
        # Two gradings at once on local: one prying, one of the solutions beside it.
        pry, pry_json, _ = _grade_cli(prying, tmp_path, "prying")
        # The other starts its servers and its app while the prying one holds every port.
        deadline = time.monotonic() + 180
        while _holders() < 40 and time.monotonic() < deadline and pry.poll() is None:
            time.sleep(0.2)
        assert _holders() >= 40, "the prying grading never took its ports: this test would prove nothing"
        honest, honest_json, _ = _grade_cli("solutions", tmp_path, "honest")
        for process in (pry, honest):
            process.communicate(timeout=600)
    finally:
        listener.close()
    assert listener.reached == [], "a grading reached the machine's loopback"
    assert not Path(f"/dev/shm/{marker}").exists(), "a grading left a file in the machine's /dev/shm"
    honest_result = json.loads(honest_json.read_text())
    assert honest_result["total"] == 100, [(e["id"], e["score"]) for e in honest_result["exercises"]]
    pried = json.loads(pry_json.read_text())
    # Out of ports in its own namespace (its logins say so): the attack was real, and it cost
    # only the grading that made it.
    problems = [e["message"] for e in pried["exercises"]]
    assert any("the exhaustion worked" in problem for problem in problems), problems
    assert len(pried["exercises"]) == len(honest_result["exercises"])  # still a full scorecard
    for result in (honest_result, pried):
        assert "network and IPC namespaces of its own" in result["trust"], result["trust"]


@ROOT_ONLY
def test_the_learners_processes_together_meet_the_memory_cap(tmp_path):
    group = isolation.ControlGroup(memory=300 << 20, processes=64)
    assert set(group.made) == {"memory", "pids"}, group.made
    box = app_process.Sandbox.for_app(tmp_path, {})
    tmp_path.chmod(0o755)
    code = ("import os\n"
            "children = []\n"
            "for _ in range(4):\n"
            "    pid = os.fork()\n"
            "    if pid == 0:\n"
            "        block = bytearray(150 << 20)\n"  # 4 x 150 MiB: each under every per-process limit
            "        for i in range(0, len(block), 4096):\n"
            "            block[i] = 1\n"
            "        os._exit(0)\n"
            "    children.append(pid)\n"
            "print('exits', sorted(os.waitstatus_to_exitcode(os.waitpid(p, 0)[1]) for p in children))\n")
    try:
        os.environ[app_process.CGROUP_ENV] = os.pathsep.join(group.procs)
        done = subprocess.run(box.command("-c", code), env=box.process_env(), cwd=tmp_path, capture_output=True,
                              text=True, timeout=120)
    finally:
        os.environ.pop(app_process.CGROUP_ENV, None)
        box.remove()
        group.remove()
    exits = next(line for line in done.stdout.splitlines() if line.startswith("exits"))
    assert "-9" in exits, (exits, done.stderr)  # the cap killed some of them, not the machine's guard
    assert group.folders == []


@ROOT_ONLY
def test_every_process_in_the_group_is_killed_whatever_session_it_moved_to(tmp_path):
    group = isolation.ControlGroup()
    box = app_process.Sandbox.for_app(tmp_path, {})
    tmp_path.chmod(0o755)
    code = ("import os, subprocess, time\nif os.fork() == 0:\n    os.setsid()\n    subprocess.Popen(['sleep', '4244'])\n"
            "time.sleep(60)\n")
    try:
        os.environ[app_process.CGROUP_ENV] = os.pathsep.join(group.procs)
        program = subprocess.Popen(box.command("-c", code), env=box.process_env(), cwd=tmp_path)
        deadline = time.monotonic() + 30
        while len(group.members()) < 3 and time.monotonic() < deadline:  # launcher, program, sleep...
            time.sleep(0.05)
        assert len(group.members()) >= 3, "the learner's processes did not join the group"
        group.kill()
        assert not group.members()
        assert program.wait(timeout=60) != 0
    finally:
        os.environ.pop(app_process.CGROUP_ENV, None)
        box.remove()
        group.remove()


def test_a_stack_that_is_not_ready_is_never_a_score(tmp_path):
    """MongoDB cannot start: exit 3, "not graded" with the reason, the progress file as it was."""
    state = tmp_path / "state-before.json"
    state.write_text(json.dumps({"tasks": {"01": {"total": 30, "possible": 100}}}))
    before = state.read_text()
    process, out, _ = _grade_cli("starter", tmp_path, "broken", env={"GRADE_STATE": str(state),
                                                                      "GRADER_MONGODB_SERVER": "/bin/false"})
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 3, (process.returncode, stdout[-500:], stderr[-500:])
    result = json.loads(out.read_text())
    assert result["graded"] is False and "not ready" in " ".join(result["notices"]) + stdout
    assert "The local stack was tried twice." in result["notices"], result["notices"]  # retried once
    assert state.read_text() == before


def test_batch_marks_a_fork_whose_stack_was_not_ready_as_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_MONGODB_SERVER", "/bin/false")
    task = manifest.load().find("01")
    out = tmp_path / "book"
    out.mkdir()
    row = batch.grade_fork(task, batch.Fork("fork", KIT_ROOT / "solutions"), out, total_timeout=120)
    assert row.status == batch.ERROR and "exited at start" in row.reason and "tried twice" in row.reason, row.reason
    assert batch.gradebook_row(task, row)["total"] == ""


def _processes() -> list[tuple[int, str]]:
    ps = subprocess.run(["ps", "-eo", "pid=,args=", "-ww"], capture_output=True, text=True).stdout
    return [(int(line.split(None, 1)[0]), line.split(None, 1)[1]) for line in ps.splitlines() if line.strip()]


def _net(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/ns/net")
    except OSError:
        return ""


def _in_namespace(net: str) -> list[str]:
    """The processes whose network namespace is ``net`` (a grading's: only its own are there)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.readlink(entry / "ns" / "net") == net:
                    found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:120])
            except OSError:
                pass
    return found


@ROOT_ONLY
@pytest.mark.parametrize("after", [0.0, 0.7, 1.5])
def test_killing_test_processes_at_any_point_leaves_nothing_behind(tmp_path, after):
    scratch = tmp_path / "tmp"  # the grading's temporary folders, and nobody else's
    scratch.mkdir()
    process, out, _ = _grade_cli("solutions", tmp_path, "killed", env={"TMPDIR": str(scratch)})
    own = os.readlink("/proc/self/ns/net")
    deadline = time.monotonic() + 120
    net, tests = own, []
    while time.monotonic() < deadline and not tests:  # until its test processes run, in its own namespace
        time.sleep(0.05)
        try:
            net = os.readlink(f"/proc/{process.pid}/ns/net")
        except FileNotFoundError:
            break
        tests = [pid for pid, args in _processes() if net != own and "grader.grading.plugin" in args and _net(pid) == net]
    assert tests, "the grading's test processes were not seen"
    time.sleep(after)
    killed = 0
    for pid, args in _processes():  # SIGKILL: no chance to stop its app or remove its folders
        if "grader.grading.plugin" in args and _net(pid) == net:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
    assert killed, "the grading ended before its test processes could be killed"
    process.communicate(timeout=600)
    assert json.loads(out.read_text())["exercises"], "no scorecard after the test processes were killed"
    assert _in_namespace(net) == [], "processes of the grading outlived it"
    assert sorted(p.name for p in scratch.iterdir()) == [], "the grading left temporary folders"


def test_only_the_app_the_grader_started_passes_its_health_check(tmp_path):
    """Another process answering on the app's port (a squatter) is not taken for the app."""
    import http.server

    class Squatter(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'{"status": "healthy", "database": "connected"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Squatter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        app = app_process.AppProcess(app_process.Sandbox(tmp_path, {}))
        app.port = server.server_address[1]
        assert app._health(2) == (0, {})  # it answers 200, but cannot prove it is our app
    finally:
        server.shutdown()
    course = manifest.load()
    built = tree.build(tree.resolve_impl("solutions", course), course.find("01"), course, KIT_ROOT, strict=True)
    built.root.chmod(0o755)
    started = app_process.AppProcess(app_process.Sandbox.for_app(built.root, {
        "MONGODB_URL": "mongomock://", "DATABASE_NAME": "health"}))
    try:
        started.start()  # the app the grader started proves it
        status, body = started._health(5)
        assert status == 200 and len(body.get("proof", "")) == 64, (status, body)
    finally:
        started.stop()
        started.box.remove()
        tree.remove(built.root)
