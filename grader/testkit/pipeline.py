"""The event pipeline's tests (Task 09's consumer, the MySQL track): the learner's analytics
service as its own process, a real Kafka broker and a real MySQL server, on every stack.

    service = analytics(...)            # the fixture: start (or reuse) a service
    service.produce(envelope(...))      # to the service's own topics, keyed by entity id
    service.mysql.wait_row(...)         # poll its database, with a deadline
    service.kill() / service.restart()  # faults

Each ``AnalyticsService`` has a topic prefix, a consumer group, a MySQL database and a MySQL
user of its own, so tests and test processes never see each other's events or rows. The
process runs through the same sandbox as the app (grader/stacks/app.py): learner code never
runs in this process.
"""

import json
import os
import secrets
import signal
import subprocess
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, TypeVar

from grader.stacks import app as app_process
from grader.stacks.process import free_port

START_SECONDS = 10  # a service that works consumes within a second or two
STOP_SECONDS = 10
ROW_SECONDS = 15  # how long a test waits for the rows an event implies (the first join takes ~3 s)
# What the kit's stand-in consumer logs when a handler raises (starter/analytics/standins.py;
# tests/test_pipeline.py keeps the two in step).
HANDLER_FAILED = "failed; trying again"
SETTLED_EVERY = 0.4  # how often a wait asks whether the service has taken every event sent


# Which parts of the service a task's learner files are (analytics/service.py, ANALYTICS_PARTS;
# tests/test_pipeline.py checks this against it and against course.toml).
PART_OF_FILE = {"analytics/consumer.py": "consumer", "analytics/db.py": "db",
                "analytics/users.py": "users", "analytics/suppliers.py": "suppliers",
                "analytics/products.py": "products", "analytics/posts.py": "posts",
                "analytics/orders.py": "orders"}


T = TypeVar("T")

# The topic prefix of the app's own publisher in this test process (Task 09's tests read there).
APP_PREFIX = f"app{os.getpid()}-{secrets.token_hex(3)}."
_APP_TOPICS_MADE = False


def app_publishes_to_kafka() -> bool:
    """Grading Task 09: the app's events go through the learner's publisher (EVENT_SINK=kafka)."""
    return "backend/kafka_events.py" in os.environ.get("GRADER_LEARNER_FILES", "").split(",")


def app_topic(event_type: str) -> str:
    global _APP_TOPICS_MADE
    if not _APP_TOPICS_MADE:
        from shared.events import TOPICS

        create_topics([APP_PREFIX + topic for topic in TOPICS])
        _APP_TOPICS_MADE = True
    return APP_PREFIX + event_type.split(".", 1)[0]


def learner_parts() -> list[str]:
    files = [f for f in os.environ.get("GRADER_LEARNER_FILES", "").split(",") if f]
    return [PART_OF_FILE[f] for f in files if f in PART_OF_FILE]


def bootstrap() -> str:
    return os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()


def envelope(event_type: str, entity_id: str, data: dict[str, Any], *, timestamp: datetime | str | None = None,
             event_id: str | None = None) -> dict[str, Any]:
    """An envelope as the app's publisher writes it (shared/events.py), with the timestamp
    and event id a test chooses."""
    stamp = timestamp or datetime.now(timezone.utc)
    return {"event_type": event_type, "event_id": event_id or str(uuid.uuid4()),
            "timestamp": stamp if isinstance(stamp, str) else iso(stamp), "entity_id": str(entity_id), "data": data}


def new_id() -> str:
    """A fresh ObjectId-shaped id (24 hex digits)."""
    return secrets.token_hex(12)


# -- Kafka -----------------------------------------------------------------------------

def _quiet(config: dict) -> dict:
    return {"log_level": 0, **config}


