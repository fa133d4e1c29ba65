"""The test side of the local and services stacks: the learner's app runs in its own
process (started here through grader/stacks/app.py) and the tests reach it over HTTP.

What comes back from the app is data, never code: a 500 body that names an exception is
turned into a verdict here, with the learner-written text cut short.
"""

import errno
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from grader.grading import reap
from grader.stacks.app import AppProcess, AppStartError, Sandbox, missing_settings
from grader.stacks.process import http_ok
from grader.grading.tree import is_module, module_name
from grader.testkit import pipeline

TEXT_LIMIT = 300
MAX_RESPONSE_BYTES = 1 << 20  # no test needs more; a flood must not fill the test process
BACKEND_VARIABLES = ("MONGODB_URL", "KAFKA_BOOTSTRAP_SERVERS", "MYSQL_HOST", "MYSQL_PORT", "MYSQL_USER",
                     "MYSQL_PASSWORD", "MYSQL_DATABASE")

ENDING_SECONDS = 5.0  # how long an app that refused a connection gets to be seen ending


class AppVerdict(Exception):
    """A failure of the learner's app seen from outside; ``outcome`` is the test's verdict.
    ``redacted`` is the same message without any text the learner's code wrote (what a
    hidden test shows, so that its inputs cannot be echoed out through its messages)."""

    outcome = "failed"

    def __init__(self, message: str, redacted: str | None = None):
        super().__init__(message)
        self.redacted = message if redacted is None else redacted


class AppRaised(AppVerdict):
    outcome = "failed"


class AppTimedOut(AppVerdict):
    outcome = "timeout"


class AppEnded(AppVerdict):
    outcome = "error"


class AppUnavailable(AppVerdict):
    outcome = "error"


def _rel(module: str) -> str:
    return module.replace(".", "/") + ".py"


def _cut(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT] + "..."


@dataclass(frozen=True)
class GradingSettings:
    """The settings the app process was started with, as the tests need to know them."""

    database_name: str
    jwt_secret: str
    jwt_algorithm: str = "HS384"  # not production's HS256: code that hard-codes the algorithm fails
    access_token_minutes: int = 15
    bcrypt_rounds: int = 4


class _Connections:
    """One transport for all tests: building one (and its TLS context) per test costs more
    than most tests. Reset ``_pool`` when the app behind it restarts.

    No connection is kept alive between requests: on a fresh connection, an app that ended
    since its last answer refuses the connect (nothing was sent, so the request can go to a
    restarted app), where a kept-alive one would fail mid-request, as if this request had
    ended the app."""

    _pool: httpx.AsyncHTTPTransport | None = None

    def connections(self) -> httpx.AsyncHTTPTransport:
        if self._pool is None:
            self._pool = httpx.AsyncHTTPTransport(verify=False, trust_env=False,
                                                  limits=httpx.Limits(max_keepalive_connections=0))
        return self._pool


