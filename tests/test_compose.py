"""The compose stack, checked without Docker: docker-compose.yml against the Compose
Specification's JSON schema and against the code that reads its settings, the Dockerfile, the
.dockerignore and the Makefile's stack targets. Then the analytics placeholder for real: its
GET /health with nothing to reach, and with the kit's local Kafka broker and MySQL server.

What only Docker can show is not checked here: that the pinned tags exist and pull, that the
images build, that the health checks pass in the containers (`docker compose config`,
`make stack-up`).

Each checker returns a list of problems; the tests after the real-file ones feed it broken
copies and check that it says so.
"""

import ast
import fnmatch
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from grader import KIT_ROOT
from grader.grading import manifest

yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read docker-compose.yml (pip install pyyaml)")
jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is needed to validate docker-compose.yml")

COMPOSE_PATH = KIT_ROOT / "docker-compose.yml"
DOCKERFILE_PATH = KIT_ROOT / "Dockerfile"
DOCKERIGNORE_PATH = KIT_ROOT / ".dockerignore"
MAKEFILE_PATH = KIT_ROOT / "Makefile"
SCHEMA_PATH = Path(__file__).parent / "fixtures" / "formats" / "compose-spec.json"
# compose-spec/compose-spec, schema/compose-spec.json, vendored unchanged (see its README.md).
SCHEMA_SHA256 = "1f91e091f16b2dd50ab8860e02bb391d22df553d91c145eacedb1b6eff9c3f0e"

ONE_SHOT = {"grader"}  # runs once and exits: its healthcheck is disabled, with a comment saying why
PLATFORM_SERVICES = ("app", "analytics")  # built from the Dockerfile's `platform` target
# Settings the app and the grader must agree on (x-grading-env in the compose file).
GRADING_SETTINGS = ("DATABASE_NAME", "JWT_SECRET", "JWT_ALGORITHM", "ACCESS_TOKEN_MINUTES", "BCRYPT_ROUNDS")
# Read by starter/backend/config.py but not set by the stack, and why.
APP_NOT_NEEDED = {
    "UNAVAILABLE_MODULES": "a grading-run knob of the local stack (modules found broken before start-up)",
    "PRELOAD_MODULES": "a grading-run knob of the local stack (modules imported at start-up)",
    "IMPORT_SECONDS": "goes with PRELOAD_MODULES; its default is fine",
    "GRADER_IN_PROCESS": "set only by the tests that build the app in their own process (the embedded stack)",
    "SEED_SIZE": "make serve SIZE=...: seeds the in-memory database; the stack's MongoDB is seeded by make seed",
    "SEED_VALUE": "goes with SEED_SIZE",
    "SEED_ANCHOR": "goes with SEED_SIZE",
}
ANALYTICS_NOT_NEEDED = {
    "ANALYTICS_HOST": "its default, 0.0.0.0, is what a container needs",
    "ANALYTICS_PARTS": "a grading-run knob: which parts are the learner's (the default takes every part that is done)",
    "ANALYTICS_PROBE": "a grading-run knob: the kit's probe handlers (Task 09 and M00 tests)",
    "ANALYTICS_PROBE_TABLES": "a grading-run knob: tables for M00's tests",
    "ANALYTICS_FAULT": "a grading-run knob: a fault the tests inject",
    "GRADER_HEALTH_KEY": "a grading-run knob: the health check's challenge key",
    "KAFKA_TOPIC_PREFIX": "the tests give each run its own topics; production has none",
    "MYSQL_POOL_SIZE": "its default (5) suits one consumer",
    "KAFKA_SESSION_TIMEOUT_MS": "a grading-run knob: the stand-in consumer's session timeout (the default, 6 s, is Kafka's least)",
}
# Variables the app reads only through a learner file (the Task 09 publisher) that the
# compose stack need not set.
APP_LEARNER_NOT_NEEDED = {"KAFKA_TOPIC_PREFIX": "the tests give each run its own topics; production has none"}
# The smallest key RFC 7518 (section 3.2) allows for each HMAC algorithm, in bytes.
HMAC_KEY_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}

# Environment variables the third-party images document; anything else set on them is a typo
# or a setting the image ignores. <NAME>_FILE (a secret read from a file) is accepted too.
IMAGE_ENV = {
    # https://hub.docker.com/_/mongo, "Environment Variables"
    "mongo": {"MONGO_INITDB_ROOT_USERNAME", "MONGO_INITDB_ROOT_PASSWORD", "MONGO_INITDB_DATABASE"},
    # https://hub.docker.com/_/mysql, "Environment Variables"
    "mysql": {"MYSQL_ROOT_PASSWORD", "MYSQL_DATABASE", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD",
              "MYSQL_RANDOM_ROOT_PASSWORD", "MYSQL_ONETIME_PASSWORD", "MYSQL_INITDB_SKIP_TZINFO", "MYSQL_ROOT_HOST"},
    # https://github.com/apache/kafka/blob/trunk/docker/examples/README.md, "Using Environment
    # Variables": CLUSTER_ID, and KAFKA_<property> for every broker property (KAFKA_PROPERTIES).
    "apache/kafka": {"CLUSTER_ID"},
}
# Broker properties (https://kafka.apache.org/documentation/#brokerconfigs) a KAFKA_* variable
# may set here: the ones a single KRaft node needs, and a few more a course might.
KAFKA_PROPERTIES = {
    "node.id", "process.roles", "controller.quorum.voters", "controller.listener.names", "listeners",
    "advertised.listeners", "listener.security.protocol.map", "inter.broker.listener.name", "log.dirs",
    "offsets.topic.replication.factor", "transaction.state.log.replication.factor",
    "transaction.state.log.min.isr", "group.initial.rebalance.delay.ms", "num.partitions",
    "auto.create.topics.enable", "default.replication.factor", "min.insync.replicas", "log.retention.hours",
}


