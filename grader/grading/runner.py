"""Run a task's tests in child processes and turn what happened into a TaskResult.

The child is plain pytest with ``grader.grading.plugin`` loaded; the plugin streams events to a
file. The parent watches that file: a test that makes no progress for too long gets its
process killed, and a process that dies (exit, crash, kill) is started again without the
tests already decided, so every test ends with a verdict.

On the embedded stack the learner's code runs inside the test process (a self-check). On
the local and services stacks it never does: the test process starts the learner's app as
its own sandboxed process (grader/stacks/app.py) and reaches it over HTTP, and this
process starts or checks the backends the task needs, once per run.
"""

import dataclasses
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from grader import KIT_ROOT, stacks
from grader.grading import diagnose, isolation, protocol, provenance, reap, sandbox, tree
from grader.grading.manifest import Course, Task
from grader.grading.protocol import ERROR, NOT_RUN, TIMEOUT
from grader.grading.results import TaskResult, TestResult, empty_result
from grader.stacks import app as app_process

CHILD_INI = KIT_ROOT / "grader" / "pytest-child.ini"
MAX_IDLE_RUNS = 3  # restarts that decide no test at all before the rest is given up
STARTUP_SECONDS = 60  # collection and imports, before the first test starts
TAIL_BYTES = 16_000
PYTEST_DONE = (0, 1, 5)  # all passed, some failed, nothing to run
EMBEDDED_MEMORY = 4 << 30  # address space of an embedded test process: a memory bomb stays small
EMBEDDED_LIMITS = {"AS": EMBEDDED_MEMORY, "CORE": 0, "NPROC": 256, "FSIZE": 256 << 20}

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class RunOptions:
    stack: str = "embedded"
    test_timeout: float = 10.0
    total_timeout: float = 300.0
    include_hidden: bool = True
    exercises: tuple[str, ...] = ()  # grade only these exercises (all when empty)
    jobs: int = min(2, os.cpu_count() or 1)  # test processes run side by side


@dataclass
class _Run:
    """What one child process reported."""

    exit_code: int | None = None
    killed_for: str = ""  # "stall" or "deadline" when the parent stopped it
    collected: list[dict] | None = None
    running: str | None = None
    importing: str | None = None
    output_tail: str = ""


class _Tail:
    """Drain a pipe, keeping only its last bytes: a learner printing gigabytes costs nothing."""

    def __init__(self, stream) -> None:
        self._chunks: deque[bytes] = deque()
        self._size = 0
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream) -> None:
        for chunk in iter(lambda: stream.read(65536), b""):
            self._chunks.append(chunk)
            self._size += len(chunk)
            while self._size - len(self._chunks[0]) > TAIL_BYTES:
                self._size -= len(self._chunks.popleft())

    def text(self) -> str:
        self._thread.join(timeout=2)
        return b"".join(self._chunks)[-TAIL_BYTES:].decode("utf-8", "replace")


def grade(
    task: Task,
    impl: tree.Impl,
    course: Course,
    options: RunOptions = RunOptions(),
    progress: Progress | None = None,
    kit_root: Path = KIT_ROOT,
) -> TaskResult:
    """Grade ``impl`` on ``task``. When the stack is not ready (a server that does not start,
    no port or memory left), nothing of the learner's was judged: the grading is tried once
    more, and if the stack is still not ready the result is "not graded" with the reason,
    never a score."""
    result = _grade_once(task, impl, course, options, progress, kit_root)
    if result.stack_problem and not result.stack_missing:
        first = result.stack_problem
        result = _grade_once(task, impl, course, options, progress, kit_root)
        result.notice(f"The {options.stack} stack was not ready on the first try ({first}); it was on the second."
                      if not result.stack_problem else f"The {options.stack} stack was tried twice.")
    return result


