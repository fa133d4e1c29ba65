"""The analytics service, for now only its health endpoint.

What the MySQL track puts here: a consumer group on the platform's Kafka topics that turns
each event into rows of MySQL reporting tables (sign-ups per day, suppliers per category,
community membership counts), committing its Kafka offsets only after the MySQL
transaction that applied the event, and skipping an event it has already applied. This
file then also creates those tables on start-up.

Today it does none of that. It reads its settings, and serves ``GET /health`` on
``ANALYTICS_HOST:ANALYTICS_PORT`` with the standard library: 200
``{"status": "ok", "kafka": {...}, "mysql": {...}}`` when a Kafka broker answers a
metadata request and MySQL answers ``SELECT 1``, 503 with ``"status": "unavailable"`` and a
``reason`` naming what is down otherwise. Each check takes at most ``CHECK_SECONDS``.
"""

import json
import logging
import os
import signal
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log = logging.getLogger("analytics")

CHECK_SECONDS = 2.0
PLACEHOLDER_NOTICE = ("analytics: this is a placeholder. The analytics replica (a Kafka consumer that keeps "
                      "reporting tables in MySQL) is built in the MySQL track of the course; until then this "
                      "service only answers GET /health.")


@dataclass(frozen=True)
class Settings:
    kafka_bootstrap_servers: str = "localhost:9092"
    mysql_host: str = "localhost"
    mysql_port: int = 3306
    mysql_user: str = "analytics"
    mysql_password: str = ""
    mysql_database: str = "analytics"
    # Where GET /health is served. 0.0.0.0 so that other containers (and the healthcheck)
    # reach it; set ANALYTICS_HOST=127.0.0.1 on a machine of your own.
    host: str = "0.0.0.0"
    port: int = 8001

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ
        return cls(
            kafka_bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS", cls.kafka_bootstrap_servers),
            mysql_host=env.get("MYSQL_HOST", cls.mysql_host),
            mysql_port=int(env.get("MYSQL_PORT", cls.mysql_port)),
            mysql_user=env.get("MYSQL_USER", cls.mysql_user),
            mysql_password=env.get("MYSQL_PASSWORD", cls.mysql_password),
            mysql_database=env.get("MYSQL_DATABASE", cls.mysql_database),
            host=env.get("ANALYTICS_HOST", cls.host),
            port=int(env.get("ANALYTICS_PORT", cls.port)),
        )


def check_kafka(bootstrap: str, timeout: float = CHECK_SECONDS) -> str:
    """"" when a broker at ``bootstrap`` answers a metadata request, else why not."""
    try:
        from confluent_kafka import KafkaException
        from confluent_kafka.admin import AdminClient
    except ImportError:
        return "the confluent-kafka package is not installed"
    errors: list[str] = []
    try:
        # log_level 0: librdkafka's own retry messages stay off stderr; error_cb keeps the
        # first error ("Connection refused"), which says more than list_topics' timeout.
        admin = AdminClient({"bootstrap.servers": bootstrap, "log_level": 0, "socket.timeout.ms": int(timeout * 1000),
                             "error_cb": lambda err: errors.append(err.str())})
    except Exception as exc:  # noqa: BLE001 (a setting librdkafka rejects: an empty bootstrap list, ...)
        return f"{type(exc).__name__}: {exc}"
    try:
        admin.list_topics(timeout=timeout)
    except KafkaException as exc:
        admin.poll(0)  # error_cb only runs from poll()
        return (errors[0] if errors else exc.args[0].str())[:200]
    return ""


def check_mysql(settings: Settings, timeout: float = CHECK_SECONDS) -> str:
    """"" when MySQL answers ``SELECT 1`` for this user and database, else why not."""
    try:
        import pymysql
    except ImportError:
        return "the pymysql package is not installed"
    seconds = max(1, round(timeout))  # pymysql takes whole seconds
    try:
        conn = pymysql.connect(host=settings.mysql_host, port=settings.mysql_port, user=settings.mysql_user,
                               password=settings.mysql_password, database=settings.mysql_database,
                               connect_timeout=seconds, read_timeout=seconds, write_timeout=seconds)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1")
        finally:
            conn.close()
    except Exception as exc:  # noqa: BLE001 (pymysql.MySQLError, or a bad host name: a reason either way)
        return f"{type(exc).__name__}: {exc}"[:200]
    return ""


def health(settings: Settings) -> tuple[int, dict]:
    """The status code and body of GET /health."""
    results = {
        "kafka": (settings.kafka_bootstrap_servers, check_kafka(settings.kafka_bootstrap_servers)),
        "mysql": (f"{settings.mysql_host}:{settings.mysql_port}/{settings.mysql_database}", check_mysql(settings)),
    }
    body: dict = {"status": "ok"}
    down = []
    for name, (where, problem) in results.items():
        body[name] = {"ok": not problem, "at": where, **({"error": problem} if problem else {})}
        if problem:
            down.append(f"{name} at {where} is down ({problem})")
    if down:
        body["status"] = "unavailable"
        body["reason"] = "; ".join(down)
        return 503, body
    return 200, body


def make_server(settings: Settings) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            if self.path.split("?", 1)[0] != "/health":
                self._send(404, {"detail": "Not Found"})
                return
            status, body = health(settings)
            self._send(status, body)

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
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = Settings.from_env()
    server = make_server(settings)
    log.info(PLACEHOLDER_NOTICE)
    log.info("analytics: GET /health on %s:%s (Kafka %s, MySQL %s:%s/%s)", settings.host, server.server_address[1],
             settings.kafka_bootstrap_servers, settings.mysql_host, settings.mysql_port, settings.mysql_database)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    thread = threading.Thread(target=server.serve_forever, name="health", daemon=True)
    thread.start()
    stopping.wait()
    server.shutdown()
    server.server_close()
    return 0
