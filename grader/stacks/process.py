"""Start, watch and stop a server the grader runs for one grading run (a local MongoDB,
Kafka broker or MySQL server). Each runs in its own session so stopping it stops all of
its processes, and its output goes to a file we can quote when it fails to start.

When the grader runs as root, each server runs as a user id of its own: the learner's app
talks to these servers, and a server that writes files on request (an admin command, a
backup restore, SELECT ... INTO OUTFILE) must not write them as root."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Sequence

from grader.grading import sandbox

OUTPUT_TAIL = 1500


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """One server process, started in its own session with its output in a temporary file."""

    def __init__(self, name: str, argv: Sequence[str], env: dict[str, str] | None = None, cwd: str | None = None,
                 owns: Sequence[Path] = ()):
        """``owns``: folders the server must write (given to its user when it has one)."""
        self.name, self.argv = name, list(argv)
        self.uid: int | None = None
        self.home: str | None = None
        self._log = tempfile.NamedTemporaryFile(prefix="grade-server-", suffix=".log", delete=False)
        argv = self.argv
        if os.geteuid() == 0:
            self.uid = sandbox.pick_uid()
            self.home = tempfile.mkdtemp(prefix="grade-server-home-")
            for folder in (Path(self.home), *owns):
                _give(folder, self.uid)
            env = {**(os.environ if env is None else env), "HOME": self.home, "TMPDIR": self.home}
            spec = {"uid": self.uid, "cwd": cwd or self.home}
            if sandbox.can_jail():  # else its user must reach the binary on its own
                spec["reveal"] = [argv[0], sys.prefix, sys.base_prefix, self.home, *map(str, owns)]
            argv = sandbox.command(spec, argv)
        self.proc = subprocess.Popen(
            argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def output_tail(self, limit: int = OUTPUT_TAIL) -> str:
        try:
            text = Path(self._log.name).read_bytes()[-limit:].decode("utf-8", "replace")
        except OSError:
            return ""
        return " | ".join(line.strip() for line in text.strip().splitlines()[-4:])

    def wait_ready(self, check: Callable[[], str], timeout: float) -> str:
        """Poll ``check`` (returns "" when ready, else why not) until ready, the process
        exits or ``timeout`` passes. Returns "" or a one-line reason."""
        deadline = time.monotonic() + timeout
        reason = "not checked yet"
        while time.monotonic() < deadline:
            if not self.alive:
                return f"{self.name} exited at start (exit code {self.proc.returncode}): {self.output_tail()}"
            reason = check()
            if not reason:
                return ""
            time.sleep(0.05)
        return f"{self.name} did not become ready within {timeout:g} s ({reason}): {self.output_tail()}"

    def stop(self) -> None:
        # No graceful shutdown: the server and its data live for one run only, and a polite
        # stop cost more than the rest of a grading (2 s for the MongoDB server).
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        if self.uid is not None:
            sandbox.kill_user(self.uid)
            shutil.rmtree(self.home, ignore_errors=True)
        self._log.close()
        try:
            os.unlink(self._log.name)
        except OSError:
            pass


def _give(folder: Path, uid: int) -> None:
    for root, dirs, files in os.walk(folder):
        os.chown(root, uid, uid)
        for name in dirs + files:
            os.lchown(os.path.join(root, name), uid, uid)


def http_ok(url: str, timeout: float = 3.0) -> str:
    """"" when GET ``url`` answers 200, else why not (one line)."""
    import httpx

    try:
        with httpx.Client(verify=False, trust_env=False, timeout=timeout) as client:
            status = client.get(url).status_code
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {str(exc)[:160]}" if str(exc) else type(exc).__name__
    except ValueError as exc:  # a malformed URL
        return f"not a URL: {exc}"
    return "" if status == 200 else f"status {status}"