class RemoteApp(_Connections):
    """One app process per test process, restarted when a test hangs or ends it.

    The app imports the learner's modules at start-up, each with a time limit, and refuses
    the ones that fail (see starter/backend/diagnostics.py). An import that ends the whole
    process is found from the app's log and refused from the next start on."""

    def __init__(self, settings: GradingSettings, request_timeout: float, notify=lambda message: None):
        self.settings = settings
        self.request_timeout = request_timeout
        self.notify = notify  # one notice for the whole run (above the scorecard)
        self.modules = [module_name(rel) for rel in os.environ.get("GRADER_LEARNER_FILES", "").split(",")
                        if is_module(rel)]  # data files (Task D01's) are read by the tests, never imported
        try:  # learner files the grader refused to take: their modules are refused at once
            broken = dict(json.loads(os.environ.get("GRADER_BROKEN_FILES") or "{}"))
        except (ValueError, TypeError):
            broken = {}
        self.unavailable: dict[str, str] = {module_name(rel): str(why) for rel, why in broken.items()}
        self.import_seconds = max(1.0, request_timeout)
        env = {name: os.environ[name] for name in BACKEND_VARIABLES if name in os.environ}
        env.update(
            DATABASE_NAME=settings.database_name, JWT_SECRET=settings.jwt_secret, JWT_ALGORITHM=settings.jwt_algorithm,
            ACCESS_TOKEN_MINUTES=str(settings.access_token_minutes), BCRYPT_ROUNDS=str(settings.bcrypt_rounds),
            EVENT_SINK="kafka" if pipeline.app_publishes_to_kafka() else "collection", MAIL_SINK="collection",
            ERROR_DETAILS="1", KAFKA_TOPIC_PREFIX=pipeline.APP_PREFIX,
            PRELOAD_MODULES=",".join(self.modules), IMPORT_SECONDS=str(self.import_seconds),
        )
        self.box = Sandbox.for_app(Path(os.environ["GRADER_IMPL_ROOT"]), env)
        self.process = AppProcess(self.box)
        self.needs_restart = True
        self.start_problem = ""
        self.starts = 0
        self.reported: set[str] = set()
        self._launched_unchecked = False  # launched at session start, not yet waited for
        self.after_hang = "the grader restarted the app"
        reap.become_subreaper()  # whatever the app leaves behind comes back to us

    def launch(self) -> None:
        """Start the first app process without waiting for it (see ensure_running)."""
        self.box.env["UNAVAILABLE_MODULES"] = json.dumps(self.unavailable)
        self.process.launch()
        self.starts += 1
        self._launched_unchecked = True

    def ensure_running(self) -> AppProcess:
        if self.start_problem and self.starts >= 2:
            raise AppUnavailable(f"the app could not be started: {self.start_problem}")
        if self.needs_restart or not self.process.alive:
            self._start()
        return self.process

    def _start(self) -> None:
        # One more try for each learner module that may turn out to end the process.
        for _ in range(len(self.modules) + 1):
            timeout = 15 + self.import_seconds * len(self.modules)
            try:
                if self._launched_unchecked:
                    self._launched_unchecked = False
                    self.process.wait_ready(timeout)  # the launch from session start
                else:
                    self.process.stop()
                    self._pool = None  # its kept-alive connections went to the old process
                    self.starts += 1
                    self.box.env["UNAVAILABLE_MODULES"] = json.dumps(self.unavailable)
                    self.process.start(timeout)
            except AppStartError as exc:
                culprit = self._import_in_progress()
                if culprit is None or culprit in self.unavailable:
                    self.start_problem = _cut(str(exc))
                    raise AppUnavailable(f"the app could not be started: {self.start_problem}") from None
                how = ("did not finish" if self.process.alive or "did not answer" in str(exc)
                       else f"ended the app process ({self.process.exit_description()})")
                self.unavailable[culprit] = f"importing {_rel(culprit)} {how}. Look at its module-level code."
                self.process.stop()
                continue
            self.needs_restart = False
            self.start_problem = ""
            self._report_unavailable()
            return

    def _import_in_progress(self) -> str | None:
        """The learner module the app was importing when it stopped, from its own log."""
        started = None
        for line in self.process.log_lines():
            if line.startswith("kit: importing "):
                started = line.removeprefix("kit: importing ").strip()
            elif line.startswith("kit: imported "):
                started = None
        return started if started in self.modules else None

    def _report_unavailable(self) -> None:
        found = dict(self.unavailable)
        health = self.process.health_body()
        if isinstance(health.get("unavailable_modules"), dict):
            found.update({str(k): str(v) for k, v in health["unavailable_modules"].items() if k in self.modules})
        for module, reason in found.items():
            if module not in self.reported:
                self.reported.add(module)
                self.notify(_cut(reason))

    def close(self) -> None:
        self.process.stop()
        self.box.remove()