# --- reading the files -------------------------------------------------------------------

def compose_text() -> str:
    return COMPOSE_PATH.read_text(encoding="utf-8")


def load_compose() -> dict:
    """The file as written (anchors and `<<` merge keys resolved by the YAML loader)."""
    return yaml.safe_load(compose_text())


def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def services(doc: dict) -> dict[str, dict]:
    return doc.get("services") or {}


def env_of(service: dict) -> dict[str, str]:
    """A service's environment as a dict (the list form `NAME=value` too)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {k: (None if v is None else str(v)) for k, v in env.items()}


def walk_strings(value, path="$"):
    """(path, string) for every string in a loaded YAML document, keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk_strings(key, f"{path}.{key} (key)") if isinstance(key, str) else ()
            yield from walk_strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk_strings(item, f"{path}[{i}]")


# --- interpolation (https://github.com/compose-spec/compose-spec/blob/main/12-interpolation.md)

DOLLAR = re.compile(r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*)|(?P<bad>))")
BRACED = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>.*))?", re.DOTALL)


def interpolation_problems(value: str) -> list[str]:
    """The ${...} in ``value`` that have no default, so `docker compose config` needs them set."""
    problems = []
    for match in DOLLAR.finditer(value):
        if match["escaped"]:
            continue
        if match["named"] or match["bad"] is not None:
            problems.append(f"{match.group(0)!r} in {value!r}: write ${{NAME:-default}}")
            continue
        inner = BRACED.fullmatch(match["braced"])
        if inner is None or "$" in (inner["arg"] or ""):
            problems.append(f"${{{match['braced']}}} in {value!r}: not a plain ${{NAME:-default}}")
        elif inner["op"] in (None, ":?", "?"):
            problems.append(f"${{{match['braced']}}} in {value!r} has no default")
    return problems


def interpolate(value, env: dict[str, str]):
    """``value`` (a whole document too) with each ${...} replaced as compose would, for ``env``."""
    if isinstance(value, dict):
        return {interpolate(k, env): interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        if match["named"]:
            return env.get(match["named"], "")
        inner = BRACED.fullmatch(match["braced"] or "")
        if inner is None:
            raise ValueError(f"cannot interpolate {match.group(0)!r}")
        name, op, arg = inner["name"], inner["op"], inner["arg"] or ""
        current = env.get(name)
        if op == ":-":
            return current if current else arg
        if op == "-":
            return arg if current is None else current
        if op == ":+":
            return arg if current else ""
        if op == "+":
            return "" if current is None else arg
        if op in (":?", "?") and not current:
            raise ValueError(f"{name} is required: {arg}")
        return current or ""

    return DOLLAR.sub(replace, value)


def resolved() -> dict:
    """The document as `docker compose config` sees it with no .env file and no variables set."""
    return interpolate(load_compose(), {})


# --- image references -----------------------------------------------------------------

EXACT_VERSION = re.compile(r"v?\d+\.\d+\.\d+(?:[.-][A-Za-z0-9][A-Za-z0-9.-]*)?")
DIGEST = re.compile(r"@sha256:[0-9a-f]{64}")


def split_image(ref: str) -> tuple[str, str | None, str | None]:
    """(repository, tag, digest) of an image reference; a registry's port is not a tag."""
    ref, _, digest = ref.partition("@")
    slash, colon = ref.rfind("/"), ref.rfind(":")
    if colon > slash:
        return ref[:colon], ref[colon + 1:], digest or None
    return ref, None, digest or None


def pin_problem(ref: str) -> str:
    """"" when ``ref`` names one version of an image: an exact version tag or a digest."""
    if "$" in ref:
        return f"{ref}: interpolated, so whoever runs it picks the version"
    _, tag, digest = split_image(ref)
    if digest is not None:
        return "" if DIGEST.fullmatch("@" + digest) else f"{ref}: malformed digest"
    if tag is None:
        return f"{ref}: no tag, which means `latest`"
    if tag == "latest":
        return f"{ref}: `latest` changes under you"
    if not EXACT_VERSION.fullmatch(tag):
        return f"{ref}: tag {tag!r} is not an exact version (major.minor.patch), so it moves"
    return ""


# --- the compose checks ----------------------------------------------------------------

def schema_problems(doc: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(load_schema())
    return sorted(f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(doc))


def all_interpolation_problems(doc: dict) -> list[str]:
    return [f"{path}: {problem}" for path, value in walk_strings(doc) for problem in interpolation_problems(value)]


def image_problems(doc: dict) -> list[str]:
    problems = []
    for name, service in services(doc).items():
        if "build" in service:
            continue  # built here, from the Dockerfile, whose base images are checked on their own
        if "image" not in service:
            problems.append(f"{name}: neither image nor build")
            continue
        problem = pin_problem(service["image"])
        if problem:
            problems.append(f"{name}: {problem}")
    return problems


def service_block(text: str, name: str) -> list[str]:
    """The lines of one service in the compose file's text (for its comments)."""
    lines = text.splitlines()
    try:
        start = lines.index(f"  {name}:")
    except ValueError:
        return []
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"(  )?\S", lines[i]) and not
                lines[i].lstrip().startswith("#")), len(lines))
    return lines[start:end]


