"""The analytics service: a Kafka consumer that keeps the MySQL reporting tables.

This file is the kit's; you write the parts it puts together:

    analytics/consumer.py   the consumer framework (Task 09)
    analytics/db.py         the MySQL connection (Task M00)
    analytics/users.py      the users table and its events (Task M01)
    analytics/suppliers.py  the suppliers tables and their events (Task M02)
    analytics/products.py   the products tables, their events and reports (Task M04)
    analytics/posts.py      the posts table, its events and reports (Task M05)
    analytics/orders.py     the orders tables, their events and reports (Task M07)

At start-up it reads its settings, connects to MySQL, creates every table the table modules
define, registers their handlers (each event applied in one MySQL transaction) and consumes
until SIGTERM or SIGINT. A part that is still a stub is reported once: a table module is left
out, and the kit's stand-in (``analytics/standins.py``) takes the place of a stub consumer or
connection, so the service runs from your first MySQL task on (the compose stack's ``analytics`` service
starts it: ``docker compose up analytics``).

``GET /health`` on ``ANALYTICS_HOST:ANALYTICS_PORT`` answers 200 with what runs
(``consuming``, ``parts``, ``handlers``) once the consumer runs, 503 before;
``GET /health?servers=1`` (the compose healthcheck) also asks Kafka and MySQL, and answers
503 with a ``reason`` naming what is down. Settings MySQL refuses at start-up end the service
(exit code 2) with one line saying why.

Grading settings (the grader sets them; you never need to): ``ANALYTICS_PARTS`` names the
parts taken from your files (the others are stand-ins or left out, so grading one task never
runs another task's code), ``ANALYTICS_PROBE`` a file where the kit's probe handlers record
the events they get (grading Task 09 and M00), ``ANALYTICS_FAULT`` a fault to inject, ``ANALYTICS_PROBE_TABLES`` (JSON) statements added
to ``init_tables`` (grading M00, which has no tables of its own), ``KAFKA_SESSION_TIMEOUT_MS``
the stand-in consumer's session timeout (the tests' is short, so a restart rejoins sooner).
"""

import hashlib
import hmac
import importlib
import json
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

log = logging.getLogger("analytics")

TABLE_MODULES = ("users", "suppliers", "products", "posts", "orders")
PARTS = ("consumer", "db", *TABLE_MODULES)
EXERCISE_OF = {"consumer": "Task 09", "db": "Task M00", "users": "Task M01", "suppliers": "Task M02",
               "products": "Task M04", "posts": "Task M05", "orders": "Task M07"}
EXIT_SETTINGS, EXIT_NOT_DONE = 2, 3


def _own_stream():
    # The kit's reports go to a copy of stderr taken before learner code runs: closing
    # sys.stderr or fd 2 in a learner module cannot hide them from the grader.
    try:
        return os.fdopen(os.dup(2), "w", buffering=1, encoding="utf-8", errors="replace")
    except OSError:
        return None


REPORTS = _own_stream()


def report(line: str) -> None:
    try:
        print(f"analytics: {line}", file=REPORTS or sys.__stderr__, flush=True)
    except (OSError, ValueError, AttributeError):
        pass


@dataclass(frozen=True)
class Settings:
    host: str = "0.0.0.0"  # where GET /health is served; 0.0.0.0 so other containers reach it
    port: int = 8001
    parts: str = ""  # ANALYTICS_PARTS: "" = every part that is done, stand-ins for the rest
    probe: str = ""
    fault: str = ""

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ
        return cls(host=env.get("ANALYTICS_HOST", cls.host), port=int(env.get("ANALYTICS_PORT", cls.port)),
                   parts=env.get("ANALYTICS_PARTS", "auto"), probe=env.get("ANALYTICS_PROBE", ""),
                   fault=env.get("ANALYTICS_FAULT", ""))

    def forced(self) -> set[str] | None:
        """The parts that must be the learner's (grading), or None: each part that is done."""
        if self.parts == "auto":
            return None
        return {p.strip() for p in self.parts.split(",") if p.strip()}