def create_topics(names: list[str]) -> None:
    """One partition each: the tests then read offsets and order without ambiguity. A
    consumer that subscribes before its topic exists would wait for a metadata refresh."""
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient(_quiet({"bootstrap.servers": bootstrap()}))
    futures = admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1) for name in names],
                                  operation_timeout=10)
    for name, future in futures.items():
        try:
            future.result(timeout=15)
        except Exception as exc:  # noqa: BLE001
            if "TOPIC_ALREADY_EXISTS" not in str(exc) and "already exists" not in str(exc):
                raise RuntimeError(f"could not create topic {name}: {exc}") from None


_PRODUCER = None


def produce(topic: str, value: bytes | dict, key: str | None = None) -> None:
    """Produce one message and wait until the broker has it."""
    global _PRODUCER
    from confluent_kafka import Producer

    if _PRODUCER is None:
        _PRODUCER = Producer(_quiet({"bootstrap.servers": bootstrap(), "acks": "all"}))
    data = value if isinstance(value, bytes) else json.dumps(value).encode()
    errors: list[str] = []
    _PRODUCER.produce(topic, data, key=key.encode() if key is not None else None,
                      on_delivery=lambda err, _msg: err and errors.append(str(err)))
    if _PRODUCER.flush(15) or errors:
        raise RuntimeError(f"the kit could not produce to {topic}: {errors or 'not delivered in 15 s'}")


def read_topic(topic: str, count: int, timeout: float = 10.0) -> list[Any]:
    """The first ``count`` messages of ``topic`` (fewer when the deadline passes), read
    without a consumer group (no join to wait for)."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

    consumer = Consumer(_quiet({"bootstrap.servers": bootstrap(), "group.id": "kit-reader-" + secrets.token_hex(4),
                                "enable.auto.commit": False}))
    try:
        consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
        messages: list[Any] = []
        deadline = time.monotonic() + timeout
        while len(messages) < count and time.monotonic() < deadline:
            message = consumer.poll(0.2)
            if message is not None and not message.error():
                messages.append(message)
        return messages
    finally:
        consumer.close()


def committed(group: str, topic: str) -> int:
    """The offset ``group`` committed on ``topic`` (partition 0): the next message it will
    read. -1001 (OFFSET_INVALID) when it committed nothing."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer(_quiet({"bootstrap.servers": bootstrap(), "group.id": group, "enable.auto.commit": False}))
    try:
        return consumer.committed([TopicPartition(topic, 0)], timeout=10)[0].offset
    finally:
        consumer.close()


def wait_committed(group: str, topic: str, offset: int, timeout: float = ROW_SECONDS) -> int:
    deadline = time.monotonic() + timeout
    while True:
        found = committed(group, topic)
        if found >= offset or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def poll(look: Callable[[], T], until: Callable[[T], bool], timeout: float = ROW_SECONDS, *,
         settled: Callable[[], bool] | None = None, stop: Callable[[], bool] | None = None) -> T:
    """Call ``look`` every 0.1 s until ``until(result)`` holds or the deadline passes; return
    the last result (``until`` may still be false: the caller says what came). ``stop`` (asked
    each time) and ``settled`` (costly, asked every SETTLED_EVERY; e.g.
    ``AnalyticsService.handled_everything``): once True, the result will not change, and one
    last look ends the wait."""
    deadline = time.monotonic() + timeout
    next_ask = time.monotonic() + SETTLED_EVERY
    while True:
        last_look = time.monotonic() > deadline or (stop is not None and stop())
        if settled is not None and not last_look and time.monotonic() >= next_ask:
            last_look, next_ask = settled(), time.monotonic() + SETTLED_EVERY
        found = look()
        if until(found) or last_look:
            return found
        time.sleep(0.1)


# -- MySQL -----------------------------------------------------------------------------

def _admin_connection(database: str | None = None):
    import pymysql

    return pymysql.connect(host=os.environ.get("MYSQL_HOST", "localhost"), port=int(os.environ.get("MYSQL_PORT", 3306)),
                           user=os.environ.get("MYSQL_USER", "root"), password=os.environ.get("MYSQL_PASSWORD", ""),
                           database=database, autocommit=True, connect_timeout=5, read_timeout=15,
                           cursorclass=pymysql.cursors.DictCursor)


