"""The local and services stacks: the learner's app in its own sandboxed process, real
servers, the same tests. What a learner hands in is taken only if it is a plain file."""

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from grader import KIT_ROOT
from grader.grading import runner, tree
from grader.grading.results import PASS, STATUS_ERROR
from grader.stacks import app as app_process
from grader.stacks import mongo

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="isolation by user id needs the grader to run as root")


def grade(course, impl: str, stack: str = "local", **options):
    options = {"test_timeout": 2.0, "total_timeout": 240, "include_hidden": False, "stack": stack, **options}
    return runner.grade(course.find("01"), tree.resolve_impl(impl, course), course, runner.RunOptions(**options))


def by_id(result):
    return {e.id: e for e in result.exercises}


def test_the_services_stack_against_servers_given_as_urls(course, monkeypatch):
    server = mongo.start_local()  # stands in for the compose stack's MongoDB
    server.wait()
    assert server.ready, server.problem
    try:
        monkeypatch.setenv("MONGODB_URL", server.env["MONGODB_URL"])
        # the grader's own per-test limit: the race tests send requests at once, and a busy machine is slow
        solved = grade(course, "solutions", "services", include_hidden=True, test_timeout=10.0)
        started = grade(course, "starter", "services")
    finally:
        server.stop()
    assert solved.total == 100, [(e.id, e.first_problem) for e in solved.exercises if e.status != PASS]
    assert started.total == 0
    assert all("not implemented yet" in e.first_problem for e in started.exercises), [e.first_problem for e in started.exercises]


def test_a_local_server_that_cannot_start_is_a_reason_not_a_crash(course, monkeypatch):
    monkeypatch.setattr(mongo, "server_command", lambda: None)
    result = grade(course, "solutions")
    assert all(e.status == STATUS_ERROR and "not ready" in e.first_problem for e in result.exercises)
    assert any("SecantusDB" in n and "make setup" in n for n in result.notices), result.notices


def test_a_module_that_hangs_while_importing_costs_only_its_exercises(learner_tree, course):
    result = grade(course, str(learner_tree("import_hang")))
    assert any("users.py did not finish within" in n for n in result.notices), result.notices
    exercises = by_id(result)
    assert exercises["01.4"].status == PASS
    assert exercises["01.7"].status == STATUS_ERROR and "does not import" in exercises["01.7"].first_problem
    assert result.duration < 120


def test_a_module_that_exits_while_importing_is_named(learner_tree, course):
    result = grade(course, str(learner_tree("import_exit")))
    assert any("users.py ended the app process (exit code" in n for n in result.notices), result.notices
    assert by_id(result)["01.1"].status == PASS and by_id(result)["01.8"].status == STATUS_ERROR


def test_a_hung_request_names_its_line_and_the_app_is_restarted(learner_tree, course):
    result = grade(course, str(learner_tree("hang_and_syntax")))
    assert sum("SyntaxError" in n for n in result.notices) == 1
    read = by_id(result)["01.7"]
    timeouts = [t for t in read.tests if t.outcome == "timeout"]
    # the loop is "while True: pass" on lines 18-19: either line may be the one running
    assert timeouts and re.search(r"it was running backend/services/users.py:1[89] in get_user", timeouts[0].message)
    assert read.passed >= 1  # the list tests ran on a restarted app


def test_exit_and_os_exit_in_a_request(learner_tree, course):
    result = grade(course, str(learner_tree("crash_exit")))
    messages = [t.message for t in by_id(result)["01.7"].tests]
    assert any("app process ended during this request (exit code 3)" in m for m in messages), messages
    assert any("called exit(giving up)" in m for m in messages), messages
    assert by_id(result)["01.1"].status == PASS


# -- what is taken from a learner -------------------------------------------------

@pytest.fixture
def learner(tmp_path):
    target = tmp_path / "learner"
    shutil.copytree(KIT_ROOT / "solutions", target)
    return target


def take(course, folder, strict=True):
    built = tree.build(tree.resolve_impl(str(folder), course), course.find("01"), course, strict=strict)
    try:
        rel = "backend/services/users.py"
        return built.refused.get(rel, ""), (built.root / rel).read_text(), [t.path for t in built.taken]
    finally:
        tree.remove(built.root)


def test_a_symbolic_link_is_not_followed(course, learner):
    users = learner / "backend" / "services" / "users.py"
    users.unlink()
    users.symlink_to(KIT_ROOT / "grader" / "hidden" / "task01" / "test_01_7_read_users_hidden.py")
    why, content, taken = take(course, learner)
    assert "symbolic link" in why and "backend/services/users.py" not in taken
    assert "hidden" not in content and "NotImplementedError" in content  # the starter's stub stayed


def test_a_linked_folder_is_not_followed(course, learner, tmp_path):
    services = learner / "backend" / "services"
    elsewhere = tmp_path / "elsewhere"
    shutil.move(services, elsewhere)
    services.symlink_to(elsewhere, target_is_directory=True)
    why, _, _ = take(course, learner)
    assert "backend/services is a symbolic link" in why