class _AppTransport(httpx.AsyncBaseTransport):
    """Turns what goes wrong on the wire into a verdict a learner can read."""

    def __init__(self, app: RemoteApp):
        self.app = app
        self.inner = app.connections()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        doing = f"{request.method} {request.url.path}"
        starts = getattr(self.app, "starts", None)  # None: an app the grader did not start
        if starts is not None:
            request = self._addressed(request)
        try:
            try:
                response = await self.inner.handle_async_request(request)
            except httpx.ConnectError as exc:
                # Nothing reached the app. If it ended since its last answer (a control group's
                # memory cap may kill it a moment after it answered an earlier test), this test
                # did not break it: start it again and send the request once more.
                if starts is None or not self._running_again(starts, _refused(exc)):
                    raise
                request = self._addressed(request)
                response = await self.inner.handle_async_request(request)
            body = bytearray()
            async for chunk in response.aiter_raw():
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    await response.aclose()
                    raise AppRaised(f"{doing}: the app answered with more than {MAX_RESPONSE_BYTES >> 20} MiB; "
                                    "the grader stopped reading.")
            response = httpx.Response(response.status_code, headers=response.headers, content=bytes(body),
                                      request=request)
        except httpx.TimeoutException:
            self.app.needs_restart = True
            where = self.app.process.where_stuck()
            at = f" (it was running {where})" if where else ""
            raise AppTimedOut(
                f"{doing}: the app did not answer within {self.app.request_timeout:g} s{at}: look for an infinite "
                f"loop or a call that never returns ({self.app.after_hang}).") from None
        except httpx.TransportError as exc:
            self.app.needs_restart = True
            self.app.process.wait_exit(0.5)  # a process that is ending may still be alive now
            if not self.app.process.alive:
                raise AppEnded(f"{doing}: the app process ended during this request "
                               f"({self.app.process.exit_description()}): the code called os._exit() or crashed "
                               "the interpreter. Services must raise errors, not exit.") from None
            raise AppEnded(f"{doing}: the connection to the app failed ({type(exc).__name__}).") from None
        if response.status_code == 500:
            _raise_for_exception(doing, response)
        raise_for_stub(doing, response)
        return response

    def _running_again(self, starts: int, refused: bool) -> bool:
        """After a request could not connect: whether the app has been started again since the
        request was sent (here, or by another request of the same test). An app still running
        refused the connection itself, and that stays its verdict."""
        if self.app.starts == starts:
            # A refused connection: nothing listens. An app's listening socket closes as it
            # ends, before its PID namespace is torn down, which may take a moment when the
            # memory cap has its processes reclaiming memory.
            self.app.process.wait_exit(ENDING_SECONDS if refused else 0.5)
            if self.app.process.alive:
                return False
            self.app.needs_restart = True
            self.app.ensure_running()  # AppUnavailable says why it could not start again
        self.inner = self.app.connections()
        return True

    def _addressed(self, request: httpx.Request) -> httpx.Request:
        """The request sent to the app's current port (a restarted app listens on a new one)."""
        if request.url.port == self.app.process.port:
            return request
        return httpx.Request(request.method, request.url.copy_with(port=self.app.process.port),
                             headers=[(k, v) for k, v in request.headers.raw if k.lower() != b"host"],
                             content=request.read(), extensions=request.extensions)

    async def aclose(self) -> None:
        pass  # the connection pool lives as long as the test process (one event loop)