class MySQL:
    """The tests' own view of one service's database (never through learner code)."""

    def __init__(self, database: str):
        self.database = database

    def query(self, sql: str, params: tuple | list = ()) -> list[dict]:
        conn = _admin_connection(self.database)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return list(cur.fetchall())
        finally:
            conn.close()

    def execute(self, sql: str, params: tuple | list = ()) -> None:
        self.query(sql, params)

    def tables(self) -> list[str]:
        return [r["TABLE_NAME"] for r in self.query(
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME",
            (self.database,))]

    def columns(self, table: str) -> dict[str, dict]:
        """column -> {type (e.g. "datetime(6)"), nullable, key}."""
        rows = self.query("SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY FROM information_schema.COLUMNS "
                          "WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s ORDER BY ORDINAL_POSITION", (self.database, table))
        return {r["COLUMN_NAME"]: {"type": r["COLUMN_TYPE"].lower(), "nullable": r["IS_NULLABLE"] == "YES",
                                   "key": r["COLUMN_KEY"]} for r in rows}

    def indexes(self, table: str) -> dict[str, dict]:
        """index name -> {columns (in order), unique}."""
        rows = self.query("SELECT INDEX_NAME, COLUMN_NAME, SEQ_IN_INDEX, NON_UNIQUE FROM information_schema.STATISTICS "
                          "WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s ORDER BY INDEX_NAME, SEQ_IN_INDEX",
                          (self.database, table))
        found: dict[str, dict] = {}
        for r in rows:
            entry = found.setdefault(r["INDEX_NAME"], {"columns": [], "unique": not int(r["NON_UNIQUE"])})
            entry["columns"].append(r["COLUMN_NAME"])
        return found

    def wait_rows(self, sql: str, params: tuple | list = (), until: Callable[[list[dict]], bool] = bool,
                  timeout: float = ROW_SECONDS, settled: Callable[[], bool] | None = None,
                  stop: Callable[[], bool] | None = None) -> list[dict]:
        """Poll ``sql`` until ``until(rows)`` holds or the deadline passes; return the last rows.
        ``settled`` and ``stop`` as in ``poll``."""

        def look() -> list[dict]:
            try:
                return self.query(sql, params)
            except Exception:  # noqa: BLE001 (the table may not exist yet)
                return []

        return poll(look, until, timeout, settled=settled, stop=stop)

    def connection_ids(self, user: str) -> list[int]:
        rows = self.query("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = %s", (user,))
        return [int(r["ID"]) for r in rows]