def _grade_once(task: Task, impl: tree.Impl, course: Course, options: RunOptions, progress: Progress | None,
                kit_root: Path) -> TaskResult:
    started = time.monotonic()
    if task.test_seconds > options.test_timeout:
        options = dataclasses.replace(options, test_timeout=task.test_seconds)
    result = empty_result(task, impl.label, options.stack)
    if options.exercises:
        result.exercises = [e for e in result.exercises if e.id in options.exercises]
    remote = options.stack != stacks.EMBEDDED
    # Services with APP_URL: the app runs elsewhere (the compose stack's app service). One
    # app has one database, so one test process; it is checked with the backends.
    external = _app_elsewhere(task, options.stack)
    if external:
        options = dataclasses.replace(options, jobs=1)
    if task.files and not any(tree.is_module(f) for f in task.files):
        result.trust = ("read as data: your files were parsed by the tests, never run or imported; nothing was built or "
                        "started, so the score is what the files say, not a run of them")
    elif not remote and not any(f.startswith("backend/") for f in task.files) and task.files:
        # The analytics service runs as a process of its own on every stack (not sandboxed here).
        result.trust = ("separate process: your analytics service ran in its own process, started by the test "
                        "process as the same user (grade on the local stack, STACK=local, for a grading that cannot "
                        "be fooled)")
    elif not remote:
        result.trust = "self-check: your code ran inside the test process (grade on the local stack, STACK=local, for a grading that cannot be fooled)"
    elif external:
        result.trust = app_process.external_trust(app_process.external_url())
    else:  # what else applied: the grading's namespaces, and the control group of a code task's app
        more = [isolation.describe() and "the grading " + isolation.describe(),
                isolation.group_caps() if task.kind == "code" else ""]
        result.trust = app_process.trust_label("; ".join(filter(None, more)), app_process.learner_programs(task.files))
    test_dirs = task.test_dirs(kit_root, include_hidden=options.include_hidden)
    if provenance.is_release(kit_root) and task.files:
        result.hidden_tests_run = False
        result.notice(provenance.NO_HIDDEN_TESTS)
    elif not options.include_hidden:
        result.hidden_tests_run = False
    if not test_dirs:
        return result.not_graded(f"no tests found in {task.public_tests} (the kit checkout is incomplete)")
    reap.become_subreaper()  # anything learner code leaves running comes back to us
    ours_before = frozenset(reap.descendants())  # the caller's own processes are not ours to stop
    built = tree.build(impl, task, course, kit_root, strict=remote)
    result.provenance = provenance.record(built.taken, test_dirs, kit_root)
    # Another user id reads the tree (not writes it): the app's on remote stacks, the test
    # process's on embedded when we are root.
    mode = 0o755 if (remote and task.kind == "code") or (not remote and os.geteuid() == 0) else 0o700
    try:
        built.root.chmod(mode)
        # Embedded runs MongoDB in-process; the pipeline's servers start as on local.
        needs = (*task.backends, *(("app",) if external else ())) if remote else embedded_backends(task)
        with stacks.prepare(options.stack, needs) as prepared:
            for why in built.refused.values():
                result.notice(why)
            if prepared.missing:  # not installed: say what the task needs, no retry
                result.stack_missing = True
                result.stack_problem = " / ".join(prepared.problems)
                return result.not_graded(f"needs {' and '.join(prepared.missing)}, which is not installed here "
                                         "(how to get it: see above)", result.stack_problem)
            if prepared.problems:
                return _stack_not_ready(result, options, prepared.problems)
            tests_root = kit_root if remote else _copy_tests(built.root, test_dirs, kit_root)
            session = _Session(task, built.root, [tests_root / d.relative_to(kit_root) for d in test_dirs],
                               options, progress, result, tests_root)
            session.broken_files = dict(built.refused)

            def rebuild(root: Path) -> None:
                tree.rebuild(root, impl, task, course, kit_root, strict=remote)
                root.chmod(mode)
                if not remote:
                    _copy_tests(root, test_dirs, kit_root)

            session.rebuild = rebuild
            session.backend_env = prepared.env
            problems = session.run(started, ready=prepared.wait)  # servers finish starting meanwhile
            if problems:
                return _stack_not_ready(result, options, problems)
    finally:
        reap.kill_descendants(spare=ours_before)
        tree.remove(built.root)
    result.duration = time.monotonic() - started
    return result


