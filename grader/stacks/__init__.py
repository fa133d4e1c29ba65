"""The stacks a task's tests run on, and the backends (MongoDB, Kafka, MySQL) behind them.

    embedded   the app inside the test process, mongomock-motor; Kafka and MySQL (a task of
               the event pipeline) have no in-process stand-in, so they start as on local
    local      real-wire servers the grader starts from installed packages, no Docker
    services   external servers at the URLs in the environment (the compose stack, ...)

A task lists the backends it needs in ``course.toml``; ``prepare`` starts or checks only
those, once per grading run, and says plainly why one is not ready.
"""

import importlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from grader.stacks.base import Backend

EMBEDDED, LOCAL, SERVICES = "embedded", "local", "services"
STACKS = (EMBEDDED, LOCAL, SERVICES)
BACKENDS = ("mongodb", "kafka", "mysql")
DISPLAY = {"mongodb": "MongoDB", "kafka": "Kafka", "mysql": "MySQL"}

# (backend, stack) -> "module:function"; imported only when a task needs that backend.
PROVIDERS: dict[tuple[str, str], str] = {
    ("mongodb", LOCAL): "mongo:start_local",
    ("mongodb", SERVICES): "mongo:external",
    ("kafka", EMBEDDED): "kafka:start_local",
    ("kafka", LOCAL): "kafka:start_local",
    ("kafka", SERVICES): "kafka:external",
    ("mysql", EMBEDDED): "mysql:start_local",
    ("mysql", LOCAL): "mysql:start_local",
    ("mysql", SERVICES): "mysql:external",
    ("app", SERVICES): "app:external",  # only with APP_URL set (see grader/stacks/app.py)
}


def provide(name: str, stack: str) -> Backend:
    module, function = PROVIDERS[(name, stack)].split(":")
    try:
        return getattr(importlib.import_module(f"grader.stacks.{module}"), function)()
    except Exception as exc:  # a provider must never take the scorecard down with it
        return Backend(name, stack, problem=f"could not be prepared: {type(exc).__name__}: {exc}")


@dataclass
class Prepared:
    backends: list[Backend] = field(default_factory=list)

    def wait(self) -> list[str]:
        """Wait for the servers still starting; return the problems (empty when all are ready)."""
        for backend in self.backends:
            backend.wait()
        return self.problems

    @property
    def env(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for backend in self.backends:
            merged.update(backend.env)
        return merged

    @property
    def missing(self) -> list[str]:
        """The backends whose server software is not installed here, by their display names."""
        return [DISPLAY.get(b.name, b.name) for b in self.backends if b.problem and b.missing]

    @property
    def problems(self) -> list[str]:
        return [f"{b.name}: {b.problem}" for b in self.backends if b.problem]


@contextmanager
def prepare(stack: str, needs: tuple[str, ...]) -> Iterator[Prepared]:
    """Start (local) or check (services) the backends in ``needs``, side by side; stop
    the ones we started on the way out, whatever happens. A local server may still be
    starting when this yields: ``Prepared.wait`` blocks until all are ready."""
    prepared = Prepared()
    if needs:
        with ThreadPoolExecutor(max_workers=len(needs)) as pool:
            prepared.backends = list(pool.map(lambda name: provide(name, stack), needs))
    try:
        yield prepared
    finally:
        for backend in prepared.backends:
            backend.stop()
