"""The learner's app as its own process, for the local and services stacks.

Everything learner-written runs here, never in a process that decides verdicts. The app
(uvicorn, which imports the learner's modules at start-up) starts through
``grader/grading/sandbox.py`` with a scrubbed environment and resource limits and, when the grader
runs as root, as a user id of its own in a root of its own that holds only the system
folders, its Python, its tree (read-only) and its home: no checkout of the kit, no hidden
test and no solution exists there.
"""

import hashlib
import hmac
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from grader import KIT_ROOT
from grader.grading import reap, sandbox
from grader.stacks.base import Backend
from grader.stacks.process import free_port, http_ok

START_SECONDS = 30
OUTPUT_TAIL = 16_000
STUCK_WAIT = 0.5  # seconds a hung app may take to print where it is
STUCK_FRAME = re.compile(r'File ".*/backend/services/(\w+)\.py", line (\d+) in (\w+)')
LIMITS = {
    "AS": 3 << 30,  # 3 GiB of address space: a memory bomb gets MemoryError, not the machine
    "CPU": 300,  # seconds of CPU for the whole life of one app process
    "FSIZE": 64 << 20,
    "NOFILE": 1024,
    "CORE": 0,
}
NPROC = 256  # processes and threads of the app's own user id (only with a user of its own)
CGROUP_ENV = "GRADER_CGROUP"  # the runner's control group for the learner's processes: its cgroup.procs files


def isolated() -> bool:
    """True when the app can run as its own user (the grader runs as root)."""
    return os.geteuid() == 0


def jailed() -> bool:
    """True when the app can also get a root of its own (mount namespaces are allowed here;
    a container without CAP_SYS_ADMIN, for one, does not allow them). Without them, the
    app's user must be able to reach this Python on its own (not under a private /root)."""
    return isolated() and sandbox.can_jail()


def external_url(env=None) -> str:
    """APP_URL: on the services stack, an app started outside the grader (the compose stack's
    app service) that the tests use instead of starting the learner's app themselves."""
    return (os.environ if env is None else env).get("APP_URL", "").strip()


# What the tests must know of an app they did not start (the others have defaults); the
# compose file gives the app and grader services the same values. Read by the check below
# and by grader/testkit/remote.py.
EXTERNAL_SETTINGS = ("APP_URL", "DATABASE_NAME", "JWT_SECRET")


def missing_settings(env) -> list[str]:
    return [name for name in EXTERNAL_SETTINGS if not env.get(name)]


def external(env=None) -> Backend:
    """The app at APP_URL, checked once before grading: it answers GET /health, and the
    settings it shares with the tests are given (see grader/testkit/remote.py)."""
    env = os.environ if env is None else env
    url = external_url(env)
    missing = missing_settings(env)
    if missing:
        return Backend("app", url, problem=f"APP_URL is set but {', '.join(missing)} is not: the tests must know the "
                       "settings the app runs with (the compose file gives both services the same ones).")
    problem = http_ok(url.rstrip("/") + "/health")
    if problem:
        problem = f"the app at {url} did not answer GET /health ({problem}). Start it, or unset APP_URL."
    return Backend("app", url, problem=problem)


def external_trust(url: str) -> str:
    return (f"separate service: the learner's app ran outside the grader, at {url} (the compose stack's app "
            "service, in its own container); the grader neither started nor sandboxed it")


def learner_programs(files) -> str:
    """What of the learner's runs as its own process for these files, in words."""
    kinds = [name for prefix, name in (("backend/", "app"), ("analytics/", "analytics service"))
             if any(f.startswith(prefix) for f in files)]
    return "the learner's " + (" and ".join(kinds) or "app")