def _app_elsewhere(task: Task, stack: str) -> bool:
    """Services with APP_URL, for a task of the app's: the learner's app runs elsewhere (the
    compose stack's app service). An analytics task's service still runs from the tests."""
    # Task 09's tests start the app themselves: it must publish to their own Kafka topics.
    return (stack == stacks.SERVICES and bool(app_process.external_url())
            and any(f.startswith("backend/") for f in task.files) and "backend/kafka_events.py" not in task.files)


def embedded_backends(task: Task) -> tuple[str, ...]:
    return tuple(name for name in task.backends if name != "mongodb")


def _stack_not_ready(result: TaskResult, options: RunOptions, problems: list[str]) -> TaskResult:
    result.stack_problem = " / ".join(problems)
    return result.not_graded(f"not graded: the {options.stack} stack is not ready (see above)", result.stack_problem)


def _copy_tests(root: Path, test_dirs: list[Path], kit_root: Path) -> Path:
    """Embedded: the test process runs learner code, so it runs the kit's tests (and the
    grader package they use) from copies in the graded tree, never from the checkout: it
    cannot rewrite them there, and it needs no access to the checkout at all."""
    # Compiled files come along (copies keep their times, so they stay valid): compiling
    # the package and the tests again in every test process would cost more than a test.
    shutil.copytree(Path(__file__).resolve().parent.parent, root / "grader", dirs_exist_ok=True)
    for folder in test_dirs:
        shutil.copytree(folder, root / folder.relative_to(kit_root), dirs_exist_ok=True)
    return root