@pytest.mark.parametrize("content, expected", [
    (b"x = 1\n" * 100_000, "more than the"),
    (b"\xff\xfe not text", "not UTF-8"),
    (b"x = 1\x00\n", "null bytes"),
])
def test_odd_files_are_refused_with_a_reason(course, learner, content, expected):
    (learner / "backend" / "services" / "users.py").write_bytes(content)
    why, _, taken = take(course, learner)
    assert expected in why and "backend/services/users.py" not in taken


def test_a_syntax_error_is_refused_on_trusted_stacks_and_imported_on_embedded(course, learner):
    (learner / "backend" / "services" / "users.py").write_text("def broken(:\n")
    why, content, _ = take(course, learner, strict=True)
    assert "line 1: SyntaxError" in why and "def broken" not in content
    why, content, _ = take(course, learner, strict=False)
    assert why == "" and "def broken" in content  # the import step reports it, with its line


def test_only_the_tasks_files_are_taken(course, learner):
    (learner / "conftest.py").write_text("raise SystemExit('should never run')\n")
    (learner / "backend" / "conftest.py").write_text("raise SystemExit('should never run')\n")
    (learner / "backend" / "server.py").write_text("raise SystemExit('should never run')\n")
    built = tree.build(tree.resolve_impl(str(learner), course), course.find("01"), course, strict=True)
    try:
        assert not (built.root / "conftest.py").exists() and not (built.root / "backend" / "conftest.py").exists()
        assert "create_app" in (built.root / "backend" / "server.py").read_text()
    finally:
        tree.remove(built.root)


# -- the sandbox ------------------------------------------------------------------

def run_sandboxed(tmp_path, code: str) -> subprocess.CompletedProcess:
    box = app_process.Sandbox.for_app(tmp_path, {"SOME_SETTING": "1"})
    tmp_path.chmod(0o755)
    try:
        return subprocess.run(box.command("-c", code), env=box.process_env(), capture_output=True, text=True,
                              timeout=60, cwd=tmp_path)
    finally:
        box.remove()


@ROOT_ONLY
def test_the_app_sees_only_the_system_its_python_and_its_tree(tmp_path):
    elsewhere = Path(tempfile.mkdtemp(prefix="another-checkout-"))  # e.g. a second clone of the kit
    (elsewhere / "solution.py").write_text("secret = 1\n")
    app_root = tmp_path / "app"
    app_root.mkdir()
    try:
        code = (
            "import os\n"
            "print('uid', os.getuid())\n"
            f"print('kit', os.path.exists({str(KIT_ROOT / 'solutions')!r}), "
            f"os.path.exists({str(KIT_ROOT / 'grader' / 'hidden')!r}))\n"
            f"print('elsewhere', os.path.exists({str(elsewhere / 'solution.py')!r}))\n"
            "print('tmp', sorted(os.listdir('/tmp')))\n"
            "try:\n"
            f"    open({str(app_root / 'sitecustomize.py')!r}, 'w')\n"
            "    print('tree writable')\n"
            "except OSError as exc:\n"
            "    print('tree read-only', type(exc).__name__)\n"
            "print('env', sorted(os.environ))\n"
            "print('pids', os.getpid(), sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))\n"
        )
        done = run_sandboxed(app_root, code)
    finally:
        shutil.rmtree(elsewhere)
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert "uid 0" not in out and "kit False False" in out and "elsewhere False" in out, out
    assert "tree read-only" in out, out
    tmp_line = next(line for line in out.splitlines() if line.startswith("tmp"))
    assert "another-checkout" not in tmp_line
    env_line = next(line for line in out.splitlines() if line.startswith("env"))
    assert "SOME_SETTING" in env_line and "GRADER" not in env_line and "SSH" not in env_line
    # a PID namespace of its own: it is process 1 and sees no process of the grader or the machine
    assert "pids 1 [1]" in out, out


def test_a_memory_bomb_meets_the_limit(tmp_path):
    done = run_sandboxed(tmp_path, "chunks = []\ntry:\n    while True:\n        chunks.append(bytearray(256 << 20))\n"
                                   "except MemoryError:\n    print('limited at', len(chunks) * 256, 'MiB')\n")
    assert "limited at" in done.stdout, done.stderr


@ROOT_ONLY
def test_processes_left_behind_are_killed(tmp_path):
    box = app_process.Sandbox.for_app(tmp_path, {})
    tmp_path.chmod(0o755)
    code = ("import os, subprocess\n"
            "if os.fork() == 0:\n    os.setsid()\n    subprocess.Popen(['sleep', '4243'])\n    os._exit(0)\n")
    subprocess.run(box.command("-c", code), env=box.process_env(), timeout=30, cwd=tmp_path)
    if box.spec().get("pid_ns"):  # its own PID namespace: what it left ends with it
        assert not _running("sleep 4243")
    else:  # the clean-up kills it
        assert _running("sleep 4243")
    box.remove()
    assert not _running("sleep 4243")