def trust_label(more: str = "", what: str = "the learner's app") -> str:
    """``more``: what else applied (namespaces, a control group), in words; ``what``: which
    programs of the learner's ran (``learner_programs``)."""
    if jailed():
        return (f"isolated: {what} ran in its own process, as its own user, in a root of its own "
                "without the kit" + (f"; {more}" if more else ""))
    if isolated():
        return (f"isolated in part: {what} ran in its own process as its own user, but this machine "
                "allows no mount namespace, so it could read what every user may read (the kit, if its "
                "folders allow that)")
    return (f"separate process: {what} ran in its own process as the same user "
            "(run the grader as root for official grading)")


@dataclass
class Sandbox:
    """How to start learner code: as which user, seeing what, with which limits."""

    app_root: Path
    env: dict[str, str]
    uid: int | None = None
    workdir: Path | None = None
    jail_base: Path | None = None  # an empty folder the app's own root is built on

    @classmethod
    def for_app(cls, app_root: Path, env: dict[str, str], kit_root: Path = KIT_ROOT) -> "Sandbox":
        box = cls(app_root, env)
        box.workdir = Path(tempfile.mkdtemp(prefix="grade-app-home-"))
        if isolated():
            box.uid = sandbox.pick_uid()
            os.chown(box.workdir, box.uid, box.uid)
            if jailed():
                box.jail_base = Path(tempfile.mkdtemp(prefix="grade-app-root-"))
        box.workdir.chmod(0o700)
        return box

    def spec(self) -> dict:
        limits = dict(LIMITS)
        if self.uid is not None:
            limits["NPROC"] = NPROC  # counted per user: only safe with a user of our own
        spec = {"limits": limits, "cwd": str(self.app_root)}
        group = [p for p in os.environ.get(CGROUP_ENV, "").split(os.pathsep) if p]
        if group and self.uid is not None:
            spec["cgroup"] = group  # the grading's control group (grader/grading/isolation.py)
        if self.uid is not None:
            # A root of its own: the kit, its other checkouts and the machine's home folders
            # do not exist there, whatever path the learner's code tries.
            spec["uid"] = self.uid
            if self.jail_base is not None:
                spec["jail"] = {"keep_ro": [sys.base_prefix, sys.prefix, str(self.app_root)],
                                "keep_rw": [str(self.workdir)], "base": str(self.jail_base)}
                spec["pid_ns"] = True  # it sees only its own processes, and none outlives it
        return spec

    def command(self, *argv: str) -> list[str]:
        return sandbox.command(self.spec(), [sys.executable, "-s", *argv])

    def process_env(self) -> dict[str, str]:
        """Only what the app needs: nothing of the grading machine's own environment."""
        base = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.workdir), "TMPDIR": str(self.workdir), "LANG": "C.UTF-8",
            "PYTHONPATH": str(self.app_root), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1",
            "PYTHONNOUSERSITE": "1",
        }
        return {**base, **self.env}

    def kill_processes(self) -> None:
        """Kill whatever the learner's code left running, in whatever session it moved to."""
        if self.uid is not None:
            sandbox.kill_user(self.uid)
        else:
            reap.kill_descendants()  # orphans come back to us: the test process is a subreaper

    def remove(self) -> None:
        self.kill_processes()
        for folder in (self.workdir, self.jail_base):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)