def healthcheck_problems(doc: dict, text: str = "") -> list[str]:
    problems = []
    all_services = services(doc)
    depended_on = {dep for service in all_services.values() for dep in (service.get("depends_on") or {})}
    for name, service in all_services.items():
        check = service.get("healthcheck")
        if name in ONE_SHOT:
            if check != {"disable": True}:
                problems.append(f"{name}: a one-shot service: give it `healthcheck: {{disable: true}}` with a comment")
            if not service.get("profiles"):
                problems.append(f"{name}: a one-shot service belongs in a profile, or `up` starts it")
            if name in depended_on:
                problems.append(f"{name}: a one-shot service with no healthcheck cannot be depended on")
            block = service_block(text, name)
            at = next((i for i, line in enumerate(block) if line.strip() == "disable: true"), None)
            if at is None or not block[at - 1].strip().startswith("#"):
                problems.append(f"{name}: say in a comment, just above `disable: true`, why it has no healthcheck")
            continue
        if not check or check.get("disable") in (True, "true"):
            problems.append(f"{name}: no healthcheck")
            continue
        test = check.get("test")
        if not test or (isinstance(test, list) and (test[0] not in ("CMD", "CMD-SHELL") or len(test) < 2)):
            problems.append(f"{name}: healthcheck test must be [CMD, ...] or [CMD-SHELL, command], not {test!r}")
            continue
        if isinstance(test, list) and test[0] == "CMD" and len(test) >= 4 and test[1].startswith("python") \
                and test[2] == "-c":
            try:
                compile(test[3], f"<{name} healthcheck>", "exec")
            except SyntaxError as exc:
                problems.append(f"{name}: healthcheck Python does not compile: {exc}")
    return problems


def depends_on_problems(doc: dict) -> list[str]:
    problems = []
    all_services = services(doc)
    for name, service in all_services.items():
        depends = service.get("depends_on")
        if depends is None:
            continue
        if isinstance(depends, list):
            problems.append(f"{name}: depends_on as a list waits only for a start; use "
                            "{x: {condition: service_healthy}}")
            continue
        for dep, spec in depends.items():
            if dep not in all_services:
                problems.append(f"{name}: depends on {dep}, which is not a service")
                continue
            if (spec or {}).get("condition") != "service_healthy":
                problems.append(f"{name}: depends on {dep} with condition {(spec or {}).get('condition')!r}, "
                                "not service_healthy")
            if dep in ONE_SHOT or not all_services[dep].get("healthcheck") \
                    or all_services[dep]["healthcheck"].get("disable"):
                problems.append(f"{name}: depends on {dep} being healthy, but {dep} has no healthcheck")
    return problems


def mounts(service: dict) -> list[dict]:
    """A service's volumes in the long form ({type, source, target, read_only})."""
    found = []
    for item in service.get("volumes") or []:
        if isinstance(item, dict):
            found.append(item)
            continue
        parts = item.split(":")
        if len(parts) == 1:
            found.append({"type": "volume", "target": parts[0]})  # anonymous
            continue
        source, target = parts[0], parts[1]
        kind = "bind" if source.startswith((".", "/", "~", "$")) else "volume"
        found.append({"type": kind, "source": source, "target": target, "read_only": "ro" in parts[2:]})
    return found


def volume_problems(doc: dict) -> list[str]:
    declared = set(doc.get("volumes") or {})
    used: set[str] = set()
    problems = []
    for name, service in services(doc).items():
        for mount in mounts(service):
            if mount["type"] == "volume":
                if not mount.get("source"):
                    problems.append(f"{name}: an anonymous volume at {mount['target']}: name it")
                else:
                    used.add(mount["source"])
    problems += [f"volume {v} is used but not declared" for v in sorted(used - declared)]
    problems += [f"volume {v} is declared but no service uses it" for v in sorted(declared - used)]
    return problems


def network_problems(doc: dict) -> list[str]:
    declared = list(doc.get("networks") or {})
    if len(declared) > 1:
        return [f"{len(declared)} networks ({', '.join(declared)}): the stack shares one"]
    expected = declared or ["default"]
    problems = []
    for name, service in services(doc).items():
        joined = list(service.get("networks") or ["default"])
        if joined != expected:
            problems.append(f"{name}: on networks {joined}, not {expected}")
    return problems


# --- environment variables --------------------------------------------------------------

READS = [re.compile(p) for p in (
    r"""environ\.get\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""",
    r"""environ\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\]""",
    r"""getenv\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""",
    r"""\benv\.get\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""",
    r"""\benv\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\]""",
)]