@ROOT_ONLY
def test_the_app_ends_with_its_launcher(tmp_path):
    """In its own PID namespace the app is the launcher's child: were the launcher killed, the
    app would otherwise serve on, unseen by the grader, until the clean-up."""
    box = app_process.Sandbox.for_app(tmp_path, {})
    tmp_path.chmod(0o755)
    try:
        launched = subprocess.Popen(box.command("-c", "import time; time.sleep(4244)"), env=box.process_env(),
                                    cwd=tmp_path)
        deadline = time.monotonic() + 20
        while not _app_running() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _app_running()
        launched.kill()
        launched.wait(10)
        deadline = time.monotonic() + 5
        while _app_running() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _app_running()
    finally:
        box.remove()


def _app_running() -> bool:
    """The program itself, not its launcher (whose arguments hold the same command)."""
    ps = subprocess.run(["ps", "-eo", "stat,args", "-ww"], capture_output=True, text=True).stdout
    return any("time.sleep(4244)" in line and "sandbox" not in line and not line.startswith("Z")
               for line in ps.splitlines())


def _running(command: str) -> bool:
    ps = subprocess.run(["ps", "-eo", "stat,args", "-ww"], capture_output=True, text=True).stdout
    return any(command in line and not line.startswith("Z") for line in ps.splitlines())


@ROOT_ONLY
def test_without_mount_namespaces_the_scorecard_says_so(tmp_path, monkeypatch):
    from grader.grading import sandbox

    assert sandbox.can_jail()  # this machine allows them: the jail is used
    assert "root of its own" in app_process.trust_label()
    monkeypatch.setattr(sandbox, "can_jail", lambda: False)  # a container without CAP_SYS_ADMIN
    box = app_process.Sandbox.for_app(tmp_path, {})
    try:
        spec = box.spec()
        assert spec["uid"] != 0 and "jail" not in spec
        assert app_process.trust_label().startswith("isolated in part")
    finally:
        box.remove()


def test_an_app_that_ended_between_tests_is_started_again_and_the_request_sent_once_more(course, monkeypatch):
    """A control group's memory cap can kill the app a moment after it answered one test; the
    next test's request then finds nobody listening. Nothing reached the app, so that test did
    not break it: the grader starts the app again and sends the request to the new process."""
    import asyncio
    import signal

    from grader.testkit import remote

    backend = mongo.start_local()
    backend.wait()
    assert backend.ready, backend.problem
    built = tree.build(tree.resolve_impl("solutions", course), course.find("01"), course)
    monkeypatch.setenv("GRADER_IMPL_ROOT", str(built.root))
    monkeypatch.setenv("GRADER_LEARNER_FILES", ",".join(course.find("01").files))
    monkeypatch.setenv("MONGODB_URL", backend.env["MONGODB_URL"])
    app = remote.RemoteApp(remote.new_settings(), 10.0)

    async def register(client, name):
        return await client.post("/register", json={
            "email": f"{name}@example.com", "password": "Secret123!", "display_name": name})

    async def scenario():
        async with remote.client_for(app) as client:  # one test's client
            first = await register(client, "first")
            os.kill(_program_pid(app.process.proc.pid), signal.SIGKILL)  # as the cap's killer would
            app.process.wait_exit(5)
            assert not app.process.alive and app.process.exit_description() == "killed by SIGKILL"
            second = await register(client, "second")  # the next request: nothing listens
        return first, second

    try:
        app.ensure_running()
        first, second = asyncio.run(scenario())
        assert first.status_code == 201 and second.status_code == 201, (first.text, second.text)
        assert app.starts == 2 and app.process.alive
    finally:
        app.close()
        backend.stop()
        tree.remove(built.root)


def _program_pid(launched: int) -> int:
    """The app itself: the launcher's child when the app has a PID namespace of its own."""
    children = Path(f"/proc/{launched}/task/{launched}/children").read_text().split()
    return int(children[0]) if children else launched


@ROOT_ONLY
def test_a_program_reached_through_a_linked_folder_inside_a_closed_one_starts(tmp_path):
    """A kit cloned into a folder others may not enter (mktemp -d gives mode 700), its
    virtualenv a link to one elsewhere: the way as written and the way it leads to are both
    brought back for the program's user, and what cannot be reached is one line, not a trace."""
    from grader.grading import sandbox

    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    tmp_path.chmod(0o755)
    (closed / "bin").symlink_to(Path(shutil.which("true")).parent)
    program = str(closed / "bin" / "true")
    uid = sandbox.pick_uid()
    started = subprocess.run(sandbox.command({"reveal": [program], "uid": uid}, [program]),
                             capture_output=True, text=True, timeout=30)
    assert started.returncode == 0, started.stderr
    refused = subprocess.run(sandbox.command({"uid": uid}, [program]), capture_output=True, text=True, timeout=30)
    assert refused.returncode == sandbox.EXIT_SETUP_FAILED
    assert refused.stderr.strip() == f"sandbox: cannot start {program} as user {uid}: Permission denied", refused.stderr
