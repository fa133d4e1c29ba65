"""Say what went wrong inside the app in a way a learner (and the grader) can act on.

- ``error_details``: an unexpected exception becomes a 500 whose body names the exception
  and the innermost line of the service code that raised it, instead of a bare
  "Internal Server Error". ``exit()`` inside a request is reported the same way instead
  of stopping the server.
- ``preload``: import your service modules at start-up, each with a time limit, so a
  module that does not import (a syntax error, an exception, a loop at module level) is
  named once, with its line, and refused at once on every request that needs it, instead
  of failing or hanging each of those requests. The rest of the app keeps working.
- ``block_modules``: modules the grader already knows are broken (an import that ended
  the process, a file it did not take) are refused the same way.
- ``module_unavailable``: a request that needs a refused module answers 500 with the kit's
  error body naming the file, the line and the error (always, like a stub's 501).
"""

import faulthandler
import hashlib
import hmac
import importlib
import json
import os
import re
import signal
import sys
import traceback
import warnings
from importlib.abc import MetaPathFinder

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

TEXT_LIMIT = 500
SERVICE_DIR = os.path.join("backend", "services") + os.sep
APP_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _own_stream():
    """A copy of stderr taken before any learner module is imported: the kit's own reports
    (import markers, where a hung request is) still reach the log when learner code closes
    sys.stderr or file descriptor 2."""
    try:
        return os.fdopen(os.dup(2), "w", buffering=1, encoding="utf-8", errors="replace")
    except OSError:
        return None


REPORTS = _own_stream()