def _own_database(name: str, user: str, password: str) -> tuple[str, str, str]:
    """A database and a user that may use only it. The stack checked before grading that
    the tests' account may make them (grader/stacks/mysql.py: ``_may_create``)."""
    conn = _admin_connection()
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}`")
            cur.execute(f"CREATE USER '{user}'@'%%' IDENTIFIED BY %s", (password,))
            cur.execute(f"GRANT ALL PRIVILEGES ON `{name}`.* TO '{user}'@'%'")
    finally:
        conn.close()
    return name, user, password


def drop_database(name: str, user: str) -> None:
    try:
        conn = _admin_connection()
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
            cur.execute(f"DROP USER IF EXISTS '{user}'@'%'")
        conn.close()
    except Exception:  # noqa: BLE001 (a throwaway server; nothing to keep)
        pass


# -- the learner's analytics service ----------------------------------------------------

class AnalyticsService:
    """One ``python -m analytics`` process of the learner's, with its own topics, group,
    database and MySQL user. ``parts``: the parts taken from the learner's files (the rest
    are the kit's stand-ins); ``probe``: record every event in a file the tests read."""

    def __init__(self, parts: list[str] | None = None, *, probe: bool = False, env: dict[str, str] | None = None,
                 with_mysql: bool = True):
        tag = secrets.token_hex(4)
        self.prefix = f"t{tag}."
        self.group = f"analytics-{tag}"
        self.parts = learner_parts() if parts is None else parts
        self.extra_env = dict(env or {})
        self.database = self.user = self.password = ""
        if with_mysql:
            self.database, self.user, self.password = _own_database(f"g_{tag}", f"a_{tag}", secrets.token_hex(8))
        self.mysql = MySQL(self.database)
        root = Path(os.environ["GRADER_IMPL_ROOT"])
        self.box = app_process.Sandbox.for_app(root, {})
        self.probe_path = str(self.box.workdir / "probe.jsonl") if probe else ""
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self._log = tempfile.NamedTemporaryFile(prefix="grade-analytics-", suffix=".log")
        self._key = secrets.token_hex(16)
        self.starts = 0
        create_topics(self.topics())

    def topics(self) -> list[str]:
        from shared.events import TOPICS

        return [self.prefix + topic for topic in TOPICS]

    def topic(self, event_type: str) -> str:
        return self.prefix + event_type.split(".", 1)[0]

    def env(self, **overrides: str) -> dict[str, str]:
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap(), "KAFKA_GROUP_ID": self.group, "KAFKA_TOPIC_PREFIX": self.prefix,
            "KAFKA_CLIENT_ID": "analytics-under-test",
            "MYSQL_HOST": os.environ.get("MYSQL_HOST", "localhost"), "MYSQL_PORT": os.environ.get("MYSQL_PORT", "3306"),
            "MYSQL_USER": self.user, "MYSQL_PASSWORD": self.password, "MYSQL_DATABASE": self.database,
            "ANALYTICS_HOST": "127.0.0.1", "ANALYTICS_PORT": str(self.port), "ANALYTICS_PARTS": ",".join(self.parts),
            "ANALYTICS_PROBE": self.probe_path, "GRADER_HEALTH_KEY": self._key,
            # The stand-in consumer's (a learner's consumer keeps its own): a killed service's
            # group is free again after 1 s instead of 6, and a first join takes 1 s, not 3.
            "KAFKA_SESSION_TIMEOUT_MS": "1000",
        }
        env.update(self.extra_env)
        env.update(overrides)
        return env

    # -- the process --

    def launch(self, **overrides: str) -> None:
        self.stop()
        self.port = free_port()
        self.box.env = self.env(**overrides)
        # A fault is injected once: the service started again after it is a plain one.
        self.extra_env.pop("ANALYTICS_FAULT", None)
        self.proc = subprocess.Popen(self.box.command("-m", "analytics"), env=self.box.process_env(),
                                     cwd=self.box.app_root, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.starts += 1

    def start(self, timeout: float = START_SECONDS, **overrides: str) -> "AnalyticsService":
        """Launch and wait until it consumes; raise ``ServiceDown`` saying why it does not.
        After a service of this test process hung while starting (alive, never consuming
        within ``START_SECONDS``), no other is tried: every test would otherwise spend its
        time finding the same thing out."""
        if _HUNG_STARTS:
            raise ServiceDown(f"not started again: earlier in this run, {_HUNG_STARTS[-1]}")
        self.launch(**overrides)
        problem = self.wait_consuming(timeout)
        if problem:
            if self.alive:
                _HUNG_STARTS.append(problem)
            raise ServiceDown(problem)
        return self

    def wait_consuming(self, timeout: float = START_SECONDS) -> str:
        """"" once GET /health says it consumes, else why not (it ended, or never did)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive:
                return f"the analytics service ended while starting ({self.exit_description()}): {self.reports()}"
            status, body, proven = app_process.challenged_health(f"http://127.0.0.1:{self.port}", self._key, 0.5)
            if status == 200 and proven and body.get("consuming"):
                return ""
            time.sleep(0.05)
        return f"the analytics service did not start consuming within {timeout:g} s: {self.reports()}"

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def exit_code(self) -> int | None:
        return self.proc.poll() if self.proc is not None else None

    def exit_description(self) -> str:
        return app_process.describe_exit(self.exit_code())

    def signal(self, number: int) -> None:
        if self.alive:
            os.kill(self.proc.pid, number)

    def wait_exit(self, timeout: float = STOP_SECONDS) -> int | None:
        if self.proc is None:
            return None
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        """SIGKILL, as a crash or an out-of-memory killer would."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()

    def stop(self) -> None:
        self.kill()
        self.proc = None
        self._kill_leftovers()

    def _kill_leftovers(self) -> None:
        """What the service left running. With a user id of its own, everything of that
        user; without one (embedded), nothing here: killing this test process's descendants
        would take the other services with it, and the grading reaps what is left at its end."""
        if self.box.uid is not None:
            self.box.kill_processes()

    def close(self) -> None:
        self.stop()
        if self.box.uid is None:
            self.box.kill_processes = lambda: None  # see _kill_leftovers
        self.box.remove()
        self._log.close()
        if self.database.startswith("g_"):
            drop_database(self.database, self.user)

    # -- what it said and did --

    def log_lines(self, limit: int = 65536) -> list[str]:
        try:
            return Path(self._log.name).read_bytes()[-limit:].decode("utf-8", "replace").splitlines()
        except OSError:
            return []

    def reports(self) -> str:
        """The kit's own lines from the service's log ("analytics: ..."), else its last lines."""
        lines = self.log_lines()
        kit = [line for line in lines if line.startswith("analytics: ")]
        return " | ".join((kit or lines)[-4:])[-800:]

    def handler_failed(self) -> bool:
        """True when the service's consumer is trying a failing handler again (the stand-in
        says so in its log; a learner's consumer logs its own way, and is not asked)."""
        return any(HANDLER_FAILED in line for line in self.log_lines())

    def probe_records(self) -> list[dict]:
        try:
            text = Path(self.probe_path).read_text(encoding="utf-8")
        except OSError:
            return []
        records = []
        for line in text.splitlines():
            try:
                records.append(json.loads(line))
            except ValueError:
                pass
        return records

    def wait_probe(self, until: Callable[[list[dict]], bool], timeout: float = ROW_SECONDS,
                   settled: Callable[[], bool] | None = None) -> list[dict]:
        """Poll the probe's records until ``until(records)`` or the deadline; ``settled`` as in
        ``MySQL.wait_rows``."""
        return poll(self.probe_records, until, timeout, settled=settled)

    def handled_everything(self) -> bool:
        """True when the consumer group has committed every message of every topic that has
        any: each handler ran and its transaction was committed (the kit's stand-in consumer
        commits right after the handler), so the tables will not change any more and a test
        waiting for a row may stop waiting. Always False with a learner's own consumer (Task
        09's commits its own way) or when the broker cannot tell."""
        if "consumer" in self.parts or not self.alive:
            return False
        from confluent_kafka import Consumer, TopicPartition

        consumer = Consumer(_quiet({"bootstrap.servers": bootstrap(), "group.id": self.group,
                                    "enable.auto.commit": False}))
        try:
            done = consumer.committed([TopicPartition(topic, 0) for topic in self.topics()], timeout=5)
            for part in done:
                _, end = consumer.get_watermark_offsets(TopicPartition(part.topic, 0), timeout=5, cached=False)
                if end > 0 and part.offset < end:
                    return False
            return True
        except Exception:  # noqa: BLE001 (cannot tell: wait on)
            return False
        finally:
            consumer.close()

    # -- events --

    def produce(self, *envelopes: dict) -> list[dict]:
        for item in envelopes:
            produce(self.topic(item["event_type"]), item, key=item.get("entity_id"))
        return list(envelopes)

    def produce_raw(self, event_type: str, value: bytes, key: str | None = None) -> None:
        produce(self.topic(event_type), value, key=key)

    def committed(self, event_type: str) -> int:
        return committed(self.group, self.topic(event_type))


class ServiceDown(Exception):
    pass


_HUNG_STARTS: list[str] = []  # services of this test process that never started consuming
