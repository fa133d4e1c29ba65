"""The pytest plugin the grader loads into the child test process.

It writes one JSON line per event to the file named by ``GRADER_EVENTS`` and flushes each
line at once, so the parent process knows how far the run got even if learner code hangs
or kills the process. The kinds are named in grader/grading/protocol.py; grader/grading/runner.py reads them.

    {"kind": "collected", "tests": [{"nodeid", "exercise", "weight", "must", "race", "ties", "server"}...]}
                                                        every test, before sharding
    {"kind": "collect_error", "message"}                a test file that could not be collected
    {"kind": "import_start", "file"}                    embedded stack: a learner file is being
                                                        imported, before any test
    {"kind": "import", "file", "ok", "message"}         how that import ended
    {"kind": "start", "nodeid"}                         a test begins
    {"kind": "result", "nodeid", "outcome", "message", "duration"}
    {"kind": "notice", "message"}                       about the whole run; written through this
                                                        plugin's recorder by grader/testkit/fixtures.py

Outcomes: passed, failed, error, timeout, needs_services (not_run is the runner's own).
"""

import importlib
import json
import os
import signal
import sys
import types

import pytest

from grader.grading import diagnose, protocol, tree

DEFAULT_IMPORT_SECONDS = 10


class _Recorder:
    def __init__(self, path: str):
        self._file = open(path, "a", encoding="utf-8")

    def write(self, **event) -> None:
        self._file.write(json.dumps(event) + "\n")
        self._file.flush()


def _learner_files() -> list[str]:
    return [f for f in os.environ.get("GRADER_LEARNER_FILES", "").split(",") if f]


class _ImportTimedOut(BaseException):
    pass


def _broken_module(name: str, reason: str) -> types.ModuleType:
    """A placeholder for a learner module that cannot be imported safely: touching it
    raises ImportError at once, so tests fail fast instead of hanging again."""
    module = types.ModuleType(name)

    def __getattr__(attr):
        raise diagnose.LearnerModuleUnavailable(reason)

    module.__getattr__ = __getattr__  # type: ignore[attr-defined]
    return module


def _exercise_of(item) -> tuple:
    marker = item.get_closest_marker("exercise")
    return tuple(marker.args[:1]) if marker else ()


def _weighing(item) -> dict:
    """The test's weight and, for a test of a rule the doc states as a must, the rule."""
    weight = item.get_closest_marker("weight")
    marks = {name: item.get_closest_marker(name) for name in ("must", "race", "ties")}
    return {"weight": weight.args[0] if weight and weight.args else 1,
            **{name: str(mark.args[0]) if mark and mark.args else "" for name, mark in marks.items()},
            "server": item.get_closest_marker("needs_services") is not None}


