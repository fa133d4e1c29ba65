"""MongoDB for the grader: a local real-wire server (SecantusDB, started as its own
process from its ``secantusd-py`` command; it is GPL-2.0, so kit code never imports it) or
an external server at ``MONGODB_URL``. The embedded stack needs neither: it uses
mongomock-motor inside the test process."""

import os
import shutil
import sys
from pathlib import Path

from grader.stacks.base import Backend
from grader.stacks.process import ServerProcess, free_port

START_SECONDS = 30
DEFAULT_URL = "mongodb://localhost:27017"


def ping(url: str, timeout_ms: int = 2000) -> str:
    """"" when MongoDB at ``url`` answers a ping, else why not."""
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    try:
        client = MongoClient(url, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms)
        try:
            client.admin.command("ping")
        finally:
            client.close()
    except PyMongoError as exc:
        return f"{type(exc).__name__}: {driver_reason(exc)}"
    except Exception as exc:  # a malformed URL raises ConfigurationError or ValueError
        return f"{type(exc).__name__}: {exc}"
    return ""


def driver_reason(exc: BaseException, limit: int = 240) -> str:
    """The driver's reason in words: its first line up to the timeouts and the topology dump
    pymongo appends ("..., Timeout: 2.0s, Topology Description: <...>"), and never cut
    mid-word."""
    text = (str(exc).splitlines() or [""])[0]
    for tail in (" (configured timeouts:", ", Timeout:", ", Topology Description:"):
        text = text.split(tail, 1)[0]
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"
    return text


SERVER_ENV = "GRADER_MONGODB_SERVER"  # another server command, taking SecantusDB's options


def server_command() -> str | None:
    """The SecantusDB launcher installed beside this Python, or on PATH (or the command in
    GRADER_MONGODB_SERVER)."""
    if os.environ.get(SERVER_ENV):
        return os.environ[SERVER_ENV]
    beside = Path(sys.executable).parent / "secantusd-py"
    return str(beside) if beside.exists() else shutil.which("secantusd-py")


def start_local() -> Backend:
    command = server_command()
    if command is None:
        return Backend("mongodb", "local", problem=(
            "the local MongoDB server (SecantusDB) is not installed: run `make setup` "
            "(it installs the `local` stack), or grade on the embedded stack (STACK=embedded)."))
    port = free_port()
    url = f"mongodb://127.0.0.1:{port}"
    server = ServerProcess("MongoDB (SecantusDB)", [
        command, "--host", "127.0.0.1", "--port", str(port), "--storage-path", ":memory:", "--log-level", "WARNING",
    ])
    return Backend("mongodb", url, {"MONGODB_URL": url}, stop=server.stop,
                   pending=lambda: server.wait_ready(lambda: ping(url, 300), START_SECONDS))


def external(env: dict[str, str] | None = None) -> Backend:
    env = os.environ if env is None else env
    url = env.get("MONGODB_URL", DEFAULT_URL)
    problem = ping(url)
    if problem:
        problem = (f"MongoDB at {url} did not answer ({problem}). Start it, set MONGODB_URL to where it runs, "
                   "or grade on the local stack (STACK=local, no Docker needed) or the embedded one (STACK=embedded).")
    return Backend("mongodb", url, {"MONGODB_URL": url}, problem=problem)