class NotDone(Exception):
    """A learner part that is still a stub, or does not import."""


class State:
    """What GET /health reports."""

    def __init__(self) -> None:
        self.consuming = False
        self.parts: dict[str, str] = {}
        self.handlers: list[str] = []


def _load(part: str):
    try:
        return importlib.import_module(f"analytics.{part}")
    except Exception as exc:  # noqa: BLE001 (a learner module that does not import)
        raise NotDone(f"analytics/{part}.py does not import: {type(exc).__name__}: {exc}") from None


def _stub(part: str, exc: NotImplementedError) -> NotDone:
    return NotDone(f"{EXERCISE_OF[part]}: analytics/{part}.py is not done yet ({exc} still raises "
                   "NotImplementedError)")


def build_consumer(use_learner: bool):
    env = os.environ
    if use_learner:
        module = _load("consumer")
        try:
            settings = module.ConsumerSettings.from_env()
            return module.EventConsumer(settings), "yours"
        except NotImplementedError as exc:
            raise _stub("consumer", exc) from None
    from analytics.standins import StandInConsumer

    return StandInConsumer(env.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                           env.get("KAFKA_GROUP_ID", "analytics-replica"), env.get("KAFKA_TOPIC_PREFIX", ""),
                           int(env.get("KAFKA_SESSION_TIMEOUT_MS") or 6000)), "stand-in"


def build_database(use_learner: bool):
    env = os.environ
    if use_learner:
        module = _load("db")
        try:
            return module.Database(module.MySQLSettings.from_env()), "yours"
        except NotImplementedError as exc:
            raise _stub("db", exc) from None
    from analytics.standins import StandInDatabase

    return StandInDatabase(env.get("MYSQL_HOST", "localhost"), int(env.get("MYSQL_PORT", "3306")),
                           env.get("MYSQL_USER", "analytics"), env.get("MYSQL_PASSWORD", ""),
                           env.get("MYSQL_DATABASE", "analytics")), "stand-in"


def _choose(part: str, forced: set[str] | None, build: Callable[[bool], Any], state: State):
    """The learner's part when grading names it or (otherwise) when it is done; else the stand-in."""
    if forced is not None:
        built, who = build(part in forced)
    else:
        try:
            built, who = build(True)
        except NotDone as exc:
            report(f"{exc}; using the kit's stand-in")
            built, who = build(False)
    state.parts[part] = who
    return built


def table_modules(forced: set[str] | None, state: State) -> list[tuple[str, list[str], dict]]:
    """(name, CREATE statements, handlers) of each table module in use."""
    found = []
    for part in TABLE_MODULES:
        if forced is not None and part not in forced:
            continue
        try:
            module = _load(part)
            try:
                statements, handlers = list(module.tables()), dict(module.handlers())
            except NotImplementedError as exc:
                raise _stub(part, exc) from None
        except NotDone as exc:
            if forced is not None:
                raise
            report(f"{exc}; its tables are left out")
            continue
        state.parts[part] = "yours"
        found.append((part, statements, handlers))
    return found


class Probe:
    """The kit's probe handlers (grading only): each event of any type is recorded in a JSON
    lines file; ``data._probe`` may ask the handler to fail a number of times, to sleep, or
    (with a database) to run SQL inside the event's transaction, then fail or not."""

    def __init__(self, path: str, database: Any = None):
        self.path, self.database = path, database
        self._lock = threading.Lock()

    def _write(self, record: dict) -> None:
        with self._lock, open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")

    def _tries(self, event_id: str) -> int:
        try:
            with open(self.path, encoding="utf-8") as records:
                return sum(1 for line in records if f'"{event_id}"' in line and '"start"' in line)
        except OSError:
            return 0

    def __call__(self, envelope: dict) -> None:
        order = (envelope.get("data") or {}).get("_probe") or {}
        event_id = str(envelope.get("event_id"))
        tries = self._tries(event_id)
        self._write({"phase": "start", "event_id": event_id, "event_type": envelope.get("event_type"),
                     "entity_id": envelope.get("entity_id"), "pid": os.getpid(), "at": time.time()})
        time.sleep(float(order.get("sleep", 0)))
        if self.database is not None and order.get("sql"):
            with self.database.transaction() as conn:
                cursor = conn.cursor()
                for statement in order["sql"]:
                    cursor.execute(statement)
                if order.get("raise_in_transaction"):
                    raise RuntimeError("probe: failing inside the transaction, as asked")
        if tries < int(order.get("fail_times", 0)):
            raise RuntimeError(f"probe: failing try {tries + 1} of {order['fail_times']}, as asked")
        self._write({"phase": "done", "event_id": event_id, "pid": os.getpid(), "at": time.time()})