class _Session:
    def __init__(self, task, root, test_dirs, options, progress, result, kit_root):
        self.task, self.root, self.test_dirs = task, root, test_dirs
        self.remote = options.stack != stacks.EMBEDDED  # the app runs in its own process
        self.options, self.progress, self.result, self.kit_root = options, progress, result, kit_root
        self.tests: dict[str, str | None] = {}  # nodeid -> exercise id from its marker
        self.weighing: dict[str, dict] = {}  # nodeid -> {weight, must, race, ties, server} (see _weighing)
        self.order: list[str] = []  # collection order; shard i runs order[i::jobs]
        self.verdicts: dict[str, TestResult] = {}
        self.broken_files: dict[str, str] = {}  # learner file -> why it cannot be imported
        self.backend_env: dict[str, str] = {}
        self.rebuild = None  # rebuild(root): lay the graded tree out again in root
        self.failed_start: _Run | None = None
        self.lock = threading.Lock()
        self.stopping = threading.Event()  # Ctrl-C: stop every child and return

    # -- the loop over child runs --------------------------------------------------

    def run(self, started: float, ready=lambda: []) -> list[str]:
        """Run every shard to the end. ``ready`` (called once the shards have started)
        waits for the stack and returns its problems: then the shards are stopped and the
        problems returned."""
        deadline = started + self.options.total_timeout
        shards = [threading.Thread(target=self._run_shard, args=(i, self.options.jobs, deadline))
                  for i in range(self.options.jobs)]
        for shard in shards:
            shard.start()
        try:
            problems = ready()
            if problems:
                self.stopping.set()
            for shard in shards:
                shard.join()
        except KeyboardInterrupt:
            self.stopping.set()
            for shard in shards:
                shard.join()
            raise
        if problems:
            return problems
        if not self.tests:
            self._no_collection(self.failed_start or _Run())
            return []
        self._fill_result()
        return []

    def _run_shard(self, index: int, count: int, deadline: float) -> None:
        """Run every count-th test, starting at index, until each has a verdict. A crash
        costs only the test it happened in: the process is started again for the rest, for
        as long as each start decides at least one test."""
        idle = 0
        while True:
            decided = len(self.verdicts)
            self._check_tree()
            try:
                run = self._run_child(deadline, index, count)
            except OSError as exc:
                run = _Run(output_tail=f"the test process could not be started: {exc}")
            if run.collected is None and not self.tests:
                self.failed_start = run
                return
            mine = self.order[index::count]
            self._settle(run, mine)
            left = [n for n in mine if n not in self.verdicts]
            if not left:
                return
            if self.stopping.is_set():
                self._mark_left(left, "not run: grading was interrupted")
                return
            if run.killed_for == "deadline" or time.monotonic() >= deadline:
                self._mark_left(left, f"not run: the whole run took longer than {self.options.total_timeout:.0f} s")
                return
            idle = idle + 1 if len(self.verdicts) == decided else 0
            if idle >= MAX_IDLE_RUNS:
                last = " | ".join(run.output_tail.strip().splitlines()[-2:])[:300]
                self._mark_left(left, f"not run: the test process stopped {idle} times in a row before any test "
                                      f"finished (exit code {run.exit_code}){': ' + last if last else ''}")
                return

    def _check_tree(self) -> None:
        """Learner code may delete the graded tree: build it again for the tests left."""
        with self.lock:
            if self.rebuild is None or (self.root / "backend").is_dir():
                return
            self.result.notice("Your code deleted files of the folder the tests run in; it was rebuilt for "
                               "the remaining tests. Services must not touch files outside their own data.")
            self.rebuild(self.root)

    def _settle(self, run: _Run, shard_tests: list[str]) -> None:
        """Give a verdict to whatever was cut short when the child stopped."""
        if run.importing:
            how = "did not finish" if run.killed_for else f"ended the test process (exit code {run.exit_code})"
            self.broken_files[run.importing] = f"{run.importing} {how} while being imported"
            self.result.notice(f"Importing {run.importing} {how}. Look at its module-level code.")
        if run.running and run.running not in self.verdicts:
            if run.killed_for == "stall":
                message = (f"did not finish within {self.options.test_timeout:.0f} s and could not be interrupted; "
                           "the grader stopped it. Look for an infinite loop or a call that never returns.")
                outcome = TIMEOUT
            elif run.killed_for == "deadline":
                message, outcome = "stopped: the whole run ran out of time during this test.", TIMEOUT
            else:
                message = (f"the test process ended during this test (exit code {run.exit_code}): the code called "
                           "os._exit() or crashed the interpreter. Services must raise errors, not exit.")
                outcome = ERROR
            self._record(run.running, outcome, message)
        elif run.exit_code not in PYTEST_DONE and not run.killed_for and any(n not in self.verdicts for n in shard_tests):
            tail = run.output_tail.strip().splitlines()[-3:]
            self.result.notice(
                f"The test process stopped unexpectedly (exit code {run.exit_code}). " + " | ".join(tail)
            )

    def _no_collection(self, run: _Run) -> None:
        tail = " | ".join(run.output_tail.strip().splitlines()[-5:])
        reason = f"the tests could not be started (exit code {run.exit_code}): {tail}"
        self.result.not_graded("not graded: the tests could not be started (see above)", reason[:2000])

    def _mark_left(self, nodeids: list[str], message: str) -> None:
        for nodeid in nodeids:
            self._record(nodeid, NOT_RUN, message)

    def _record(self, nodeid: str, outcome: str, message: str, duration: float = 0.0) -> None:
        hidden = bool(self.task.hidden_tests) and nodeid.startswith(self.task.hidden_tests.rstrip("/") + "/")
        with self.lock:
            self.verdicts[nodeid] = TestResult(nodeid, outcome, diagnose.cut(str(message)), hidden, float(duration))
            done = len(self.verdicts)
        if self.progress:
            self.progress(done, len(self.tests), nodeid)

    def _fill_result(self) -> None:
        by_id = {e.id: e for e in self.result.exercises}
        for nodeid, exercise_id in self.tests.items():
            exercise = by_id.get(exercise_id)
            if exercise is None:
                what = f"names exercise {exercise_id!r}, which is not in course.toml" if exercise_id else "has no exercise marker"
                self.result.notice(f"Kit problem: {nodeid} {what}; not scored.")
                continue
            verdict = self.verdicts.get(nodeid) or TestResult(nodeid, NOT_RUN, "not run: no verdict arrived")
            for name, value in self.weighing.get(nodeid, _weighing({})).items():
                setattr(verdict, name, value)
            exercise.tests.append(verdict)
        for exercise in self.result.exercises:
            if not exercise.tests and not exercise.problem:
                exercise.problem = "no tests found for this exercise (a kit problem: tell your instructor)"

    # -- one child process ---------------------------------------------------------

    def _child_env(self, events_path: str, shard: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GRADER_")}
        # Remote stacks: the graded tree is the app's, not ours; an environment task has no
        # learner code, so its checks may import the starter directly.
        in_process = not self.remote or not self.task.files
        path = ([str(self.root)] if in_process else []) + [str(self.kit_root)]
        env.update(self.backend_env)
        env.update(
            PYTHONPATH=os.pathsep.join(path),
            PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
            PYTHONUNBUFFERED="1",
            GRADER_EVENTS=events_path,
            GRADER_IMPL_ROOT=str(self.root),  # the graded tree (the app's, on remote stacks)
            GRADER_LEARNER_FILES=",".join(self.task.files),
            GRADER_BROKEN_FILES=json.dumps(self.broken_files),
            GRADER_DESELECT="\n".join(self.verdicts),
            GRADER_STACK=self.options.stack,
            GRADER_SHARD=shard,
            GRADER_TEST_TIMEOUT=str(self.options.test_timeout),
            GRADER_HIDDEN_TESTS=self.task.hidden_tests,
            GRADER_EXERCISES=",".join(self.options.exercises),
        )
        return env

    def _command(self) -> list[str]:
        return [
            sys.executable, "-m", "pytest", *map(str, self.test_dirs),
            "-c", str(self.kit_root / CHILD_INI.relative_to(KIT_ROOT)), "--rootdir", str(self.kit_root),
            "-p", "pytest_asyncio.plugin", "-p", "pytest_timeout",
            "-p", "grader.grading.plugin", "-p", "grader.testkit.fixtures",
            # No capturing: a learner closing stdout cannot break pytest's capture (the plugin
            # also gives pytest's own output a private copy of stdout).
            "-p", "no:cacheprovider", "-q", "--no-header", "--tb=no", "-s",
            "--timeout", str(self.options.test_timeout), "--timeout-method", "signal",
        ]

    def _run_child(self, deadline: float, index: int, count: int) -> _Run:
        run = _Run()
        private = tempfile.mkdtemp(prefix="grade-run-")  # 0700: the app's own user cannot reach it
        # What the test process makes in TMPDIR (its apps' homes, roots and logs) lives here, so
        # it goes when the run ends, even when the test process was killed before it cleaned up.
        scratch = tempfile.mkdtemp(prefix="grade-apps-")
        os.chmod(scratch, 0o711)  # the apps' users pass through to their own homes, and see nothing else
        events_path = os.path.join(private, "events.jsonl")
        open(events_path, "w").close()
        command, env = self._command(), self._child_env(events_path, f"{index}/{count}")
        env["TMPDIR"] = scratch
        # The learner's processes this test process starts (its apps and theirs) share a control
        # group: the grading's memory and process caps, shared out among its test processes, and
        # all killed when this test process ends, however it ends.
        group = None
        if self.remote and self.task.files and not _app_elsewhere(self.task, self.options.stack):
            jobs = max(1, self.options.jobs)
            group = isolation.ControlGroup(isolation.MEMORY_CAP // jobs, isolation.PROCESS_CAP // jobs)
            if group.folders:
                env[app_process.CGROUP_ENV] = os.pathsep.join(group.procs)
        # Embedded, as root: the test process (which runs learner code) gets a user id of its
        # own, so it cannot signal the grader or outlive it. Otherwise it runs as we do.
        uid = sandbox.pick_uid() if not self.remote and os.geteuid() == 0 else None
        if uid is not None:
            for path in (private, events_path):
                os.chown(path, uid, uid)
            env.update(HOME=private, TMPDIR=private)
            spec = {"uid": uid, "limits": EMBEDDED_LIMITS}
            if sandbox.can_jail():  # else its user must reach this Python on its own
                spec["reveal"] = [sys.prefix, sys.base_prefix, str(self.root), private]
            command = sandbox.command(spec, command)
        try:
            proc = subprocess.Popen(
                command, cwd=private if self.remote else self.root, env=env,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            if uid is None:
                _limit_memory(proc.pid)
            tail = _Tail(proc.stdout)
            self._watch(proc, run, events_path, deadline)
            run.exit_code = proc.returncode
            run.output_tail = tail.text()
        finally:
            if uid is not None:
                sandbox.kill_user(uid)  # whatever it started, however it hid
            if group is not None:
                group.remove()
            shutil.rmtree(private, ignore_errors=True)
            shutil.rmtree(scratch, ignore_errors=True)
        return run

    def _watch(self, proc: subprocess.Popen, run: _Run, events_path: str, deadline: float) -> None:
        offset, last_progress = 0, time.monotonic()
        stall_limit = self.options.test_timeout + 5
        while True:
            exited = proc.poll() is not None
            try:
                with open(events_path, "rb") as handle:
                    handle.seek(offset)
                    chunk = handle.read()
            except OSError:
                chunk = b""
            complete = chunk[: chunk.rfind(b"\n") + 1]
            offset += len(complete)
            for line in complete.decode("utf-8", "replace").splitlines():
                try:
                    event = json.loads(line)
                    self._on_event(event, run)
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue  # a line the plugin did not write: ignore it
                last_progress = time.monotonic()
            if exited:
                return
            if self.stopping.is_set():
                run.killed_for = "interrupted"
                _kill(proc)
                proc.wait()
                continue
            now = time.monotonic()
            waiting_on_test = run.running is not None or run.importing is not None
            limit = stall_limit if waiting_on_test else STARTUP_SECONDS
            reason = "deadline" if now >= deadline else "stall" if now - last_progress > limit else ""
            if reason:
                run.killed_for = reason
                _kill(proc)
                proc.wait()
                continue  # read what was written before the kill, then return
            time.sleep(0.02)

    def _on_event(self, event: dict, run: _Run) -> None:
        kind = event["kind"]
        if kind == protocol.COLLECTED:
            run.collected = event["tests"]
            with self.lock:
                if not self.tests:
                    self.order = [test["nodeid"] for test in event["tests"]]
                    self.tests = {test["nodeid"]: test["exercise"] for test in event["tests"]}
                    self.weighing = {test["nodeid"]: _weighing(test) for test in event["tests"]}
        elif kind == protocol.COLLECT_ERROR:
            self.result.notice("Kit problem: a test file could not be collected: " + event["message"][-800:])
        elif kind == protocol.NOTICE:
            self.result.notice(str(event["message"]))
        elif kind == protocol.IMPORT_START:
            run.importing = event["file"]
        elif kind == protocol.IMPORT:
            run.importing = None
            if not event["ok"]:
                self.result.notice(event["message"])
        elif kind == protocol.START:
            run.running = event["nodeid"]
        elif kind == protocol.RESULT:
            run.running = None
            if event["nodeid"] in self.tests:
                self._record(event["nodeid"], event["outcome"], event["message"], event["duration"])


def _weighing(test: dict) -> dict:
    """A test's weight, must-rule and shapes (race, ties) from the collection event; a bad
    weight counts as 1."""
    weight = test.get("weight", 1)
    weight = weight if isinstance(weight, int) and not isinstance(weight, bool) and 1 <= weight <= 100 else 1
    return {"weight": weight, **{name: str(test.get(name) or "") for name in ("must", "race", "ties")},
            "server": test.get("server") is True}


def _limit_memory(pid: int) -> None:
    """Cap a test process's memory and core dumps right after it starts (it spends far
    longer importing pytest than this takes)."""
    for limit, value in ((resource.RLIMIT_AS, EMBEDDED_MEMORY), (resource.RLIMIT_CORE, 0)):
        try:
            resource.prlimit(pid, limit, (value, value))
        except (OSError, ValueError):
            pass


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