def python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (KIT_ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


def variables_read(paths: list[Path]) -> set[str]:
    """Names read as environ.get("X"), environ["X"], getenv("X"), env.get("X") or env["X"]."""
    names: set[str] = set()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for pattern in READS:
            names.update(pattern.findall(text))
    return names


def string_literals(paths: list[Path]) -> set[str]:
    """Every string constant in these files (the grader reads some variables by a list of names)."""
    found: set[str] = set()
    for path in paths:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue  # a file being edited: the other tests report it
        found.update(node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                     and isinstance(node.value, str))
    return found


def app_reads() -> set[str]:
    # The starter, and the reference versions of the learner files (the Task 09 publisher
    # reads KAFKA_* there; the stub only names them).
    return (variables_read(python_files("starter/backend")) | variables_read(python_files("solutions/backend"))) - set(
        APP_LEARNER_NOT_NEEDED)


def analytics_reads() -> set[str]:
    return variables_read(python_files("starter/analytics")) | variables_read(python_files("solutions/analytics"))


def grader_literals() -> set[str]:
    return string_literals(sorted((KIT_ROOT / "grader" / "stacks").glob("*.py"))
                           + sorted((KIT_ROOT / "grader" / "testkit").glob("*.py")))


def kafka_property(variable: str) -> str | None:
    """The broker property a KAFKA_* variable of the apache/kafka image sets: `___` is `-`,
    `__` is `_`, `_` is `.`, lower-cased (KAFKA_NODE_ID -> node.id)."""
    if not variable.startswith("KAFKA_"):
        return None
    name = variable[len("KAFKA_"):]
    return name.replace("___", "\0").replace("__", "\1").replace("_", ".").replace("\0", "-").replace(
        "\1", "_").lower()


def third_party_env_problems(name: str, image: str, env: dict) -> list[str]:
    repository = split_image(image)[0].removeprefix("docker.io/").removeprefix("library/")
    documented = IMAGE_ENV.get(repository)
    if documented is None:
        return [f"{name}: no list of the variables {repository} documents; add one to IMAGE_ENV"]
    problems = []
    for variable in env:
        base = variable.removesuffix("_FILE")
        if variable in documented or base in documented:
            continue
        if repository == "apache/kafka" and kafka_property(variable) in KAFKA_PROPERTIES:
            continue
        if repository == "apache/kafka" and variable.startswith("KAFKA_"):
            problems.append(f"{name}: {variable} sets broker property {kafka_property(variable)!r}, not one in "
                            "KAFKA_PROPERTIES (a typo?)")
        else:
            problems.append(f"{name}: {variable} is not a variable the {repository} image documents")
    return problems


def env_problems(doc: dict, app_read: set[str], analytics_read: set[str]) -> list[str]:
    """The app and analytics set exactly what their code reads and the stack needs; the
    third-party images only what they document."""
    problems = []
    all_services = services(doc)
    for name, service in all_services.items():
        env = env_of(service)
        if name == "app":
            problems += [f"app: {v} is set but starter/backend never reads it" for v in sorted(set(env) - app_read)]
            problems += [f"app: starter/backend/config.py reads {v}, which the stack does not set (or add it to "
                         "APP_NOT_NEEDED with a reason)" for v in sorted(app_read - set(env) - set(APP_NOT_NEEDED))]
        elif name == "analytics":
            problems += [f"analytics: {v} is set but starter/analytics never reads it"
                         for v in sorted(set(env) - analytics_read)]
            problems += [f"analytics: starter/analytics reads {v}, which the stack does not set"
                         for v in sorted(analytics_read - set(env) - set(ANALYTICS_NOT_NEEDED))]
        elif name in ONE_SHOT:
            continue  # grader_env_problems
        elif "build" not in service:
            problems += third_party_env_problems(name, service.get("image", ""), env)
    return problems


def grader_env_problems(doc: dict, literals: set[str]) -> list[str]:
    env = env_of(services(doc).get("grader", {}))
    return [f"grader: {v} is set but no code in grader/stacks or grader/testkit names it"
            for v in sorted(set(env) - literals)]


def consistency_problems(doc: dict) -> list[str]:
    """Settings that name one another agree (after interpolation with the defaults)."""
    problems = []
    s = services(doc)
    app, analytics, grader, mysql, kafka = (env_of(s[n]) for n in ("app", "analytics", "grader", "mysql", "kafka"))
    for variable in GRADING_SETTINGS:
        if app.get(variable) != grader.get(variable):
            problems.append(f"{variable}: the app runs with {app.get(variable)!r}, the grader expects "
                            f"{grader.get(variable)!r}")
    minimum = HMAC_KEY_BYTES.get(app.get("JWT_ALGORITHM", ""), 0)
    if len((app.get("JWT_SECRET") or "").encode()) < minimum:
        problems.append(f"JWT_SECRET: {app.get('JWT_ALGORITHM')} needs a key of at least {minimum} bytes")
    if not app.get("MONGODB_URL") or app.get("MONGODB_URL") != grader.get("MONGODB_URL"):
        problems.append("MONGODB_URL differs between app and grader: the tests would read another database")
    if app.get("MONGODB_URL") != "mongodb://mongodb:27017":
        problems.append(f"app: MONGODB_URL {app.get('MONGODB_URL')!r} is not the mongodb service")
    advertised = kafka.get("KAFKA_ADVERTISED_LISTENERS", "")
    for who, env in (("analytics", analytics), ("grader", grader)):
        bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS", "")
        if not bootstrap or f"://{bootstrap}" not in advertised:
            problems.append(f"{who}: KAFKA_BOOTSTRAP_SERVERS {bootstrap!r} is not a listener kafka advertises "
                            f"({advertised!r})")
        # The grader logs in as root (it gives each analytics service a database and a user of
        # its own), with the root password the mysql service sets; analytics as the user it makes.
        if who == "grader" and env.get("MYSQL_USER") == "root":
            if env.get("MYSQL_PASSWORD") != mysql.get("MYSQL_ROOT_PASSWORD"):
                problems.append(f"grader: MYSQL_PASSWORD {env.get('MYSQL_PASSWORD')!r} is not the root password the "
                                f"mysql service sets ({mysql.get('MYSQL_ROOT_PASSWORD')!r})")
            continue
        for variable in ("MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE"):
            if env.get(variable) != mysql.get(variable):
                problems.append(f"{who}: {variable} {env.get(variable)!r} is not the one the mysql service creates "
                                f"({mysql.get(variable)!r})")
        if (env.get("MYSQL_HOST"), env.get("MYSQL_PORT")) != ("mysql", "3306"):
            problems.append(f"{who}: MYSQL_HOST/MYSQL_PORT do not point at the mysql service")
    if mysql.get("MYSQL_USER") == "root":
        problems.append("mysql: MYSQL_USER may not be root (the image refuses it)")
    command = s["app"].get("command") or []
    port = command[command.index("--port") + 1] if "--port" in command else None
    if grader.get("APP_URL") != f"http://app:{port}":
        problems.append(f"grader: APP_URL {grader.get('APP_URL')!r} is not the app service's port {port}")
    kafka_data = {m["target"] for m in mounts(s["kafka"]) if m["type"] == "volume"}
    if kafka.get("KAFKA_LOG_DIRS") not in kafka_data:
        problems.append(f"kafka: log.dirs {kafka.get('KAFKA_LOG_DIRS')!r} is not on its data volume {kafka_data}")
    return problems


# --- the Dockerfile -----------------------------------------------------------------------

def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    instructions, pending = [], ""
    for line in text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, args = full.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    return instructions


def dockerfile_stages(text: str) -> dict[str, dict]:
    stages: dict[str, dict] = {}
    current = None
    for keyword, args in dockerfile_instructions(text):
        if keyword == "FROM":
            parts = args.split()
            base = parts[0]
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else f"#{len(stages)}"
            current = stages[name] = {"base": base, "instructions": []}
        elif current is not None:
            current["instructions"].append((keyword, args))
    return stages


def dockerfile_base_problems(text: str) -> list[str]:
    stages = dockerfile_stages(text)
    problems = []
    for name, stage in stages.items():
        if stage["base"] in stages:
            continue  # an earlier stage
        problem = pin_problem(stage["base"])
        if problem:
            problems.append(f"stage {name}: {problem}")
    return problems


def dockerignore_patterns() -> list[str]:
    return [line.strip() for line in DOCKERIGNORE_PATH.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def ignored(rel: str, patterns: list[str]) -> bool:
    rel = rel.rstrip("/")
    return any(fnmatch.fnmatch(rel, p.rstrip("/")) or fnmatch.fnmatch(rel.split("/")[0], p.rstrip("/"))
               for p in patterns if not p.startswith("!"))


# === the tests ===============================================================================

def test_the_vendored_schema_is_the_official_one_unchanged():
    assert hashlib.sha256(SCHEMA_PATH.read_bytes()).hexdigest() == SCHEMA_SHA256, (
        "tests/fixtures/formats/compose-spec.json changed: vendor it unchanged and update SCHEMA_SHA256")
    schema = load_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["title"] == "Compose Specification"


def test_the_compose_file_follows_the_compose_specification():
    assert schema_problems(load_compose()) == []
    assert schema_problems(resolved()) == []


def test_every_variable_the_compose_file_uses_has_a_default():
    assert all_interpolation_problems(load_compose()) == []
    resolved()  # and interpolates with no variable set


def test_every_image_is_pinned_to_an_exact_version():
    assert image_problems(resolved()) == []
    assert dockerfile_base_problems(DOCKERFILE_PATH.read_text(encoding="utf-8")) == []


def test_every_service_has_a_healthcheck_and_waits_for_healthy_dependencies():
    assert healthcheck_problems(resolved(), compose_text()) == []
    assert depends_on_problems(resolved()) == []
    deps = {name: set(service.get("depends_on") or {}) for name, service in services(resolved()).items()}
    assert deps["app"] == {"mongodb", "kafka"}
    assert deps["analytics"] == {"kafka", "mysql"}
    assert deps["grader"] >= {"app", "mongodb"}


def test_volumes_are_named_declared_and_used_and_one_network_joins_everything():
    doc = resolved()
    assert volume_problems(doc) == []
    assert network_problems(doc) == []
    data = {name: {m["target"] for m in mounts(service) if m["type"] == "volume"}
            for name, service in services(doc).items()}
    assert "/data/db" in data["mongodb"] and "/var/lib/mysql" in data["mysql"]


def test_the_app_and_analytics_set_exactly_what_their_code_reads():
    assert {"MONGODB_URL", "DATABASE_NAME", "JWT_SECRET", "EVENT_SINK", "ERROR_DETAILS"} <= app_reads()
    assert {"KAFKA_BOOTSTRAP_SERVERS", "MYSQL_HOST", "MYSQL_PASSWORD", "ANALYTICS_PORT"} <= analytics_reads()
    assert env_problems(resolved(), app_reads(), analytics_reads()) == []
    app = env_of(services(resolved())["app"])
    assert (app["EVENT_SINK"], app["MAIL_SINK"], app["ERROR_DETAILS"]) == ("collection,kafka", "collection", "1")
    assert env_of(services(resolved())["analytics"])["KAFKA_GROUP_ID"]  # read by the consumer (Task 09)


def test_the_grader_sets_only_what_the_grader_code_reads():
    # APP_URL and the grading settings are read by grader/stacks and grader/testkit (the
    # services stack's tests talk to the app service with the app's own settings).
    assert grader_env_problems(resolved(), grader_literals()) == []


def test_settings_that_name_each_other_agree():
    assert consistency_problems(resolved()) == []


def test_the_learner_folder_is_mounted_read_only_and_the_grader_writes_results_where_mounted():
    s = services(resolved())
    learner = {name: [m for m in mounts(s[name]) if m.get("target") == "/learner"] for name in ("app", "grader")}
    for name, found in learner.items():
        assert len(found) == 1 and found[0]["read_only"] is True, f"{name}: /learner must be mounted read-only"
    assert learner["app"][0]["source"] == learner["grader"][0]["source"] == "./starter"
    assert [m["read_only"] for m in mounts(s["analytics"]) if m.get("target") == "/learner"] == [True]
    assert s["analytics"]["command"] == ["grade", "analytics", "--impl", "/learner"]
    assert s["app"]["command"] == ["grade", "serve", "--impl", "/learner", "--host", "0.0.0.0", "--port", "8000"]
    command = s["grader"]["command"]
    assert command[:2] == ["grade", "01"] and command[command.index("--stack") + 1] == "services"
    assert command[command.index("--impl") + 1] == "/learner"
    results = command[command.index("--json") + 1]
    assert any(results.startswith(m["target"] + "/") for m in mounts(s["grader"]) if not m.get("read_only"))
    manifest.load().find(command[1])  # the default task exists
    assert s["grader"]["profiles"] == ["grade"]
    assert s["app"]["restart"] == "unless-stopped"
    assert any(str(p).endswith(":8000") for p in s["app"]["ports"])


def test_the_learners_code_runs_only_in_the_platform_image():
    s = services(resolved())
    stages = dockerfile_stages(DOCKERFILE_PATH.read_text(encoding="utf-8"))
    for name in PLATFORM_SERVICES:
        assert s[name]["build"] == {"context": ".", "target": "platform"}, name
    assert s["app"]["image"] == s["analytics"]["image"]
    assert s["grader"]["build"]["target"] == "grader" and s["grader"]["image"] != s["app"]["image"]
    assert {"platform", "grader"} <= set(stages) and stages["grader"]["base"] == "platform"
    platform = stages["platform"]["instructions"]
    users = [args for keyword, args in platform if keyword == "USER"]
    assert users and users[-1] not in ("root", "0"), "the platform image runs as a user of its own"
    copies = [args for keyword, args in platform if keyword in ("COPY", "ADD")]
    assert copies and all(args.startswith("--from=") for args in copies), (
        "the platform stage copies only the prepared kit, never straight from the build context")
    # The source stage moves the hidden tests out; they live in grader/hidden for every task.
    source = stages[copies[0].split()[0].removeprefix("--from=")]
    assert any(keyword == "RUN" and "mv grader/hidden" in args for keyword, args in source["instructions"])
    for task in manifest.load().tasks:
        assert not task.hidden_tests or task.hidden_tests.startswith("grader/hidden/"), task.id
    assert any(keyword == "COPY" and "/withheld" in args for keyword, args in stages["grader"]["instructions"])


def test_the_build_context_leaves_out_what_no_image_needs():
    patterns = dockerignore_patterns()
    for needed in (".venv", ".git", "tests", ".grade-state.json", "solutions"):
        assert ignored(needed, patterns), f".dockerignore must leave out {needed}"
    assert ignored("grader/__pycache__", patterns) and ignored("social_commerce_course_kit.egg-info", patterns)
    # What the Dockerfile copies from the context exists and is not left out of it.
    for keyword, args in dockerfile_instructions(DOCKERFILE_PATH.read_text(encoding="utf-8")):
        if keyword != "COPY" or args.startswith("--from="):
            continue
        for source in args.split()[:-1]:
            if "[" in source:  # release.tom[l]: optional on purpose
                continue
            assert (KIT_ROOT / source).exists(), f"COPY {source}: no such file in the kit"
            assert not ignored(source, patterns), f"COPY {source}: .dockerignore leaves it out"


def test_the_makefile_runs_the_stack_with_docker_compose():
    text = MAKEFILE_PATH.read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", text, re.MULTILINE).group(1).split()
    recipes = {}
    for target in ("stack-up", "stack-grade", "stack-down"):
        assert target in phony, f"{target} is not .PHONY"
        match = re.search(rf"^{target}:[^\n]*\n((?:\t[^\n]*\n)+)", text, re.MULTILINE)
        assert match, f"no {target} target"
        recipes[target] = match.group(1)
    compose = re.search(r"^COMPOSE \?= (.*)$", text, re.MULTILINE).group(1)
    assert compose == "docker compose"
    assert "$(COMPOSE) up" in recipes["stack-up"] and "--wait" in recipes["stack-up"]
    assert "$(COMPOSE) --profile grade run --rm grader" in recipes["stack-grade"]
    assert "$(COMPOSE) --profile grade down" in recipes["stack-down"]
    if shutil.which("make") is None:
        return
    dry = subprocess.run(["make", "-n", "-C", str(KIT_ROOT), "stack-grade", "TASK=02", "LEARNER=../fork"],
                         capture_output=True, text=True, timeout=30, check=False)
    assert dry.returncode == 0, dry.stderr
    assert 'TASK="02" LEARNER_DIR="../fork" docker compose --profile grade run --rm grader' in dry.stdout
    assert "--force-recreate app" in dry.stdout  # the app serves the learner's files as they are now


# --- the checkers catch what they should ------------------------------------------------

def test_the_pin_checker_flags_moving_tags():
    for ref in ("mongo:latest", "mongo:7", "mongo:7.0", "mongo", "mysql:8", "registry.example:5000/team/mongo",
                "apache/kafka:${KAFKA_VERSION:-3.8.0}", "python:3.11-slim"):
        assert pin_problem(ref), ref
    for ref in ("mongo:7.0.14", "apache/kafka:3.8.0", "python:3.11.10-slim-bookworm",
                "registry.example:5000/team/mongo:7.0.14", "mongo@sha256:" + "a" * 64):
        assert pin_problem(ref) == "", ref
    assert dockerfile_base_problems("FROM python:3.11 AS base\nFROM base AS app\n") == [
        "stage base: python:3.11: tag '3.11' is not an exact version (major.minor.patch), so it moves"]
    doc = load_compose()
    doc["services"]["mongodb"]["image"] = "mongo:7"
    assert image_problems(doc) == ["mongodb: mongo:7: tag '7' is not an exact version (major.minor.patch), so it moves"]


def test_the_interpolation_checker_flags_variables_without_a_default():
    assert interpolation_problems("${TASK}") and interpolation_problems("$TASK")
    assert interpolation_problems("${TASK:?set TASK}") and interpolation_problems("${A:-${B}}")
    assert interpolation_problems("${TASK:-01} $$HOME -p$$MYSQL_ROOT_PASSWORD") == []
    assert interpolate("${A:-x}/${B-y}/$$C", {"A": "", "B": ""}) == "x//$C"
    doc = load_compose()
    doc["services"]["grader"]["command"][1] = "${TASK}"
    assert all_interpolation_problems(doc) == ["$.services.grader.command[1]: ${TASK} in '${TASK}' has no default"]


def test_the_schema_check_flags_what_compose_would_refuse():
    doc = resolved()
    doc["services"]["app"]["healthcheck"]["tset"] = ["CMD", "true"]
    doc["services"]["app"]["depends_on"]["mongodb"]["condition"] = "service_ready"
    problems = schema_problems(doc)
    assert any("tset" in p for p in problems) and any("service_ready" in p for p in problems)


def test_the_healthcheck_and_depends_on_checkers_flag_gaps():
    doc = resolved()
    del doc["services"]["kafka"]["healthcheck"]
    doc["services"]["mysql"]["healthcheck"] = {"disable": True}
    doc["services"]["app"]["healthcheck"]["test"][3] = "import urllib.request; urlopen("
    assert healthcheck_problems(doc, compose_text()) == [
        "kafka: no healthcheck", "mysql: no healthcheck",
        "app: healthcheck Python does not compile: '(' was never closed (<app healthcheck>, line 1)"]
    assert depends_on_problems(doc) == [
        "app: depends on kafka being healthy, but kafka has no healthcheck",
        "analytics: depends on kafka being healthy, but kafka has no healthcheck",
        "analytics: depends on mysql being healthy, but mysql has no healthcheck",
        "grader: depends on kafka being healthy, but kafka has no healthcheck",
        "grader: depends on mysql being healthy, but mysql has no healthcheck"]
    doc = resolved()
    doc["services"]["app"]["depends_on"] = ["mongodb"]
    doc["services"]["analytics"]["depends_on"]["kafka"]["condition"] = "service_started"
    doc["services"]["mongodb"]["depends_on"] = {"grader": {"condition": "service_healthy"}}
    assert depends_on_problems(doc) == [
        "mongodb: depends on grader being healthy, but grader has no healthcheck",
        "app: depends_on as a list waits only for a start; use {x: {condition: service_healthy}}",
        "analytics: depends on kafka with condition 'service_started', not service_healthy"]
    uncommented = compose_text().replace("      # so there is no \"healthy\" to report. Disabled outright rather than "
                                         "faked.\n", "      #\n      disable_reason: none\n")
    assert healthcheck_problems(resolved(), uncommented) == [
        "grader: say in a comment, just above `disable: true`, why it has no healthcheck"]


def test_the_volume_and_network_checkers_flag_strays():
    doc = resolved()
    doc["volumes"]["spare"] = {}
    doc["services"]["mysql"]["volumes"] = ["mysql-data:/var/lib/mysql", "mysql-logs:/var/log/mysql", "/tmp/x"]
    assert volume_problems(doc) == ["mysql: an anonymous volume at /tmp/x: name it",
                                    "volume mysql-logs is used but not declared",
                                    "volume spare is declared but no service uses it"]
    doc = resolved()
    doc["networks"]["backend"] = {}
    assert network_problems(doc)
    doc = resolved()
    doc["services"]["kafka"]["networks"] = ["default"]
    assert network_problems(doc) == ["kafka: on networks ['default'], not ['platform']"]


def test_the_env_checkers_flag_unread_missing_and_undocumented_variables():
    doc = resolved()
    s = doc["services"]
    s["app"]["environment"]["DEBUG"] = "1"
    del s["app"]["environment"]["JWT_SECRET"]
    s["analytics"]["environment"]["ANALYTICS_TOPICS"] = "users"
    del s["analytics"]["environment"]["MYSQL_DATABASE"]
    s["mysql"]["environment"]["MYSQL_ROOT_PASS"] = "x"
    s["mongodb"]["environment"] = {"MONGO_INITDB_ROOT_PASSWORD_FILE": "/run/secrets/root", "MONGO_PORT": "1"}
    s["kafka"]["environment"]["KAFKA_NODEID"] = "1"
    assert env_problems(doc, app_reads(), analytics_reads()) == [
        "mongodb: MONGO_PORT is not a variable the mongo image documents",
        "kafka: KAFKA_NODEID sets broker property 'nodeid', not one in KAFKA_PROPERTIES (a typo?)",
        "mysql: MYSQL_ROOT_PASS is not a variable the mysql image documents",
        "app: DEBUG is set but starter/backend never reads it",
        ("app: starter/backend/config.py reads JWT_SECRET, which the stack does not set (or add it to "
         "APP_NOT_NEEDED with a reason)"),
        "analytics: ANALYTICS_TOPICS is set but starter/analytics never reads it",
        "analytics: starter/analytics reads MYSQL_DATABASE, which the stack does not set"]
    s["grader"]["environment"]["GRADER_SECRET_SAUCE"] = "1"
    assert grader_env_problems(doc, {"APP_URL"}) == [
        f"grader: {v} is set but no code in grader/stacks or grader/testkit names it"
        for v in sorted(set(s["grader"]["environment"]) - {"APP_URL"})]
    assert kafka_property("KAFKA_NODE_ID") == "node.id"
    assert kafka_property("KAFKA_ABC___DEF__GHI") == "abc-def_ghi"


def test_variables_read_finds_each_way_of_reading_one(tmp_path):
    source = tmp_path / "settings.py"
    source.write_text('import os\nenv = os.environ\na = os.environ.get("A", 1)\nb = os.environ["B"]\n'
                      'c = os.getenv( "C")\nd = env.get(\'D\')\ne = env["E"]\nf = "F"\nenv.get(name)\n')
    assert variables_read([source]) == {"A", "B", "C", "D", "E"}
    assert string_literals([source]) >= {"A", "B", "C", "D", "E", "F"}


def test_the_consistency_checker_flags_settings_that_disagree():
    doc = resolved()
    s = doc["services"]
    s["grader"]["environment"]["JWT_SECRET"] = "another"
    s["grader"]["environment"]["APP_URL"] = "http://app:8080"
    s["analytics"]["environment"]["MYSQL_PASSWORD"] = "wrong"
    s["grader"]["environment"]["KAFKA_BOOTSTRAP_SERVERS"] = "localhost:9092"
    assert consistency_problems(doc) == [
        f"JWT_SECRET: the app runs with {s['app']['environment']['JWT_SECRET']!r}, the grader expects 'another'",
        "analytics: MYSQL_PASSWORD 'wrong' is not the one the mysql service creates ('analytics')",
        ("grader: KAFKA_BOOTSTRAP_SERVERS 'localhost:9092' is not a listener kafka advertises "
         "('PLAINTEXT://kafka:9092')"),
        "grader: APP_URL 'http://app:8080' is not the app service's port 8000"]
    doc = resolved()
    doc["services"]["app"]["environment"]["JWT_SECRET"] = doc["services"]["grader"]["environment"]["JWT_SECRET"] = "x"
    assert consistency_problems(doc) == ["JWT_SECRET: HS384 needs a key of at least 48 bytes"]


# --- the analytics service, running ---------------------------------------------------

def closed_port() -> int:
    from grader.stacks.process import free_port

    return free_port()  # nothing listens there: a connection is refused at once


class Analytics:
    """``python -m analytics`` from starter/, as the compose service runs it."""

    def __init__(self, wait: bool = True, **env: str):
        from grader.stacks.process import free_port

        self.port = free_port()
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("KAFKA_", "MYSQL_", "ANALYTICS_"))}
        full_env.update(PYTHONPATH=os.pathsep.join([str(KIT_ROOT / "starter"), str(KIT_ROOT)]),
                        ANALYTICS_HOST="127.0.0.1", ANALYTICS_PORT=str(self.port), **env)
        self.proc = subprocess.Popen([sys.executable, "-m", "analytics"], cwd=KIT_ROOT / "starter", env=full_env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 30
        while wait and not self.get("/health")[1].get("consuming"):
            assert self.proc.poll() is None, f"analytics exited: {self.proc.communicate()[0]}"
            assert time.monotonic() < deadline, "analytics did not start consuming within 30 s"
            time.sleep(0.05)

    def wait(self, seconds: float) -> tuple[int | None, str]:
        try:
            return self.proc.wait(timeout=seconds), self.proc.communicate()[0]
        except subprocess.TimeoutExpired:
            return self.stop()

    def get(self, path: str) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())
        except OSError:
            return 0, {}

    def healthcheck(self) -> int:
        """The exit code of the compose file's healthcheck command for this service, run here."""
        test = services(resolved())["analytics"]["healthcheck"]["test"]
        assert test[:3] == ["CMD", "python", "-c"]
        env = {**os.environ, "ANALYTICS_PORT": str(self.port)}
        return subprocess.run([sys.executable, "-c", test[3]], env=env, capture_output=True, timeout=15,
                              check=False).returncode

    def stop(self) -> tuple[int | None, str]:
        self.proc.send_signal(signal.SIGTERM)
        try:
            output = self.proc.communicate(timeout=60)[0]
        except subprocess.TimeoutExpired:
            self.proc.kill()
            output = self.proc.communicate()[0]
            return None, output
        return self.proc.returncode, output