def _refused(exc: BaseException | None) -> bool:
    """Whether a connect error is "connection refused" (the errno sits a few causes down)."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno == errno.ECONNREFUSED:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def raise_for_stub(doing: str, response: httpx.Response) -> None:
    """A 501 from the app's stub handler: the method is not written yet. Said the same way
    on every stack, with the line of the stub (the text is the kit's own)."""
    if response.status_code != 501:
        return
    try:
        error = json.loads(response.content)["error"]
        details = error["details"] if error["code"] == "not_implemented" else None
    except (ValueError, KeyError, TypeError):
        return
    if not isinstance(details, dict):
        return
    where = details.get("where")
    at = f" (at {_cut(where)})" if isinstance(where, str) else ""
    exercise = details.get("exercise")
    of = f" (exercise {_cut(exercise)})" if isinstance(exercise, str) else ""
    text = _cut(details.get("text") or "") or "this method"
    raise AppRaised(f"{doing}: not implemented yet: {text} still raises NotImplementedError{at}{of}.",
                    f"{doing}: not implemented yet: this method still raises NotImplementedError{at}{of}.")


class StubTransport(httpx.AsyncBaseTransport):
    """The embedded stack's client transport: the app in this process, its 501 for a stub
    turned into the same verdict as on the other stacks."""

    def __init__(self, inner: httpx.AsyncBaseTransport):
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if response.status_code == 501:
            await response.aread()
            raise_for_stub(f"{request.method} {request.url.path}", response)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def _raise_for_exception(doing: str, response: httpx.Response) -> None:
    try:
        details = response.json()["error"]["details"]
        name, text = _cut(details["exception"]), _cut(details.get("text", ""))
    except (ValueError, KeyError, TypeError):
        return  # not the kit's error body: let the test report the status it got
    where = details.get("where")
    at = f" (at {_cut(where)})" if isinstance(where, str) else ""
    if name == "ModuleUnavailable":
        raise AppEnded(f"{doing}: your code does not import: {text}")  # the grader's own words
    if name in ("SystemExit", "KeyboardInterrupt"):
        raise AppEnded(f"{doing}: your code called exit({text}){at}; services must raise errors, not exit.",
                       f"{doing}: your code called exit(){at}; services must raise errors, not exit.")
    raise AppRaised(f"{doing}: your code raised {name}: {text}{at}.", f"{doing}: your code raised {name}{at}.")


class _ExternalProcess:
    """Stands in for AppProcess when the app runs elsewhere (the compose stack's app service):
    the grader can neither restart it nor ask it where it hangs."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")

    alive = True  # whether it answers is asked through /health (ExternalApp.ensure_running)

    def where_stuck(self) -> None:
        return None

    def wait_exit(self, seconds: float) -> None:
        return None

    def exit_description(self) -> str:
        return "it runs outside the grader, at APP_URL"

    def healthy(self, timeout: float = 1.0) -> bool:
        return http_ok(self.url + "/health", timeout) == ""


EXTERNAL_WAIT = 30.0  # seconds an app service gets to come back (its restart policy restarts it)


def external_settings(env=None) -> GradingSettings:
    """The settings of an app the grader did not start, from the variables the compose file
    gives both the app and the grader service. KeyError names a missing one."""
    env = os.environ if env is None else env
    missing = missing_settings(env)
    if missing:
        raise KeyError(", ".join(missing))
    return GradingSettings(
        database_name=env["DATABASE_NAME"], jwt_secret=env["JWT_SECRET"],
        jwt_algorithm=env.get("JWT_ALGORITHM", GradingSettings.jwt_algorithm),
        access_token_minutes=int(env.get("ACCESS_TOKEN_MINUTES", GradingSettings.access_token_minutes)),
        bcrypt_rounds=int(env.get("BCRYPT_ROUNDS", GradingSettings.bcrypt_rounds)),
    )


class ExternalApp(_Connections):
    """The app at APP_URL on the services stack, started outside the grader (the compose
    stack's ``app`` service, which runs the learner's files in its own container). One app
    and one database: the runner grades with a single test process."""

    def __init__(self, request_timeout: float, env=None):
        env = os.environ if env is None else env
        self.settings = external_settings(env)
        self.request_timeout = request_timeout
        self.process = _ExternalProcess(env["APP_URL"])
        self.needs_restart = True  # here: "check that it answers before the next test"
        self.gone = ""  # why the app is given up on, once it did not come back
        self.after_hang = "the grader did not start this app and cannot restart it: later tests may wait on it too"

    def launch(self) -> None:
        return None  # somebody else started it

    def ensure_running(self) -> _ExternalProcess:
        if self.gone:  # it did not come back once: the grader cannot restart it, so do not wait again
            raise AppUnavailable(self.gone)
        if self.needs_restart:
            deadline = time.monotonic() + EXTERNAL_WAIT
            while not self.process.healthy():
                if time.monotonic() >= deadline:
                    self.gone = (f"the app at {self.process.url} did not answer GET /health within {EXTERNAL_WAIT:g} s "
                                 "(a request that never ends holds it, or it stopped: look at its service's log).")
                    raise AppUnavailable(self.gone)
                time.sleep(0.2)
            self.needs_restart = False
            self._pool = None  # connections kept alive may have gone to a process that ended
        return self.process

    def close(self) -> None:
        return None


def client_for(app: "RemoteApp | ExternalApp") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=_AppTransport(app), base_url=app.process.url,
                             timeout=app.request_timeout, trust_env=False)


def new_settings() -> GradingSettings:
    shard = os.environ.get("GRADER_SHARD", "0/1").replace("/", "of")
    return GradingSettings(database_name=f"grader_{shard}_{secrets.token_hex(4)}",
                           jwt_secret="grader-" + secrets.token_hex(16))