def _with_fault(fault: str, handler: Callable[[dict], None]) -> Callable[[dict], None]:
    """``kill-after:<event_id>``: SIGKILL this process right after that event's handler
    returned (its transaction committed), before the consumer can commit the offset."""
    kind, _, event_id = fault.partition(":")
    if kind != "kill-after" or not event_id:
        return handler

    def faulty(envelope: dict) -> None:
        handler(envelope)
        if envelope.get("event_id") == event_id:
            report(f"fault: killed after applying {event_id}, before the offset commit")
            # Not a signal to ourselves: the first process of a PID namespace (the grading's
            # sandbox) ignores a SIGKILL it sends itself. No clean-up, no commit: as a crash.
            os._exit(137)

    return faulty


def _in_transaction(database: Any, handler: Callable[[Any, dict], None]) -> Callable[[dict], None]:
    def applied(envelope: dict) -> None:
        with database.transaction() as conn:
            handler(conn, envelope)

    return applied


CHECK_SECONDS = 2.0


def check_kafka(bootstrap: str, timeout: float = CHECK_SECONDS) -> str:
    """"" when a broker at ``bootstrap`` answers a metadata request, else why not."""
    from confluent_kafka import KafkaException
    from confluent_kafka.admin import AdminClient

    errors: list[str] = []
    try:
        # log_level 0: librdkafka's own retry messages stay off stderr; error_cb keeps the
        # first error ("Connection refused"), which says more than list_topics' timeout.
        admin = AdminClient({"bootstrap.servers": bootstrap, "log_level": 0, "socket.timeout.ms": int(timeout * 1000),
                             "error_cb": lambda err: errors.append(err.str())})
        admin.list_topics(timeout=timeout)
    except KafkaException as exc:
        admin.poll(0)  # error_cb only runs from poll()
        return (errors[0] if errors else exc.args[0].str())[:200]
    except Exception as exc:  # noqa: BLE001 (a setting librdkafka rejects: an empty bootstrap list, ...)
        return f"{type(exc).__name__}: {exc}"[:200]
    return ""


def check_mysql(timeout: float = CHECK_SECONDS) -> str:
    """"" when MySQL answers ``SELECT 1`` with the service's settings, else why not."""
    import pymysql

    env, seconds = os.environ, max(1, round(timeout))  # pymysql takes whole seconds
    try:
        conn = pymysql.connect(host=env.get("MYSQL_HOST", "localhost"), port=int(env.get("MYSQL_PORT", "3306")),
                               user=env.get("MYSQL_USER", "analytics"), password=env.get("MYSQL_PASSWORD", ""),
                               database=env.get("MYSQL_DATABASE", "analytics"), connect_timeout=seconds,
                               read_timeout=seconds)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1")
        finally:
            conn.close()
    except Exception as exc:  # noqa: BLE001 (pymysql.MySQLError, or a bad host name: a reason either way)
        return f"{type(exc).__name__}: {exc}"[:200]
    return ""