def report(line: str) -> None:
    try:
        print(line, file=REPORTS or sys.__stderr__, flush=True)
    except (OSError, ValueError, AttributeError):
        pass  # nowhere left to write: the grader then reads what it can from the process itself


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings go to the kit's stream too: with stderr closed, Python's own printing of a
    warning (a library's, say PyJWT's) would raise inside the request that caused it."""
    report(warnings.formatwarning(message, category, filename, lineno, line).rstrip("\n"))


warnings.showwarning = _show_warning

# The grader starts the app with a key of its own and asks GET /health with a challenge: the
# answer proves that this is the process it started, not another one on the same port.
CHALLENGE_HEADER = "X-Grader-Challenge"
_HEALTH_KEY = os.environ.pop("GRADER_HEALTH_KEY", "").encode()  # read before learner code runs


def health_proof(challenge: str) -> str:
    if not _HEALTH_KEY or not challenge:
        return ""
    return hmac.new(_HEALTH_KEY, challenge.encode(), hashlib.sha256).hexdigest()


class ModuleUnavailable(ImportError):
    """A module the grader found broken before the app started (``name``: which one)."""


class _Blocker(MetaPathFinder):
    def __init__(self) -> None:
        self.reasons: dict[str, str] = {}

    def find_spec(self, fullname, path=None, target=None):
        if fullname in self.reasons:
            raise ModuleUnavailable(self.reasons[fullname], name=fullname)
        return None


_blocker = _Blocker()


def unavailable() -> dict[str, str]:
    """Module name -> why it is refused (shown by GET /health)."""
    return dict(_blocker.reasons)


def _block(name: str, reason: str) -> None:
    if _blocker not in sys.meta_path:
        sys.meta_path.insert(0, _blocker)
    _blocker.reasons[name] = reason[:TEXT_LIMIT]
    sys.modules.pop(name, None)


def block_modules(reasons_json: str) -> None:
    """``reasons_json`` maps module names to why they cannot be imported (JSON)."""
    try:
        reasons = json.loads(reasons_json) if reasons_json else {}
    except ValueError:
        return
    if isinstance(reasons, dict):
        for name, reason in reasons.items():
            _block(str(name), str(reason))


class _TooSlow(BaseException):
    pass


def _describe_import(exc: BaseException, name: str) -> str:
    rel = name.replace(".", "/") + ".py"
    if isinstance(exc, SyntaxError):
        return f"{rel}, line {exc.lineno}: SyntaxError: {exc.msg}. Nothing in this file can run until it is fixed."
    lines = [lineno for frame, lineno in traceback.walk_tb(exc.__traceback__)
             if frame.f_code.co_filename.endswith(rel)]
    at = f" at line {lines[-1]}" if lines else ""
    return f"importing {rel} failed{at}: {type(exc).__name__}: {str(exc)[:TEXT_LIMIT]}"


def preload(names: list[str], seconds: float) -> None:
    """Import each module now (in the main thread, before serving), each within ``seconds``.
    A line on stderr before each one lets the grader tell which import ended the process."""
    def too_slow(signum, frame):
        raise _TooSlow()

    for name in names:
        if name in _blocker.reasons:
            continue
        report(f"kit: importing {name}")
        previous = signal.signal(signal.SIGALRM, too_slow)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            importlib.import_module(name)
        except _TooSlow:
            _block(name, f"importing {name.replace('.', '/')}.py did not finish within {seconds:g} s "
                         "(a loop or a wait at module level?)")
        except BaseException as exc:  # SyntaxError, ImportError, SystemExit, anything
            _block(name, _describe_import(exc, name))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        report(f"kit: imported {name}")


def where(exc: BaseException) -> str | None:
    """``backend/services/auth.py:42 in login`` for the innermost service frame, if any."""
    found = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        path = os.path.relpath(frame.f_code.co_filename, APP_ROOT)
        if path.startswith(SERVICE_DIR):
            found = f"{path}:{lineno} in {frame.f_code.co_name}"
    return found


_EXERCISE = re.compile(r"Exercise ([A-Z]*\d+\.\d+)")
EXERCISES_FILE = os.path.join(APP_ROOT, "exercises.json")  # written by the grader's tree builder


def _exercises() -> dict:
    """Exercise id -> {"title", "doc"}, from the course manifest by way of the file the kit
    writes beside the app when it lays the app out (grading, ``grade serve``); empty when the
    app runs from a plain checkout."""
    try:
        with open(EXERCISES_FILE, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _service_stub(exc: BaseException):
    """The service-layer frame a NotImplementedError was raised in, if it was raised there (a
    stub); None when a library raised it on the way (the embedded database's "not implemented
    in Mongomock" is not the learner's stub)."""
    frames = list(traceback.walk_tb(exc.__traceback__))
    if frames and os.path.relpath(frames[-1][0].f_code.co_filename, APP_ROOT).startswith(SERVICE_DIR):
        return frames[-1]
    return None


def not_implemented(exc: BaseException) -> dict | None:
    """The 501 body for a learner's method that still raises NotImplementedError: which
    exercise it belongs to (from its docstring) and the doc section to read. None when the
    error did not come from the service layer (a library's NotImplementedError)."""
    stub = _service_stub(exc)
    if stub is None:
        return None
    frame, lineno = stub
    target = frame.f_globals
    qualname = frame.f_code.co_qualname
    for part in qualname.split("."):
        target = target.get(part) if isinstance(target, dict) else getattr(target, part, None)
    found = _EXERCISE.search(getattr(target, "__doc__", None) or "")
    exercise = found.group(1) if found else None
    info = _exercises().get(exercise, {}) if exercise else {}
    path = os.path.relpath(frame.f_code.co_filename, APP_ROOT)
    if exercise:
        named = f"Exercise {exercise}" + (f" ({info['title']})" if info.get("title") else "")
        message = f"{named} is not done yet: {qualname} still raises NotImplementedError."
    else:
        message = f"{qualname} is not done yet: it still raises NotImplementedError."
    if info.get("doc"):
        message += f" Read {info['doc']}."
    details = {"exercise": exercise, "title": info.get("title"), "doc": info.get("doc"),
               "where": f"{path}:{lineno} in {frame.f_code.co_name}", "text": str(exc)[:TEXT_LIMIT]}
    return {"error": {"code": "not_implemented", "message": message,
                      "details": {k: v for k, v in details.items() if v}}}


_LINE = re.compile(r"\bline (\d+)")


def module_unavailable(exc: ModuleUnavailable) -> dict:
    """The 500 body for a request that needs a learner module that cannot be used (it does
    not import, or its file was not taken): which file, where and why, in the words of what
    refused it. ``exception`` and ``text`` are as ``describe`` has them: the grader reads those."""
    reason = str(exc)[:TEXT_LIMIT]
    rel = exc.name.replace(".", "/") + ".py" if exc.name else None
    found = _LINE.search(reason)
    details = {"exception": type(exc).__name__, "text": reason, "file": rel,
               "line": int(found.group(1)) if found else None,
               "where": f"{rel}:{found.group(1)}" if rel and found else None}
    needs = f"This endpoint needs {rel}, which cannot be used: " if rel else "This endpoint cannot run: "
    return {"error": {"code": "module_unavailable", "message": needs + reason,
                      "details": {k: v for k, v in details.items() if v is not None}}}


def describe(exc: BaseException) -> dict:
    details = {"exception": type(exc).__name__, "text": str(exc)[:TEXT_LIMIT]}
    location = where(exc)
    if location:
        details["where"] = location
    return {"error": {"code": "internal_error", "message": "The app raised an unexpected exception.",
                      "details": details}}


class _CatchExit:
    """ASGI middleware: ``exit()`` inside a request answers 500 instead of stopping the server
    (SystemExit is not an Exception, so no exception handler sees it)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        started = False

        async def watch(message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except (SystemExit, KeyboardInterrupt) as exc:
            if scope["type"] != "http" or started:
                return
            await JSONResponse(describe(exc), status_code=500)(scope, receive, send)


def install(app: FastAPI) -> None:
    # SIGUSR1 prints where every thread is, even while a loop holds the event loop: the
    # grader sends it when a request hangs, to tell you which line was running.
    faulthandler.register(signal.SIGUSR1, file=REPORTS or sys.__stderr__, all_threads=True)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(describe(exc), status_code=500)

    app.add_middleware(_CatchExit)


def grading() -> bool:
    """True in a grading run: the grader started this app (it holds the health key), or the
    tests built it in their own process (the embedded stack)."""
    return bool(_HEALTH_KEY) or os.environ.get("GRADER_IN_PROCESS") == "1"


def install_event_probe(app: FastAPI) -> None:
    """Grading only (GRADER_HEALTH_KEY set): routes through which the tests of Task 09 drive
    the app's publisher exactly as a service does, without any other task's code.

    POST /_kit/emit  {"event_type", "entity_id", "data"[, "bootstrap_servers"]}: ``await
    events.emit(...)`` on the app's publisher (or, with ``bootstrap_servers``, on a new
    ``KafkaPublisher`` for that broker); 200 with how long it took and whether the publisher
    is the process's ``get_publisher()``, 503 when delivery failed, 501 for a stub.
    POST /_kit/flush {"timeout"}: the publisher's ``flush(timeout)``. The routes of
    ``install_kafka_probe`` come with these."""
    import time

    def _failure(exc: BaseException) -> JSONResponse:
        if isinstance(exc, NotImplementedError):
            where = traceback.extract_tb(exc.__traceback__)[-1]
            return JSONResponse({"error": {"code": "not_implemented", "message": (
                f"{exc} still raises NotImplementedError ({os.path.relpath(where.filename, APP_ROOT)}:"
                f"{where.lineno}): Task 09 is not done yet.")}}, status_code=501)
        code = 503 if type(exc).__name__ == "EventDeliveryError" else 500
        return JSONResponse({"error": {"code": type(exc).__name__, "message": str(exc)[:TEXT_LIMIT]}},
                            status_code=code)

    @app.post("/_kit/emit", include_in_schema=False)
    async def kit_emit(request: Request) -> JSONResponse:
        body = await request.json()
        started = time.monotonic()
        built = None
        try:
            from backend import kafka_events
            from shared.events import EventType

            publisher = request.app.state.events
            problem = getattr(request.app.state, "events_problem", "")
            if problem and not body.get("bootstrap_servers"):
                return JSONResponse({"error": {"code": "no_publisher", "message": problem[:TEXT_LIMIT]}},
                                    status_code=501)
            if body.get("bootstrap_servers"):
                publisher = kafka_events.KafkaPublisher(kafka_events.KafkaSettings.from_env(
                    {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": body["bootstrap_servers"]}))
            built = time.monotonic() - started
            await publisher.emit(EventType(body["event_type"]), body["entity_id"], body.get("data") or {})
            try:
                singleton = kafka_events.get_publisher() is request.app.state.events
            except Exception:  # noqa: BLE001
                singleton = False
        except Exception as exc:  # noqa: BLE001 (reported to the test, whatever it is)
            response = _failure(exc)
            response.headers["X-Seconds"] = f"{time.monotonic() - started:.3f}"
            if built is not None:  # how long building the publisher took, before emit failed
                response.headers["X-Built-Seconds"] = f"{built:.3f}"
            return response
        return JSONResponse({"emitted": True, "seconds": time.monotonic() - started, "built_seconds": built,
                             "publisher": type(request.app.state.events).__name__,
                             "is_get_publisher": singleton})

    @app.post("/_kit/flush", include_in_schema=False)
    async def kit_flush(request: Request) -> JSONResponse:
        body = await request.json()
        problem = getattr(request.app.state, "events_problem", "")
        if problem:
            return JSONResponse({"error": {"code": "no_publisher", "message": problem[:TEXT_LIMIT]}}, status_code=501)
        try:
            left = request.app.state.events.flush(float(body.get("timeout", 5)))
        except Exception as exc:  # noqa: BLE001
            return _failure(exc)
        return JSONResponse({"left": left})

    install_kafka_probe(app)


def install_kafka_probe(app: FastAPI) -> None:
    """Grading only: Task 09's settings, configurations and routing, called with the
    arguments a test sends (the learner's code runs here, in the app's process, never in
    the test's). Each answer holds, per call, its value or ``{"error": "Type: message"}``;
    a stub answers ``{"error": "NotImplementedError: ..."}`` like any other failure.

    POST /_kit/kafka/config {"env": {...}}: both sides' settings and client configurations.
    POST /_kit/kafka/topic {"event_type", "prefix"}: ``topic_for``.
    POST /_kit/kafka/route {"env", "register": [types], "values": [text | null],
    "failing": [types]}: an ``EventConsumer`` with a recording handler for each registered
    type (one that raises for the types in ``failing``); its ``topics()``, and for each
    value the result of ``handle(value)``, what the handlers got and what was logged."""
    import dataclasses
    import logging

    def call(function, *args):
        try:
            value = function(*args)
            return dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value
        except BaseException as exc:  # noqa: BLE001 (reported to the test, whatever it is)
            return {"error": f"{type(exc).__name__}: {str(exc)[:TEXT_LIMIT]}"}

    @app.post("/_kit/kafka/config", include_in_schema=False)
    async def kit_config(request: Request) -> JSONResponse:
        env = (await request.json()).get("env") or {}
        from analytics import consumer
        from backend import kafka_events

        producer = call(kafka_events.KafkaSettings.from_env, env)
        subscriber = call(consumer.ConsumerSettings.from_env, env)
        body = {"producer_settings": producer, "consumer_settings": subscriber,
                "producer_config": call(lambda: kafka_events.producer_config(kafka_events.KafkaSettings.from_env(env))),
                "consumer_config": call(lambda: consumer.consumer_config(consumer.ConsumerSettings.from_env(env)))}
        return JSONResponse(json.loads(json.dumps(body, default=repr)))

    @app.post("/_kit/kafka/topic", include_in_schema=False)
    async def kit_topic(request: Request) -> JSONResponse:
        body = await request.json()
        from backend import kafka_events

        return JSONResponse({"topic": call(kafka_events.topic_for, body.get("event_type"), body.get("prefix", ""))})

    @app.post("/_kit/kafka/route", include_in_schema=False)
    async def kit_route(request: Request) -> JSONResponse:
        body = await request.json()
        from analytics import consumer

        got: list[dict] = []
        logged: list[str] = []

        class Keep(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                logged.append(f"{record.levelname}: {record.getMessage()}"[:TEXT_LIMIT])

        def recorder(event_type: str):
            def handler(envelope):
                got.append({"handler": event_type, "envelope": envelope})
                if event_type in (body.get("failing") or []):
                    raise RuntimeError(f"the test's handler for {event_type} fails, as asked")
            return handler

        keep = Keep(level=logging.DEBUG)
        logging.getLogger().addHandler(keep)
        try:
            made = call(lambda: consumer.EventConsumer(consumer.ConsumerSettings.from_env(body.get("env") or {})))
            if isinstance(made, dict) and "error" in made:
                return JSONResponse({"error": made["error"]})
            registered = [call(made.register, t, recorder(t)) for t in body.get("register") or []]
            topics = call(made.topics)
            results = []
            for value in body.get("values") or []:
                results.append(call(made.handle, None if value is None else value.encode("utf-8", "surrogateescape")))
        finally:
            logging.getLogger().removeHandler(keep)
        return JSONResponse(json.loads(json.dumps({"registered": registered, "topics": topics, "results": results,
                                                   "handled": got, "logged": logged}, default=repr)))