def describe_exit(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class AppStartError(Exception):
    pass


def challenged_health(url: str, key: str, timeout: float) -> tuple[int, dict, bool]:
    """GET ``url``/health with a fresh challenge: the status (0 when nothing answered), the
    JSON body ({} when there is none), and whether the body proves, with an HMAC of the
    challenge, that what answered knows ``key`` (starter/backend/diagnostics.py: health_proof)."""
    import httpx

    challenge = secrets.token_hex(16)
    try:
        with httpx.Client(verify=False, trust_env=False, timeout=timeout) as client:
            response = client.get(url + "/health", headers={"X-Grader-Challenge": challenge})
    except httpx.HTTPError:
        return 0, {}, False
    try:
        body = response.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    expected = hmac.new(key.encode(), challenge.encode(), hashlib.sha256).hexdigest()
    return response.status_code, body, hmac.compare_digest(str(body.get("proof", "")), expected)


class AppProcess:
    """One uvicorn process serving the learner's app on 127.0.0.1."""

    def __init__(self, box: Sandbox):
        self.box = box
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self._log: tempfile._TemporaryFileWrapper | None = None
        self._key = secrets.token_hex(16)  # the app proves with it that it is the process we started

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def where_stuck(self) -> str | None:
        """Ask a hung app where it is (SIGUSR1: faulthandler prints every thread) and return
        ``backend/services/users.py:18 in get_user`` for the innermost service frame."""
        if not self.alive:
            return None
        before = self._log_size()  # a byte offset: log_lines() is only the log's tail
        try:
            os.kill(self.proc.pid, signal.SIGUSR1)
        except (ProcessLookupError, PermissionError):
            return None
        # A busy machine may take a moment to run the handler: look a few times, briefly.
        deadline = time.monotonic() + STUCK_WAIT
        while True:
            time.sleep(0.05)
            for line in self._log_since(before):
                found = STUCK_FRAME.search(line)
                if found:  # faulthandler lists the most recent call first
                    return f"backend/services/{found.group(1)}.py:{found.group(2)} in {found.group(3)}"
            if time.monotonic() >= deadline:
                return None

    def wait_exit(self, seconds: float) -> None:
        if self.proc is not None:
            try:
                self.proc.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                pass

    def exit_description(self) -> str:
        return describe_exit(self.proc.poll() if self.proc else None)

    def start(self, timeout: float = START_SECONDS) -> None:
        self.launch()
        self.wait_ready(timeout)

    def launch(self) -> None:
        self.port = free_port()
        self._log = tempfile.NamedTemporaryFile(prefix="grade-app-", suffix=".log")
        argv = self.box.command("-m", "uvicorn", "backend.server:create_app", "--factory", "--host", "127.0.0.1",
                                "--port", str(self.port), "--log-level", "warning", "--no-access-log")
        env = {**self.box.process_env(), "GRADER_HEALTH_KEY": self._key}
        self.proc = subprocess.Popen(argv, env=env, cwd=self.box.app_root,
                                     stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_ready(self, timeout: float = START_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive:
                raise AppStartError(f"the app stopped while starting ({self.exit_description()}): {self.output_tail(600)}")
            if self.healthy(timeout=0.5):
                return
            time.sleep(0.05)
        tail = self.output_tail(600)
        raise AppStartError(f"the app did not answer GET /health within {timeout:g} s: {tail}")

    def _health(self, timeout: float) -> tuple[int, dict]:
        """GET /health with a challenge: the status (0 when the app did not answer, or when
        what answered could not prove it is the process we started) and the JSON body."""
        status, body, proven = challenged_health(self.url, self._key, timeout)
        if status == 200 and not proven:
            return 0, {}  # something else answers on the app's port
        return status, body

    def healthy(self, timeout: float = 1.0) -> bool:
        return self._health(timeout)[0] == 200

    def health_body(self) -> dict:
        return self._health(2)[1]

    def _log_size(self) -> int:
        try:
            return Path(self._log.name).stat().st_size if self._log is not None else 0
        except OSError:
            return 0

    def _log_since(self, offset: int, limit: int = 65536) -> list[str]:
        """Lines written to the log after ``offset`` (at most ``limit`` bytes of them)."""
        if self._log is None:
            return []
        try:
            with open(self._log.name, "rb") as log:
                log.seek(offset)
                return log.read(limit).decode("utf-8", "replace").splitlines()
        except OSError:
            return []

    def log_lines(self, limit: int = 65536) -> list[str]:
        if self._log is None:
            return []
        try:
            return Path(self._log.name).read_bytes()[-limit:].decode("utf-8", "replace").strip().splitlines()
        except OSError:
            return []

    def output_tail(self, limit: int = OUTPUT_TAIL) -> str:
        return " | ".join(line.strip() for line in self.log_lines(limit)[-6:])

    def stop(self) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()
            self.proc = None
        self.box.kill_processes()
        if self._log is not None:
            self._log.close()
            self._log = None
