"""``grade serve``: run the platform with a learner's files, taken exactly as grading takes
them (only the files the tasks name; plain files, UTF-8, valid Python), on the starter.

The compose stack's ``app`` service runs this on the learner's folder mounted read-only, and
the ``grader`` service grades that app over the network (APP_URL). A learner can run it too,
to try their work in a browser (Swagger UI at /docs).

Nothing here decides a verdict: this process only lays the tree out and runs uvicorn on it.
What it logs is short: the files taken and what the app refuses at the first start, then one
line per restart; the app's own errors pass through, its start-up chatter does not.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Sequence

from grader import KIT_ROOT
from grader.grading import tree
from grader.grading.manifest import Course, Task
from grader.stacks.app import challenged_health


def files_of(tasks: list[Task]) -> list[str]:
    return list(dict.fromkeys(rel for task in tasks for rel in task.files))  # in order, once each


def build(impl: tree.Impl, course: Course, tasks: list[Task], kit_root: Path = KIT_ROOT) -> tree.Built:
    """The starter with the learner files of ``tasks`` that ``impl`` has; the others keep the
    starter's stubs. Files that do not parse are refused, as on the trusted stacks."""
    return tree.lay_out(impl, files_of(tasks), course, kit_root, strict=True, prefix="grade-serve-")


# What the app prints that serve does not pass on: the grader's import markers (one pair per
# learner module at each start, starter/backend/diagnostics.py: preload), and after the first
# start the in-memory database note (starter/backend/server.py), which a restart line says.
MARKERS = (b"kit: importing ", b"kit: imported ")
MONGOMOCK_NOTE = b"MONGODB_URL is mongomock"
ANSWER = {False: "its endpoints answer 500 with this", True: "their endpoints answer 500 with these"}
HEALTH_WAIT = 30.0  # seconds a start gets to answer /health before the line is written without it


def command(host: str, port: int) -> list[str]:
    # warning: uvicorn's start and stop lines at every restart are noise; its errors still show
    return [sys.executable, "-m", "uvicorn", "backend.server:create_app", "--factory", "--host", host,
            "--port", str(port), "--no-access-log", "--log-level", "warning"]


def _environment(built: tree.Built, key: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(built.root), os.environ.get("PYTHONPATH", "")]).rstrip(
        os.pathsep)}
    # As when grading: the learner's modules are imported at start-up, each within a time
    # limit, and one that does not import (or was not taken) is refused with its reason while
    # the rest of the app works (see starter/backend/diagnostics.py).
    env.setdefault("PRELOAD_MODULES", ",".join(tree.module_name(t.path) for t in built.taken if tree.is_module(t.path)))
    env.setdefault("UNAVAILABLE_MODULES", json.dumps({tree.module_name(rel): why for rel, why in built.refused.items()}))
    env.setdefault("ERROR_DETAILS", "1")  # a 500 names the exception and the learner's line
    env.setdefault("GRADER_HEALTH_KEY", key)  # /health proves it is this start that answers
    return env


def _files(built: tree.Built) -> dict[str, str]:
    """Each learner file's state in a tree: its hash when taken, why when refused."""
    return {**{t.path: t.sha256 for t in built.taken}, **{rel: why for rel, why in built.refused.items()}}


def _health(url: str, key: str) -> dict | None:
    """/health of the app we started, whatever its status (with the database down it still
    lists the modules it refuses); None while nothing answers, or when what answers cannot
    prove it is ours."""
    _, body, proven = challenged_health(url, key, 1.0)
    return body if proven else None


def _problems(proc: subprocess.Popen, url: str, key: str, refused: dict[str, str]) -> tuple[list[str] | None, str]:
    """What the started app refuses (a module that does not import, a file not taken), from
    its /health once it answers (None when it ended first), and a note when it did not
    answer in time (then only the files serve itself refused are known)."""
    deadline = time.monotonic() + HEALTH_WAIT
    while proc.poll() is None and time.monotonic() < deadline:
        body = _health(url, key)
        if body is not None:
            found = body.get("unavailable_modules")
            return ([str(why) for why in found.values()] if isinstance(found, dict) else []), ""
        time.sleep(0.2)
    if proc.poll() is not None:
        return None, ""
    return list(refused.values()), f"the app has not answered /health within {HEALTH_WAIT:g} s"


