"""``grade serve``: run the platform with a learner's files, taken exactly as grading takes
them (only the files the tasks name; plain files, UTF-8, valid Python), on the starter.

The compose stack's ``app`` service runs this on the learner's folder mounted read-only, and
the ``grader`` service grades that app over the network (APP_URL). A learner can run it too,
to try their work in a browser (Swagger UI at /docs).

Nothing here decides a verdict: this process only lays the tree out and runs uvicorn on it.
"""

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable, Sequence

from grader import KIT_ROOT
from grader.grading import tree
from grader.grading.manifest import Course, Task


def files_of(tasks: list[Task]) -> list[str]:
    return list(dict.fromkeys(rel for task in tasks for rel in task.files))  # in order, once each


def build(impl: tree.Impl, course: Course, tasks: list[Task], kit_root: Path = KIT_ROOT) -> tree.Built:
    """The starter with the learner files of ``tasks`` that ``impl`` has; the others keep the
    starter's stubs. Files that do not parse are refused, as on the trusted stacks."""
    return tree.lay_out(impl, files_of(tasks), course, kit_root, strict=True, prefix="grade-serve-")


def command(host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "backend.server:create_app", "--factory", "--host", host,
            "--port", str(port), "--no-access-log"]


def _environment(built: tree.Built) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(built.root), os.environ.get("PYTHONPATH", "")]).rstrip(
        os.pathsep)}
    # As when grading: the learner's modules are imported at start-up, each within a time
    # limit, and one that does not import (or was not taken) is refused with its reason while
    # the rest of the app works (see starter/backend/diagnostics.py).
    env.setdefault("PRELOAD_MODULES", ",".join(tree.module_name(t.path) for t in built.taken))
    env.setdefault("UNAVAILABLE_MODULES", json.dumps({tree.module_name(rel): why for rel, why in built.refused.items()}))
    return env


def run(build_tree: Callable[[], tree.Built], host: str, port: int, say=print,
        reload_files: Sequence[Path] = ()) -> int:
    """Serve a freshly built tree until uvicorn ends or we are told to stop (SIGTERM from
    ``docker compose down``, Ctrl-C); the tree is removed either way. With
    ``reload_files``, a save of one of them lays the tree out again and restarts the app."""
    stopped: list[int] = []
    saved = threading.Event()
    proc: subprocess.Popen | None = None

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

    if reload_files:
        threading.Thread(target=watch_saves, daemon=True).start()
    previous = signal.signal(signal.SIGTERM, stop)
    built = None
    try:
        while True:
            built = build_tree()
            for item in built.taken:
                say(f"taken: {item.path} (sha256 {item.sha256[:12]}...)")
            for why in built.refused.values():
                say(f"not taken: {why} (the starter's version is served)")
            saved.clear()
            proc = subprocess.Popen(command(host, port), cwd=built.root, env=_environment(built))
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
            say("a file was saved: restarting with it")
    finally:
        signal.signal(signal.SIGTERM, previous)
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        if built is not None:
            tree.remove(built.root)