class GraderPlugin:
    def __init__(self, recorder: _Recorder, deselect: set[str], broken: dict[str, str], import_seconds: float,
                 shard: str = "0/1"):
        self.recorder = recorder
        self.shard, self.shards = (int(part) for part in shard.split("/"))
        self.import_seconds = import_seconds
        self.deselect = deselect
        self.broken = broken
        self.impl_root = os.environ.get("GRADER_IMPL_ROOT", "")
        self.stack = os.environ.get("GRADER_STACK", "embedded")
        hidden = os.environ.get("GRADER_HIDDEN_TESTS", "").strip("/")
        self.hidden_prefix = hidden + "/" if hidden else ""
        self.phases: dict[str, dict] = {}
        self.exercises = {(e,) for e in os.environ.get("GRADER_EXERCISES", "").split(",") if e}

    # -- streams a learner may close -------------------------------------------------

    def pytest_sessionstart(self, session):
        # pytest's own output gets a private copy of stdout, so learner code that closes
        # sys.stdout (or fd 1) cannot crash the test process.
        from _pytest._io import TerminalWriter

        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            private = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8", errors="replace")
            reporter._tw = TerminalWriter(private)  # pytest keeps its writer here (no public setter)

    @staticmethod
    def _heal_streams() -> None:
        """Give closed standard streams a harmless replacement."""
        for fd in (1, 2):
            try:
                os.fstat(fd)
            except OSError:
                os.dup2(os.open(os.devnull, os.O_WRONLY), fd)
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if stream is None or getattr(stream, "closed", False):
                setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))

    # -- collection ----------------------------------------------------------------

    def pytest_collection_modifyitems(self, session, config, items):
        if self.exercises:  # grading some exercises only: the others' tests are not even announced
            chosen = [i for i in items if _exercise_of(i) in self.exercises]
            config.hook.pytest_deselected(items=[i for i in items if i not in chosen])
            items[:] = chosen
        tests = []
        for item in items:
            marker = item.get_closest_marker("exercise")
            tests.append({"nodeid": item.nodeid, "exercise": marker.args[0] if marker else None, **_weighing(item)})
        self.recorder.write(kind=protocol.COLLECTED, tests=tests)
        kept, dropped = [], []
        for k, item in enumerate(items):
            mine = k % self.shards == self.shard and item.nodeid not in self.deselect
            (kept if mine else dropped).append(item)
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept

    def pytest_collectreport(self, report):
        if report.failed:
            self.recorder.write(kind=protocol.COLLECT_ERROR, message=str(report.longrepr)[-2000:])

    # -- learner files must import before any test runs ----------------------------

    def pytest_collection_finish(self, session):
        if self.stack != "embedded":
            return  # the app runs in its own process; learner code is never imported here
        for rel in _learner_files():
            if not tree.is_module(rel):
                continue  # data the tests read (Task D01's compose file and Dockerfiles), not a module
            name = tree.module_name(rel)
            if rel in self.broken:
                sys.modules[name] = _broken_module(name, self.broken[rel])
                continue
            self.recorder.write(kind=protocol.IMPORT_START, file=rel)
            message = self._import(name, rel)
            self._heal_streams()
            self.recorder.write(kind=protocol.IMPORT, file=rel, ok=message is None, message=message)

    def _import(self, name: str, rel: str) -> str | None:
        def on_alarm(signum, frame):
            raise _ImportTimedOut()

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, self.import_seconds)
        try:
            importlib.import_module(name)
            return None
        except _ImportTimedOut:
            reason = f"importing {rel} did not finish within {self.import_seconds:g} s (a loop or a wait at module level?)"
            sys.modules[name] = _broken_module(name, reason)
            return reason
        except BaseException as exc:  # SyntaxError, ImportError, SystemExit, anything
            sys.modules.pop(name, None)
            return diagnose.describe_import_failure(exc, rel, self.impl_root)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    # -- running -------------------------------------------------------------------

    def pytest_runtest_logstart(self, nodeid, location):
        self._heal_streams()
        self.phases[nodeid] = {}
        self.recorder.write(kind=protocol.START, nodeid=nodeid)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        redact = self.stack != "embedded" and self.hidden_prefix and item.nodeid.startswith(self.hidden_prefix)
        verdict = diagnose.verdict(report, call, item, self.impl_root, _learner_files(), redact=bool(redact))
        self.phases.setdefault(item.nodeid, {})[call.when] = (verdict, report.duration)

    def pytest_runtest_logfinish(self, nodeid, location):
        phases = self.phases.pop(nodeid, {})
        outcome, message = protocol.PASSED, ""
        for when in ("setup", "call", "teardown"):
            if when not in phases:
                continue
            (phase_outcome, phase_message), _ = phases[when]
            if phase_outcome != protocol.PASSED:
                if when != "call" and phase_outcome == protocol.FAILED:
                    phase_outcome = protocol.ERROR
                outcome, message = phase_outcome, phase_message
                break
        duration = sum(d for _, d in phases.values())
        self.recorder.write(kind=protocol.RESULT, nodeid=nodeid, outcome=outcome, message=message, duration=round(duration, 4))


def pytest_configure(config):
    config.addinivalue_line("markers", "exercise(id): the course exercise this test belongs to")
    config.addinivalue_line("markers", "needs_services(why): needs a real server (local or services stack); on "
                            "embedded it is reported, with why, as needing the local stack")
    config.addinivalue_line("markers", "weight(n): the test's share of its exercise's points (default 1)")
    config.addinivalue_line("markers", "must(rule): the test checks a rule the task doc states as a must")
    config.addinivalue_line("markers", "race(rule): the test sends concurrent requests that race on a rule of the "
                            "manifest's races (scoring rule 7)")
    config.addinivalue_line("markers", "ties(listing): the test pages through items that tie on the sort key of a "
                            "listing of the manifest's listings (scoring rule 7)")
    path = os.environ.get("GRADER_EVENTS")
    if not path:
        return
    deselect = set(filter(None, os.environ.get("GRADER_DESELECT", "").split("\n")))
    try:
        broken = dict(json.loads(os.environ.get("GRADER_BROKEN_FILES") or "{}"))
    except (ValueError, TypeError):
        broken = {}
    import_seconds = float(config.getoption("timeout", None) or DEFAULT_IMPORT_SECONDS)
    plugin = GraderPlugin(_Recorder(path), deselect, broken, import_seconds, os.environ.get("GRADER_SHARD", "0/1"))
    config.pluginmanager.register(plugin, "grader-recorder")