def servers(state: "State") -> tuple[list[str], dict]:
    """GET /health?servers=1: whether Kafka and (when the service uses it) MySQL answer."""
    env = os.environ
    found: dict = {}
    down = []
    where = {"kafka": env.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
             "mysql": f"{env.get('MYSQL_HOST', 'localhost')}:{env.get('MYSQL_PORT', '3306')}/"
                      f"{env.get('MYSQL_DATABASE', 'analytics')}"}
    checks = {"kafka": lambda: check_kafka(where["kafka"])}
    if "db" in state.parts:
        checks["mysql"] = check_mysql
    for name, check in checks.items():
        problem = check()
        found[name] = {"ok": not problem, "at": where[name], **({"error": problem} if problem else {})}
        if problem:
            down.append(f"{name} at {where[name]} is down ({problem})")
    return down, found


def health_proof(challenge: str) -> str:
    key = os.environ.get("GRADER_HEALTH_KEY", "")
    return hmac.new(key.encode(), challenge.encode(), hashlib.sha256).hexdigest() if key and challenge else ""


def make_server(settings: Settings, state: State) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            path, _, query = self.path.partition("?")
            if path != "/health":
                self._send(404, {"detail": "Not Found"})
                return
            body = {"status": "ok" if state.consuming else "starting", "consuming": state.consuming,
                    "parts": state.parts, "handlers": state.handlers}
            if "servers=1" in query.split("&"):  # the compose healthcheck: are Kafka and MySQL there?
                down, body_servers = servers(state)
                body.update(body_servers)
                if down:
                    body["status"], body["reason"] = "unavailable", "; ".join(down)
            proof = health_proof(self.headers.get("X-Grader-Challenge", ""))
            if proof:
                body["proof"] = proof
            self._send(200 if body["status"] == "ok" else 503, body)

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args) -> None:  # the healthcheck asks every few seconds
            pass

    server = ThreadingHTTPServer((settings.host, settings.port), Handler)
    server.daemon_threads = True
    return server


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    settings = Settings.from_env()
    state = State()
    server = make_server(settings, state)
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    report(f"GET /health on {settings.host}:{server.server_address[1]}")
    forced = settings.forced()
    try:
        modules = table_modules(forced, state)
        # Grading the consumer framework alone (Task 09) needs no MySQL at all.
        database = None
        if forced is None or modules or "db" in forced:
            database = _choose("db", forced, build_database, state)
            try:
                database.connect()
                extra = json.loads(os.environ.get("ANALYTICS_PROBE_TABLES") or "[]")  # grading M00 only
                database.init_tables([s for _, statements, _ in modules for s in statements] + list(extra))
            except NotImplementedError as exc:
                raise _stub("db", exc) from None
        consumer = _choose("consumer", forced, build_consumer, state)
        handlers: dict[str, Callable[[dict], None]] = {}
        if settings.probe:
            probe = Probe(settings.probe, database)
            from shared.events import EventType

            handlers.update({event.value: probe for event in EventType})
        for _, _, table_handlers in modules:
            handlers.update({t: _in_transaction(database, h) for t, h in table_handlers.items()})
        try:
            for event_type, handler in handlers.items():
                consumer.register(event_type, _with_fault(settings.fault, handler))
            consumer.install_signal_handlers()
        except NotImplementedError as exc:
            raise _stub("consumer", exc) from None
        state.handlers = sorted(handlers)
    except NotDone as exc:
        report(str(exc))
        return EXIT_NOT_DONE
    except Exception as exc:  # noqa: BLE001 (settings or MySQL refused: say so and stop)
        report(f"could not start: {type(exc).__name__}: {exc}")
        return EXIT_SETTINGS
    report(f"consuming {len(state.handlers)} event types ({', '.join(f'{k}: {v}' for k, v in state.parts.items())})")
    state.consuming = True
    try:
        consumer.run()
    except NotImplementedError as exc:
        report(str(_stub("consumer", exc)))
        return EXIT_NOT_DONE
    except Exception as exc:  # noqa: BLE001 (the consumer gave up: say why, in one line)
        report(f"the consumer stopped with an error: {type(exc).__name__}: {exc}")
        return 1
    finally:
        state.consuming = False
        try:
            if database is not None:
                database.close()
        except Exception:  # noqa: BLE001
            pass
        server.shutdown()
    report("stopped")
    return 0