def _forward(stream, restarted: bool) -> None:
    """Pass the app's output on (its errors, a learner's prints), all but MARKERS and, after
    the first start, MONGOMOCK_NOTE."""
    out = getattr(sys.stderr, "buffer", None)
    for line in iter(stream.readline, b""):
        if line.startswith(MARKERS) or (restarted and line.startswith(MONGOMOCK_NOTE)):
            continue
        try:
            if out is not None:
                out.write(line)
                out.flush()
            else:
                sys.stderr.write(line.decode("utf-8", "replace"))
        except (OSError, ValueError):
            pass  # our own stderr is gone: keep reading, or the app would block on a full pipe
    stream.close()


def _local(host: str) -> str:
    probe = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"[{probe}]" if ":" in probe else probe


def run(build_tree: Callable[[], tree.Built], host: str, port: int, say=print,
        reload_files: Sequence[Path] = ()) -> int:
    """Serve a freshly built tree until uvicorn ends or we are told to stop (SIGTERM from
    ``docker compose down``, Ctrl-C); the tree is removed either way. With
    ``reload_files``, a save of one of them lays the tree out again and restarts the app,
    and each restart is one line: what changed, and what the app refuses, if anything."""
    stopped: list[int] = []
    saved = threading.Event()
    proc: subprocess.Popen | None = None
    url = f"http://{_local(host)}:{port}"
    in_memory = os.environ.get("MONGODB_URL", "").startswith("mongomock://")

    def stop(signum, _frame):
        stopped.append(signum)
        if proc is not None:
            proc.send_signal(signal.SIGTERM)

    def watch_saves() -> None:
        from grader.desk import watch

        for _ in watch.saves(list(reload_files)):
            saved.set()
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)

    def announce(started: subprocess.Popen, key: str, refused: dict[str, str], before: str) -> None:
        problems, late = _problems(started, url, key, refused)
        if stopped or (problems is None and (saved.is_set() or started is not proc)):
            return  # stopping, or ended by another save: the next start has its own line
        if problems is None:
            say(f"{before}the app ended at start (exit status {started.returncode}); see its output above")
        elif before:  # a restart: one line
            said = "; ".join(([late] if late else []) + [why.rstrip(".") for why in problems])
            say(before + (f"{said}; {ANSWER[len(problems) > 1]}" if problems else said or "every file imports"))
        else:
            for why in problems:
                say(f"not available: {why.rstrip('.')}; {ANSWER[False]}")
            if late:
                say(late)

    if reload_files:
        threading.Thread(target=watch_saves, daemon=True).start()
    previous = signal.signal(signal.SIGTERM, stop)
    built = None
    files: dict[str, str] | None = None
    try:
        while True:
            built = build_tree()
            now = _files(built)
            if files is None:
                taken = ", ".join(f"{t.path} ({t.sha256[:12]})" for t in built.taken)
                say(f"taken: {taken or 'none of your files'}")
                before = ""
            else:
                changed = sorted(rel for rel in {*files, *now} if files.get(rel) != now.get(rel))
                what = f"{', '.join(changed)} changed" if changed else "saved, nothing changed"
                emptied = " (the in-memory database starts empty)" if in_memory else ""
                before = f"{time.strftime('%H:%M:%S')} {what}: restarted{emptied}; "
            files = now
            saved.clear()
            key = os.environ.get("GRADER_HEALTH_KEY") or secrets.token_hex(16)
            proc = subprocess.Popen(command(host, port), cwd=built.root, env=_environment(built, key),
                                    stderr=subprocess.PIPE)
            threading.Thread(target=_forward, args=(proc.stderr, bool(before)), daemon=True).start()
            threading.Thread(target=announce, args=(proc, key, dict(built.refused), before), daemon=True).start()
            try:
                code = proc.wait()
            except KeyboardInterrupt:
                stopped.append(signal.SIGINT)
                proc.send_signal(signal.SIGINT)
                code = proc.wait()
            tree.remove(built.root)
            built = None
            if stopped or not saved.is_set():
                return 0 if stopped else code  # asked to stop, and stopped: not a failure
    finally:
        signal.signal(signal.SIGTERM, previous)
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        if built is not None:
            tree.remove(built.root)