def test_analytics_that_mysql_refuses_says_so_in_one_line_and_exits():
    """The compose stack restarts it (restart: unless-stopped); each start says why it stopped."""
    service = Analytics(KAFKA_BOOTSTRAP_SERVERS=f"127.0.0.1:{closed_port()}", MYSQL_HOST="127.0.0.1",
                        MYSQL_PORT=str(closed_port()), wait=False)
    code, output = service.wait(60)
    assert code == 2, output
    reports = [line for line in output.splitlines() if line.startswith("analytics: could not start")]
    assert len(reports) == 1 and "127.0.0.1" in reports[0], output


@pytest.fixture(scope="module")
def kafka_and_mysql():
    from grader.stacks import kafka, mysql

    if kafka.broker_command()[0] is None:
        pytest.skip(f"no local Kafka broker: {kafka.broker_command()[1]}")
    if mysql.server_binary() is None:
        pytest.skip("no MariaDB or MySQL server (mariadbd/mysqld) is installed; "
                    "`apt-get install mariadb-server` to run this test")
    with ThreadPoolExecutor(max_workers=2) as pool:
        backends = list(pool.map(lambda start: start(), (kafka.start_local, mysql.start_local)))
    try:
        for backend in backends:
            backend.wait()
            assert backend.ready, f"{backend.name}: {backend.problem}"
        yield {**backends[0].env, **backends[1].env}
    finally:
        for backend in backends:
            backend.stop()


def test_analytics_health_is_200_when_kafka_and_mysql_answer(kafka_and_mysql):
    service = Analytics(**kafka_and_mysql)
    try:
        status, body = service.get("/health?servers=1")
        assert service.healthcheck() == 0
    finally:
        code, output = service.stop()
    assert status == 200, body
    assert body["status"] == "ok" and body["kafka"]["ok"] and body["mysql"]["ok"] and "reason" not in body
    assert code == 0 and "analytics: stopped" in output, f"SIGTERM should end it cleanly: {output}"

    half = Analytics(**{**kafka_and_mysql, "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{closed_port()}"})
    try:
        status, body = half.get("/health?servers=1")
        assert half.healthcheck() != 0
    finally:
        half.stop()
    assert status == 503 and not body["kafka"]["ok"] and body["mysql"]["ok"], body
    assert body["reason"].startswith("kafka at 127.0.0.1:") and "mysql" not in body["reason"]
