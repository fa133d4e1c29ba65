"""The rules of Task D01 (tasks/D01-docker.md), one function each. Each takes the learner's
files, read as data (``Project``), and returns its problems in plain words, each naming the
file and line and what the value must agree with; an empty list means the rule holds.

Services are found by what they are, not by their names: the MongoDB, Kafka and MySQL
services by their images, the app and the analytics service by the Dockerfile they build
(or, failing that, by the names the doc suggests).
"""

import ast
import os
import posixpath
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from grader.testkit.docker.compose import ComposeFile, Map, Seq, scalar, single_dollar_variables
from grader.testkit.docker.dockerfiles import Dockerfile, Instruction, copy_sources, split_image

COMPOSE, APP_DOCKERFILE, ANALYTICS_DOCKERFILE = "docker-compose.yml", "Dockerfile", "analytics/Dockerfile"
LEARNER_FILES = (COMPOSE, APP_DOCKERFILE, ANALYTICS_DOCKERFILE)
DOC = "tasks/D01-docker.md"

MONGO, KAFKA, MYSQL, APP, ANALYTICS = "mongodb", "kafka", "mysql", "app", "analytics"
SERVERS = (MONGO, KAFKA, MYSQL)
ROLES = (MONGO, KAFKA, MYSQL, APP, ANALYTICS)
MONGO_PORT, MYSQL_PORT, APP_PORT = 27017, 3306, 8000
# The data directories, per server (Kafka's is its KAFKA_LOG_DIRS).
DATA_DIRS = {MONGO: "/data/db", MYSQL: "/var/lib/mysql"}
KAFKA_IMAGES = ("apache/kafka", "confluentinc/cp-kafka")
# What every process may read besides its own settings: Python's, the locale's, the shell's.
GENERIC_VARIABLE = re.compile(r"^(PYTHON\w*|PIP_\w+|UVICORN_\w+|WEB_CONCURRENCY|FORWARDED_ALLOW_IPS|TZ|LANG|LANGUAGE|"
                              r"LC_\w+|PATH|HOME|USER|TERM|HOSTNAME)$")
# The app's Kafka settings (backend/kafka_events.py, Task 09) and the analytics service's
# (analytics/consumer.py, analytics/db.py, analytics/service.py): the documented contract.
APP_KAFKA_VARIABLES = {"KAFKA_BOOTSTRAP_SERVERS", "KAFKA_CLIENT_ID", "KAFKA_TOPIC_PREFIX"}
ANALYTICS_VARIABLES = {
    "MYSQL_HOST", "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE", "MYSQL_POOL_SIZE",
    "KAFKA_BOOTSTRAP_SERVERS", "KAFKA_GROUP_ID", "KAFKA_CLIENT_ID", "KAFKA_TOPIC_PREFIX", "KAFKA_SESSION_TIMEOUT_MS",
    "ANALYTICS_HOST", "ANALYTICS_PORT", "ANALYTICS_PARTS", "ANALYTICS_PROBE", "ANALYTICS_FAULT",
    "ANALYTICS_PROBE_TABLES", "GRADER_HEALTH_KEY",
}
DEPENDENCY_LIST = re.compile(r"^(.*requirements.*\.txt|constraints.*\.txt|pyproject\.toml|setup\.cfg|setup\.py|"
                             r"poetry\.lock|uv\.lock|Pipfile(\.lock)?)$")
PIP_INSTALL = re.compile(r"\b(pip3?|uv\s+pip)\s+install\b")


def app_variables(root: Path) -> set[str]:
    """The variables the app reads: every ``env.get("NAME", ...)`` of backend/config.py, and
    the Kafka settings of Task 09."""
    found = set(APP_KAFKA_VARIABLES)
    config = root / "backend" / "config.py"
    if not config.is_file():  # a folder of the three learner files alone: the kit's own app
        from grader import KIT_ROOT

        config = KIT_ROOT / "starter" / "backend" / "config.py"
    try:
        tree = ast.parse(config.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return found
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.add(node.args[0].value)
    return found


@dataclass
class Listener:
    name: str
    host: str
    port: int


def listeners(text: str | None) -> list[Listener]:
    """``NAME://host:port,...`` -> listeners; an entry that does not parse has port 0."""
    out = []
    for entry in (text or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_]+)://(\[[^\]]*\]|[^:/]*):(\d+)", entry)
        if match:
            out.append(Listener(match.group(1).upper(), match.group(2), int(match.group(3))))
        else:
            out.append(Listener(entry.split("://")[0].upper(), "", 0))
    return out


def host_ports(text: str | None, default_port: int) -> list[tuple[str, int]]:
    """``host:port,host2`` -> [(host, port)]; a port that is not a number is 0."""
    out = []
    for entry in (text or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        host, sep, port = entry.rpartition(":") if ":" in entry else (entry, "", "")
        out.append((host, int(port) if port.isdigit() else (0 if sep else default_port)))
    return out


class Project:
    """The learner's three files, read once."""

    def __init__(self, root: Path, names: dict[str, str] | None = None):
        self.root = root
        names = names or {}
        self.compose = ComposeFile.load(root / names.get(COMPOSE, COMPOSE), COMPOSE)
        self.app_docker = Dockerfile.load(root / names.get(APP_DOCKERFILE, APP_DOCKERFILE), APP_DOCKERFILE)
        self.analytics_docker = Dockerfile.load(root / names.get(ANALYTICS_DOCKERFILE, ANALYTICS_DOCKERFILE),
                                                ANALYTICS_DOCKERFILE)
        self.targets = {APP: "", ANALYTICS: ""}  # the stage each image is built from ("" the last)

    # -- which service is which ----------------------------------------------------------

    @cached_property
    def roles(self) -> dict[str, str | None]:
        """Role -> the name of the service that plays it (None when none does)."""
        found: dict[str, str | None] = dict.fromkeys(ROLES)
        for name in self.compose.services:
            repo = split_image(self.compose.image(name))[0].lower()
            last = repo.rsplit("/", 1)[-1]
            if last == "mongo" and found[MONGO] is None:
                found[MONGO] = name
            elif "kafka" in last and found[KAFKA] is None:
                found[KAFKA] = name
            elif last in ("mysql", "mysql-server") and found[MYSQL] is None:
                found[MYSQL] = name
            dockerfile = self.built_dockerfile(name)
            if dockerfile == ANALYTICS_DOCKERFILE and found[ANALYTICS] is None:
                found[ANALYTICS] = name
            elif dockerfile == APP_DOCKERFILE and found[APP] is None:
                found[APP] = name
        for role, names in ((MONGO, ("mongodb", "mongo")), (KAFKA, ("kafka",)), (MYSQL, ("mysql",)),
                            (APP, ("app",)), (ANALYTICS, ("analytics", "mysql-service"))):
            if found[role] is None:
                found[role] = next((n for n in names if n in self.compose.services and n not in found.values()), None)
        return found

    def built_dockerfile(self, name: str) -> str:
        """Which learner Dockerfile a service's ``build`` names: APP_DOCKERFILE, ANALYTICS_DOCKERFILE or ""."""
        build = self.compose.service(name).get("build")
        if isinstance(build, str):
            context, dockerfile = build, "Dockerfile"
        elif isinstance(build, Map):
            context = str(build.get("context") or ".")
            dockerfile = str(build.get("dockerfile") or "Dockerfile")
        else:
            return ""
        path = posixpath.normpath(posixpath.join(context, dockerfile)).split("/")
        if path[-1] != "Dockerfile":
            return ""
        return ANALYTICS_DOCKERFILE if len(path) >= 2 and path[-2] == "analytics" else APP_DOCKERFILE

    def service_of(self, role: str) -> str | None:
        return self.roles[role]

    def missing(self, role: str, what: str) -> list[str]:
        """A problem when no service plays ``role`` (empty when one does)."""
        if self.compose.error:
            return [self.compose.error]
        if self.roles[role] is None:
            return [f"{COMPOSE}: no service is {what} (see {DOC})"]
        return []

    def env_line(self, role: str, variable: str) -> int:
        name = self.roles[role]
        setting = self.compose.environment(name).get(variable) if name else None
        if setting:
            return setting.line
        service = self.compose.service(name)
        return service.line_of("environment") if "environment" in service else self.compose.service_line(name or "")

    def where(self, role: str, variable: str) -> str:
        return f"{self.compose.at(self.env_line(role, variable))}: services.{self.roles[role]}.environment.{variable}"


# -- the Dockerfiles (D01.1, D01.2) ----------------------------------------------------------


def _dockerfile(project: Project, role: str) -> Dockerfile:
    return project.app_docker if role == APP else project.analytics_docker


def base_image_pinned(project: Project, role: str) -> list[str]:
    docker = _dockerfile(project, role)
    if docker.error:
        return [docker.error]
    image, line = docker.base_image(project.targets[role])
    return pinned(image, f"{docker.at(line)}: FROM {image}")


def pinned(image: str, where: str) -> list[str]:
    repo, tag, digest = split_image(image)
    if not repo:
        return [f"{where}: no image is named"]
    if digest:
        return []
    if not tag:
        return [f"{where} has no tag, so it means `{repo}:latest`, whatever that is on the day of the build: "
                f"pin a version, e.g. `{repo}:<version>`"]
    if tag == "latest":
        return [f"{where}: `latest` is whatever the registry holds on the day of the build: pin a version"]
    return []


def requirements_before_code(project: Project, role: str) -> list[str]:
    docker = _dockerfile(project, role)
    if docker.error:
        return [docker.error]
    steps = docker.instructions(project.targets[role])
    install = next((i for i in steps if i.name == "RUN" and PIP_INSTALL.search(i.value)), None)
    if install is None:
        return [f"{docker.name}: no RUN installs the requirements (`pip install -r requirements.txt`)"]
    problems = []
    code_folder = "backend" if role == APP else "analytics"
    copied_code = False
    for step in steps:
        if step.name not in ("COPY", "ADD"):
            continue
        sources, _, stage = copy_sources(step)
        before = step.line < install.line
        code_stage = bool(stage) and _stage_copies_code(docker, stage)
        for source in sources:
            base = posixpath.basename(posixpath.normpath(source))
            if code_stage or (not stage and not DEPENDENCY_LIST.match(base)):
                if before:
                    problems.append(
                        f"{docker.at(step.line)}: `{step.name} {step.value.strip()}` copies code before the requirements "
                        f"are installed ({docker.at(install.line)}), so every edit of the code reinstalls them: "
                        "copy the requirements file alone, install, then copy the code")
                elif code_stage or code_folder in source.split("/") or base in (".", "*", "starter"):
                    copied_code = True
    if not problems and not copied_code:
        problems.append(f"{docker.name}: no COPY after the install ({docker.at(install.line)}) puts the code "
                        f"({code_folder}/) in the image")
    return problems


def _stage_copies_code(docker: Dockerfile, stage: str) -> bool:
    """Whether a build stage (``COPY --from=<stage>``) holds more than dependencies: it copies
    anything but a dependency list, or takes from a stage that does. An image that is not a
    stage of this file (``--from=nginx:1.27``) counts as code."""
    if not any(s.name.lower() == stage.lower() for s in docker.stages):
        return True
    for step in docker.instructions(stage):
        if step.name in ("COPY", "ADD"):
            sources, _, other = copy_sources(step)
            if other and (other.lower() == stage.lower() or _stage_copies_code(docker, other)):
                return True
            if not other and any(not DEPENDENCY_LIST.match(posixpath.basename(posixpath.normpath(x))) for x in sources):
                return True
    return False


def non_root(project: Project, role: str) -> list[str]:
    docker = _dockerfile(project, role)
    if docker.error:
        return [docker.error]
    steps = docker.instructions(project.targets[role])
    users = [i for i in steps if i.name == "USER"]
    if not users:
        return [f"{docker.name}: no USER instruction, so the {role} runs as root: create a user "
                "(`RUN useradd ...`) and switch to it with `USER`"]
    last = users[-1]
    who = last.value.strip().split(":")[0]
    if who in ("root", "0", ""):
        return [f"{docker.at(last.line)}: `USER {last.value.strip()}` leaves the {role} running as root"]
    if who.isdigit() or who == "nobody":
        return []
    created = any(i.name == "RUN" and re.search(rf"\b(useradd|adduser)\b[^;&|]*\b{re.escape(who)}\b", i.value)
                  for i in steps if i.line < last.line)
    if not created:
        return [f"{docker.at(last.line)}: `USER {who}`, but no RUN before it creates `{who}` (useradd or adduser), "
                "so the container cannot start"]
    return []


def start_command(project: Project, role: str) -> list[str]:
    docker = _dockerfile(project, role)
    if docker.error:
        return [docker.error]
    steps = docker.instructions(project.targets[role])
    entry = next((i for i in reversed(steps) if i.name == "ENTRYPOINT"), None)
    cmd = next((i for i in reversed(steps) if i.name == "CMD"), None)
    if entry is None and cmd is None:
        return [f"{docker.name}: no CMD, so the image does not start the {role}"]
    words = _command_words(entry) + _command_words(cmd)
    line = (cmd or entry).line
    shown = " ".join(words)
    if role == ANALYTICS:
        if not re.search(r"(^|\s)(python3?|/\S*/python3?)\s+-m\s+analytics(\s|$)", shown):
            return [f"{docker.at(line)}: the command is `{shown}`; it must start the analytics service with "
                    "`python -m analytics`"]
        return []
    problems = []
    if "uvicorn" not in shown:
        return [f"{docker.at(line)}: the command is `{shown}`; it must start the app with uvicorn "
                "(`uvicorn backend.server:create_app --factory --host 0.0.0.0 --port 8000`)"]
    if "backend.server:create_app" not in words or "--factory" not in words:
        problems.append(f"{docker.at(line)}: the command is `{shown}`; the app is made by the factory "
                        "`backend.server:create_app`, so uvicorn needs `backend.server:create_app --factory`")
    if option(words, "--host") != "0.0.0.0":
        problems.append(f"{docker.at(line)}: the command is `{shown}`; uvicorn must listen on `--host 0.0.0.0` "
                        "(its default, 127.0.0.1, is unreachable from outside the container)")
    return problems


def option(words: list[str], name: str) -> str | None:
    for index, word in enumerate(words):
        if word == name and index + 1 < len(words):
            return words[index + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None


def _command_words(instruction: Instruction | None) -> list[str]:
    if instruction is None:
        return []
    words = instruction.words()
    if len(words) >= 3 and words[0] in ("sh", "/bin/sh", "bash", "/bin/bash") and words[1] == "-c":
        return words[:2] + words[2].split()
    return [w for w in words if w != "exec"]


def app_port(project: Project) -> int:
    """The port uvicorn listens on in the app's image (8000 when the command names none)."""
    steps = project.app_docker.instructions(project.targets[APP])
    cmd = next((i for i in reversed(steps) if i.name == "CMD"), None)
    entry = next((i for i in reversed(steps) if i.name == "ENTRYPOINT"), None)
    port = option(_command_words(entry) + _command_words(cmd), "--port")
    return int(port) if port and port.isdigit() else APP_PORT


# -- the compose file, whole (D01.3) ---------------------------------------------------------


def valid_compose(project: Project) -> list[str]:
    compose = project.compose
    if compose.error:
        return [compose.error]
    problems = compose.schema_errors()
    for role, what in ((MONGO, "MongoDB (image mongo:<version>)"), (KAFKA, "Kafka (image apache/kafka:<version>)"),
                       (MYSQL, "MySQL (image mysql:<version>)"), (APP, "the app (built from Dockerfile)"),
                       (ANALYTICS, "the analytics service (built from analytics/Dockerfile)")):
        name = project.roles[role]
        if name is None:
            problems.append(f"{COMPOSE}: no service is {what}")
            continue
        service = compose.service(name)
        if not service.get("image") and not service.get("build"):
            problems.append(f"{compose.at(compose.service_line(name))}: service `{name}` has neither `image` nor `build`")
    return problems


# -- health checks (D01.3, D01.4, D01.6) -------------------------------------------------------


def healthcheck(project: Project, role: str, probe: re.Pattern, what: str) -> list[str]:
    problems = project.missing(role, role)
    if problems:
        return problems
    name = project.roles[role]
    compose = project.compose
    service = compose.service(name)
    check = service.get("healthcheck")
    if not isinstance(check, Map):
        return [f"{compose.at(compose.service_line(name))}: service `{name}` has no healthcheck, so nothing can wait "
                f"until it is ready: give it one that {what}"]
    line = service.line_of("healthcheck")
    if check.get("disable") is True:
        return [f"{compose.at(line)}: the healthcheck of `{name}` is disabled"]
    test = check.get("test")
    if isinstance(test, Seq):
        words = [scalar(w) or "" for w in test]
        if not words or words[0] not in ("CMD", "CMD-SHELL", "NONE"):
            return [f"{compose.at(line)}: healthcheck.test of `{name}` must start with \"CMD\" or \"CMD-SHELL\", "
                    f"got {words[:1]}"]
        if words[0] == "NONE":
            return [f"{compose.at(line)}: the healthcheck of `{name}` is [\"NONE\"], which disables it"]
        text = " ".join(words[1:])
    elif isinstance(test, str):
        text = test
    else:
        return [f"{compose.at(line)}: the healthcheck of `{name}` has no `test`"]
    if not probe.search(text):
        return [f"{compose.at(line)}: the healthcheck of `{name}` runs `{text}`; it must be a command that {what}"]
    return []


MONGO_PROBE = re.compile(r"\bmongo(sh)?\b.*\bping\b|\bping\b.*\bmongo(sh)?\b", re.S)
KAFKA_PROBE = re.compile(r"kafka-(broker-api-versions|topics|cluster|metadata-quorum|metadata-shell)(\.sh)?\b")
MYSQL_PROBE = re.compile(r"\bmysqladmin\b.*\bping\b|\bmysql(sh)?\b.*(-e|--execute)", re.S)


def healthcheck_dollars(project: Project, role: str) -> list[str]:
    """A variable of the container written `$VAR` in a healthcheck is filled in by Compose
    from this machine's environment (empty, nearly always): it must be `$$VAR`."""
    name = project.roles[role]
    raw_services = project.compose.raw.get("services") if isinstance(project.compose.raw, Map) else None
    raw = raw_services.get(name) if isinstance(raw_services, Map) and name else None
    check = raw.get("healthcheck") if isinstance(raw, Map) else None
    test = check.get("test") if isinstance(check, Map) else None
    text = " ".join(scalar(w) or "" for w in test) if isinstance(test, Seq) else (test or "")
    own = set(project.compose.environment(name)) if name else set()
    wrong = [v for v in single_dollar_variables(text) if v in own]
    if wrong:
        return [f"{project.compose.at(raw.line_of('healthcheck'))}: the healthcheck of `{name}` writes "
                f"{', '.join('$' + v for v in wrong)}, which Compose fills in from this machine's environment when "
                f"it reads the file; write {', '.join('$$' + v for v in wrong)} so the container's shell reads it"]
    return []


def image_pinned(project: Project, role: str, repositories: tuple[str, ...]) -> list[str]:
    problems = project.missing(role, role)
    if problems:
        return problems
    name = project.roles[role]
    compose = project.compose
    image = compose.image(name)
    if not image:
        return [f"{compose.at(compose.service_line(name))}: service `{name}` has no `image`; expected "
                f"{' or '.join(repositories)}:<version>"]
    where = f"{compose.at(compose.service(name).line_of('image'))}: services.{name}.image `{image}`"
    repo = split_image(image)[0]
    if repositories and repo.lower().removeprefix("docker.io/").removeprefix("library/") not in repositories:
        return [f"{where}: expected the image {' or '.join(repositories)}"]
    return pinned(image, where)


# -- Kafka in KRaft mode (D01.4) ---------------------------------------------------------------


class Kafka:
    """The Kafka service's settings, read once."""

    def __init__(self, project: Project):
        self.project = project
        self.name = project.roles[KAFKA]
        self.env = project.compose.environment(self.name) if self.name else {}

    def value(self, variable: str) -> str:
        setting = self.env.get(variable)
        return (setting.value or "").strip() if setting else ""

    def where(self, variable: str) -> str:
        return self.project.where(KAFKA, variable)

    def listeners(self) -> list[Listener]:
        return listeners(self.value("KAFKA_LISTENERS"))

    def advertised(self) -> list[Listener]:
        return listeners(self.value("KAFKA_ADVERTISED_LISTENERS"))

    def controller_names(self) -> list[str]:
        return [n.strip().upper() for n in self.value("KAFKA_CONTROLLER_LISTENER_NAMES").split(",") if n.strip()]

    def controller(self) -> Listener | None:
        names = self.controller_names()
        return next((lst for lst in self.listeners() if names and lst.name == names[0]), None)

    def reachable(self) -> list[Listener]:
        """The advertised listeners other containers can use: on the service's own host name."""
        names = self.project.compose.names_of(self.name) if self.name else set()
        controller = set(self.controller_names())
        return [a for a in self.advertised() if a.host in names and a.name not in controller]


def _kafka(project: Project) -> tuple[Kafka, list[str]]:
    problems = project.missing(KAFKA, "Kafka (image apache/kafka:<version>)")
    return Kafka(project), problems


def _require(kafka: Kafka, variables: tuple[str, ...]) -> list[str]:
    return [f"{kafka.project.compose.at(kafka.project.env_line(KAFKA, v))}: services.{kafka.name}.environment has "
            f"no {v}" for v in variables if not kafka.value(v)]


def kraft_roles(project: Project) -> list[str]:
    kafka, problems = _kafka(project)
    if problems:
        return problems
    problems = _require(kafka, ("KAFKA_PROCESS_ROLES",))
    if problems:
        return problems
    roles = {r.strip() for r in kafka.value("KAFKA_PROCESS_ROLES").split(",") if r.strip()}
    if roles != {"broker", "controller"}:
        return [f"{kafka.where('KAFKA_PROCESS_ROLES')} is `{kafka.value('KAFKA_PROCESS_ROLES')}`; a single-node "
                "KRaft cluster is its own controller: `broker,controller`"]
    return []


def node_in_voters(project: Project) -> list[str]:
    kafka, problems = _kafka(project)
    if problems:
        return problems
    problems = _require(kafka, ("KAFKA_NODE_ID", "KAFKA_CONTROLLER_QUORUM_VOTERS", "KAFKA_LISTENERS",
                                "KAFKA_CONTROLLER_LISTENER_NAMES"))
    if problems:
        return problems
    node = kafka.value("KAFKA_NODE_ID")
    voters = [v.strip() for v in kafka.value("KAFKA_CONTROLLER_QUORUM_VOTERS").split(",") if v.strip()]
    parsed = [re.fullmatch(r"(\d+)@(\[[^\]]*\]|[^:]+):(\d+)", v) for v in voters]
    shown = kafka.value("KAFKA_CONTROLLER_QUORUM_VOTERS")
    if not node.isdigit():
        return [f"{kafka.where('KAFKA_NODE_ID')} is `{node}`; a node id is a whole number, e.g. `1`"]
    if not voters or not all(parsed):
        return [f"{kafka.where('KAFKA_CONTROLLER_QUORUM_VOTERS')} is `{shown}`; it must be `<node id>@<host>:<port>`, "
                f"e.g. `{node}@{kafka.name}:9093`"]
    mine = [m for m in parsed if int(m.group(1)) == int(node)]
    if not mine:
        return [f"{kafka.where('KAFKA_CONTROLLER_QUORUM_VOTERS')} is `{shown}`, which does not hold this node's id "
                f"{node} ({kafka.where('KAFKA_NODE_ID')}): a controller that is not a voter never forms a quorum"]
    problems = []
    if len(parsed) > 1:
        problems.append(f"{kafka.where('KAFKA_CONTROLLER_QUORUM_VOTERS')} is `{shown}`: one node, so one voter, itself")
    controller = kafka.controller()
    host, port = mine[0].group(2), int(mine[0].group(3))
    names = project.compose.names_of(kafka.name) | {"localhost", "127.0.0.1"}
    if controller is None:
        problems.append(f"{kafka.where('KAFKA_CONTROLLER_LISTENER_NAMES')} names "
                        f"`{kafka.value('KAFKA_CONTROLLER_LISTENER_NAMES')}`, which is not a listener of "
                        f"KAFKA_LISTENERS `{kafka.value('KAFKA_LISTENERS')}` ({kafka.where('KAFKA_LISTENERS')})")
    elif port != controller.port:
        problems.append(f"{kafka.where('KAFKA_CONTROLLER_QUORUM_VOTERS')} is `{shown}`; the voter's port must be the "
                        f"controller listener's, {controller.port} (`{controller.name}://{controller.host}:"
                        f"{controller.port}`, {kafka.where('KAFKA_LISTENERS')})")
    if host not in names:
        problems.append(f"{kafka.where('KAFKA_CONTROLLER_QUORUM_VOTERS')} is `{shown}`; the voter's host must be this "
                        f"service, `{kafka.name}`")
    return problems


STANDARD_PROTOCOLS = {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}


def listeners_consistent(project: Project) -> list[str]:
    """The controller listener is named and is a listener; every listener has a protocol; the
    advertised listeners are listeners (not the controller's) on the same ports."""
    kafka, problems = _kafka(project)
    if problems:
        return problems
    problems = _require(kafka, ("KAFKA_LISTENERS", "KAFKA_ADVERTISED_LISTENERS", "KAFKA_CONTROLLER_LISTENER_NAMES"))
    if problems:
        return problems
    own = {lst.name: lst for lst in kafka.listeners()}
    bad = [lst for lst in kafka.listeners() + kafka.advertised() if not lst.port]
    if bad:
        return [f"{kafka.where('KAFKA_LISTENERS')}: `{b.name}` does not read as NAME://host:port" for b in bad]
    controllers = kafka.controller_names()
    for name in controllers:
        if name not in own:
            problems.append(f"{kafka.where('KAFKA_CONTROLLER_LISTENER_NAMES')} names `{name}`, which is not in "
                            f"KAFKA_LISTENERS `{kafka.value('KAFKA_LISTENERS')}` ({kafka.where('KAFKA_LISTENERS')})")
    protocol_map = {}
    for entry in kafka.value("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").split(","):
        key, sep, protocol = entry.partition(":")
        if sep:
            protocol_map[key.strip().upper()] = protocol.strip().upper()
    for name in own:
        if name not in protocol_map and name not in STANDARD_PROTOCOLS:
            problems.append(f"{kafka.where('KAFKA_LISTENER_SECURITY_PROTOCOL_MAP')}: the listener `{name}` has no "
                            f"security protocol (add `{name}:PLAINTEXT`)")
    if len(set(lst.port for lst in own.values())) != len(own):
        problems.append(f"{kafka.where('KAFKA_LISTENERS')}: two listeners share a port")
    for advertised in kafka.advertised():
        if advertised.name in controllers:
            problems.append(f"{kafka.where('KAFKA_ADVERTISED_LISTENERS')}: the controller listener `{advertised.name}` "
                            "is not advertised to clients")
        elif advertised.name not in own:
            problems.append(f"{kafka.where('KAFKA_ADVERTISED_LISTENERS')} advertises `{advertised.name}`, which is "
                            f"not in KAFKA_LISTENERS ({kafka.where('KAFKA_LISTENERS')})")
        elif advertised.port != own[advertised.name].port:
            problems.append(f"{kafka.where('KAFKA_ADVERTISED_LISTENERS')} advertises `{advertised.name}` on port "
                            f"{advertised.port}, but that listener listens on {own[advertised.name].port} "
                            f"({kafka.where('KAFKA_LISTENERS')})")
    return problems


def advertised_for_clients(project: Project) -> list[str]:
    """Other containers reach the broker: an advertised listener on the service's name, and
    the inter-broker listener is advertised."""
    kafka, problems = _kafka(project)
    if problems:
        return problems
    problems = _require(kafka, ("KAFKA_ADVERTISED_LISTENERS",))
    if problems:
        return problems
    if not kafka.reachable():
        problems.append(f"{kafka.where('KAFKA_ADVERTISED_LISTENERS')} is `{kafka.value('KAFKA_ADVERTISED_LISTENERS')}`; "
                        f"the other containers reach the broker at the service's name: advertise e.g. "
                        f"`PLAINTEXT://{kafka.name}:9092`")
    inter = kafka.value("KAFKA_INTER_BROKER_LISTENER_NAME").upper() or "PLAINTEXT"
    if inter not in {a.name for a in kafka.advertised()}:
        set_where = kafka.where("KAFKA_INTER_BROKER_LISTENER_NAME") if kafka.value("KAFKA_INTER_BROKER_LISTENER_NAME") \
            else f"{kafka.project.compose.at(kafka.project.env_line(KAFKA, 'KAFKA_INTER_BROKER_LISTENER_NAME'))}: " \
                 "KAFKA_INTER_BROKER_LISTENER_NAME is unset, so it is PLAINTEXT"
        problems.append(f"{set_where}; the inter-broker listener `{inter}` must be one of the advertised listeners "
                        f"`{kafka.value('KAFKA_ADVERTISED_LISTENERS')}` (set KAFKA_INTER_BROKER_LISTENER_NAME to it)")
    return problems


REPLICATION = ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
               "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")
REPLICATION_IF_SET = ("KAFKA_DEFAULT_REPLICATION_FACTOR", "KAFKA_MIN_INSYNC_REPLICAS",
                      "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR",
                      "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR")


def replication_one(project: Project) -> list[str]:
    kafka, problems = _kafka(project)
    if problems:
        return problems
    problems = _require(kafka, REPLICATION)
    for variable in REPLICATION + REPLICATION_IF_SET:
        value = kafka.value(variable)
        if value and value != "1":
            problems.append(f"{kafka.where(variable)} is `{value}`; one broker holds one copy: it must be 1")
    return problems


def cluster_id(project: Project) -> list[str]:
    kafka, problems = _kafka(project)
    if problems:
        return problems
    variable = next((v for v in ("CLUSTER_ID", "KAFKA_CLUSTER_ID") if kafka.value(v)), "")
    if not variable:
        return [f"{project.compose.at(project.env_line(KAFKA, 'CLUSTER_ID'))}: services.{kafka.name}.environment has no "
                "CLUSTER_ID: the data volume is formatted for one cluster id, so give a fixed one "
                "(22 characters of base64url, e.g. from `kafka-storage.sh random-uuid`)"]
    value = kafka.value(variable)
    if not re.fullmatch(r"[A-Za-z0-9_-]{22}", value):
        return [f"{kafka.where(variable)} is `{value}`; a cluster id is a UUID in base64url, 22 characters "
                "(`kafka-storage.sh random-uuid` prints one)"]
    return []


def kafka_log_dir(kafka: Kafka) -> str:
    first = kafka.value("KAFKA_LOG_DIRS").split(",")[0].strip()
    return first


# -- the clients (D01.5, D01.7) ------------------------------------------------------------------


def bootstrap(project: Project, role: str) -> list[str]:
    problems = project.missing(role, role) + project.missing(KAFKA, "Kafka")
    if problems:
        return problems
    kafka = Kafka(project)
    value = project.compose.env_value(project.roles[role], "KAFKA_BOOTSTRAP_SERVERS")
    where = project.where(role, "KAFKA_BOOTSTRAP_SERVERS")
    reachable = kafka.reachable()
    example = f"`{kafka.name}:{reachable[0].port}`" if reachable else f"`{kafka.name}:9092`"
    listener = (f" (the listener `{reachable[0].name}://{reachable[0].host}:{reachable[0].port}` of service "
                f"`{kafka.name}`, {kafka.where('KAFKA_ADVERTISED_LISTENERS')})") if reachable else ""
    if not value:
        return [f"{where} is not set; it must name the Kafka service and its listener, e.g. {example}{listener}"]
    ports = {a.port for a in reachable}
    names = project.compose.names_of(kafka.name)
    if not any(host in names and port in ports for host, port in host_ports(value, 9092)):
        return [f"{where} is `{value}`; it must name the Kafka service and its listener, e.g. {example}{listener}"]
    return []


def events_to_kafka(project: Project) -> list[str]:
    problems = project.missing(APP, "the app")
    if problems:
        return problems
    sinks = {s.strip() for s in (project.compose.env_value(project.roles[APP], "EVENT_SINK") or "").split(",")}
    if "kafka" not in sinks:
        value = project.compose.env_value(project.roles[APP], "EVENT_SINK")
        shown = f"`{value}`" if value else "not set"
        return [f"{project.where(APP, 'EVENT_SINK')} is {shown};"
                " the app publishes its events to Kafka only when EVENT_SINK names `kafka` (e.g. `kafka` or "
                "`collection,kafka`)"]
    return []


def mongodb_url(project: Project) -> list[str]:
    problems = project.missing(APP, "the app") + project.missing(MONGO, "MongoDB")
    if problems:
        return problems
    value = project.compose.env_value(project.roles[APP], "MONGODB_URL")
    where = project.where(APP, "MONGODB_URL")
    mongo = project.roles[MONGO]
    example = f"`mongodb://{mongo}:{MONGO_PORT}`"
    if not value:
        return [f"{where} is not set (the app's default is localhost, which is the app's own container): "
                f"it must name the MongoDB service, e.g. {example}"]
    match = re.fullmatch(r"mongodb://(?:[^@/]*@)?([^/?]+)(/[^?]*)?(\?.*)?", value.strip())
    if not match:
        return [f"{where} is `{value}`; expected a MongoDB URL naming the MongoDB service, e.g. {example}"]
    hosts = host_ports(match.group(1), MONGO_PORT)
    names = project.compose.names_of(mongo)
    if not any(host in names and port == MONGO_PORT for host, port in hosts):
        return [f"{where} is `{value}`; it must name the MongoDB service `{mongo}` "
                f"({project.compose.at(project.compose.service_line(mongo))}) on its port {MONGO_PORT}, e.g. {example}"]
    return []


def database_name(project: Project) -> list[str]:
    problems = project.missing(APP, "the app")
    if problems:
        return problems
    if not (project.compose.env_value(project.roles[APP], "DATABASE_NAME") or "").strip():
        return [f"{project.where(APP, 'DATABASE_NAME')} is not set; name the app's database (e.g. `social_commerce`)"]
    return []


def depends_healthy(project: Project, role: str, servers: tuple[str, ...]) -> list[str]:
    problems = project.missing(role, role)
    if problems:
        return problems
    compose = project.compose
    name = project.roles[role]
    service = compose.service(name)
    depends = service.get("depends_on")
    line = service.line_of("depends_on") if "depends_on" in service else compose.service_line(name)
    for server in servers:
        target = project.roles[server]
        if target is None:
            problems.append(f"{COMPOSE}: there is no {server} service for `{name}` to wait for")
            continue
        if isinstance(depends, Seq) and target in depends:
            problems.append(f"{compose.at(depends.line_of(depends.index(target)))}: `{name}` depends on `{target}` in "
                            "the short form, which waits only until the container starts, not until the server "
                            f"answers: use `{target}: {{condition: service_healthy}}`")
            continue
        entry = depends.get(target) if isinstance(depends, Map) else None
        if not isinstance(entry, Map):
            problems.append(f"{compose.at(line)}: services.{name}.depends_on does not name `{target}`: `{name}` must wait "
                            f"until `{target}` is healthy (`{target}: {{condition: service_healthy}}`)")
            continue
        condition = entry.get("condition")
        if condition != "service_healthy":
            problems.append(f"{compose.at(depends.line_of(target))}: services.{name}.depends_on.{target}.condition is "
                            f"`{condition}`; it must be `service_healthy`")
            continue
        check = compose.service(target).get("healthcheck")
        if not isinstance(check, Map) or check.get("disable") is True or not check.get("test"):
            problems.append(f"{compose.at(compose.service_line(target))}: `{name}` waits for `{target}` to be healthy, "
                            f"but `{target}` has no healthcheck, so it never is")
    return problems


def built_from(project: Project, role: str) -> list[str]:
    problems = project.missing(role, role)
    if problems:
        return problems
    name = project.roles[role]
    wanted = APP_DOCKERFILE if role == APP else ANALYTICS_DOCKERFILE
    if project.built_dockerfile(name) != wanted:
        service = project.compose.service(name)
        return [f"{project.compose.at(service.line_of('build') if 'build' in service else project.compose.service_line(name))}:"
                f" service `{name}` must be built from {wanted} (`build:` with its context and dockerfile)"]
    return []


def publishes_app_port(project: Project) -> list[str]:
    problems = project.missing(APP, "the app")
    if problems:
        return problems
    name = project.roles[APP]
    service = project.compose.service(name)
    port = app_port(project)
    ports = service.get("ports")
    targets = []
    if isinstance(ports, Seq):
        for item in ports:
            if isinstance(item, Map):
                targets.append(scalar(item.get("target")) or "")
            else:
                text = (scalar(item) or "").split("/")[0]
                targets.append(text.rsplit(":", 1)[-1])
    if str(port) not in targets:
        where = project.compose.at(service.line_of("ports") if "ports" in service else project.compose.service_line(name))
        return [f"{where}: services.{name}.ports publishes {targets or 'nothing'}; it must publish the port uvicorn "
                f"listens on in the image, {port} (e.g. `\"8000:{port}\"`)"]
    return []


def unread_variables(project: Project, role: str) -> list[str]:
    """Every variable set on the service is one its code reads (defect 12 of the original:
    a KAFKA_GROUP_ID on a service that never read it)."""
    problems = project.missing(role, role)
    if problems:
        return problems
    name = project.roles[role]
    env = project.compose.environment(name)
    if not env:
        return [f"{project.compose.at(project.compose.service_line(name))}: service `{name}` sets no environment"]
    known = app_variables(project.root) if role == APP else ANALYTICS_VARIABLES
    return [f"{project.compose.at(s.line)}: services.{name}.environment.{s.name} is read by nothing in the "
            f"{'app' if role == APP else 'analytics service'}; drop it (or name a variable it reads)"
            for s in env.values() if s.name not in known and not GENERIC_VARIABLE.match(s.name)]


# -- MySQL and the analytics service (D01.6, D01.7) -------------------------------------------------


def mysql_credentials(project: Project) -> list[str]:
    problems = project.missing(MYSQL, "MySQL (image mysql:<version>)")
    if problems:
        return problems
    name = project.roles[MYSQL]
    env = project.compose.environment(name)
    for variable in ("MYSQL_DATABASE", "MYSQL_USER", "MYSQL_PASSWORD"):
        if not (env.get(variable) and (env[variable].value or "").strip()):
            problems.append(f"{project.where(MYSQL, variable)} is not set: the image creates the analytics "
                            "service's database and user from MYSQL_DATABASE, MYSQL_USER and MYSQL_PASSWORD")
    root = [v for v in ("MYSQL_ROOT_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD")
            if env.get(v) and (env[v].value or "").strip()]
    if not root:
        problems.append(f"{project.where(MYSQL, 'MYSQL_ROOT_PASSWORD')} is not set: the image refuses to start without "
                        "a root password (MYSQL_ROOT_PASSWORD)")
    return problems


def mysql_user_not_root(project: Project) -> list[str]:
    problems = project.missing(MYSQL, "MySQL")
    if problems:
        return problems
    user = project.compose.env_value(project.roles[MYSQL], "MYSQL_USER")
    if not user:
        return [f"{project.where(MYSQL, 'MYSQL_USER')} is not set"]
    if user.strip() == "root":
        return [f"{project.where(MYSQL, 'MYSQL_USER')} is `root`; the image refuses it (root exists already): "
                "give the analytics service a user of its own"]
    return healthcheck_dollars(project, MYSQL)


def mysql_host(project: Project) -> list[str]:
    problems = project.missing(ANALYTICS, "the analytics service") + project.missing(MYSQL, "MySQL")
    if problems:
        return problems
    name, mysql = project.roles[ANALYTICS], project.roles[MYSQL]
    host = project.compose.env_value(name, "MYSQL_HOST")
    port = project.compose.env_value(name, "MYSQL_PORT")
    if not host or host.strip() not in project.compose.names_of(mysql):
        problems.append(f"{project.where(ANALYTICS, 'MYSQL_HOST')} is {f'`{host}`' if host else 'not set'}; it must name the MySQL service, "
                        f"`{mysql}` ({project.compose.at(project.compose.service_line(mysql))})")
    if port not in (None, "", str(MYSQL_PORT)):
        problems.append(f"{project.where(ANALYTICS, 'MYSQL_PORT')} is `{port}`; MySQL listens on {MYSQL_PORT} inside "
                        "the network (a published port does not change that)")
    return problems


def mysql_agrees(project: Project) -> list[str]:
    problems = project.missing(ANALYTICS, "the analytics service") + project.missing(MYSQL, "MySQL")
    if problems:
        return problems
    name, mysql = project.roles[ANALYTICS], project.roles[MYSQL]
    mine = {v: project.compose.env_value(name, v) for v in ("MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE")}
    server = {v: project.compose.env_value(mysql, v) for v in ("MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE",
                                                               "MYSQL_ROOT_PASSWORD")}
    for variable in ("MYSQL_DATABASE",):
        if not mine[variable] or mine[variable] != server[variable]:
            problems.append(f"{project.where(ANALYTICS, variable)} is `{mine[variable]}`; it must be the database the "
                            f"MySQL service creates, `{server[variable]}` ({project.where(MYSQL, variable)})")
    as_root = mine["MYSQL_USER"] == "root"
    user_wanted = "root" if as_root else server["MYSQL_USER"]
    password_wanted = server["MYSQL_ROOT_PASSWORD"] if as_root else server["MYSQL_PASSWORD"]
    password_from = "MYSQL_ROOT_PASSWORD" if as_root else "MYSQL_PASSWORD"
    if not mine["MYSQL_USER"] or mine["MYSQL_USER"] != user_wanted:
        problems.append(f"{project.where(ANALYTICS, 'MYSQL_USER')} is `{mine['MYSQL_USER']}`; it must be the user the "
                        f"MySQL service creates, `{server['MYSQL_USER']}` ({project.where(MYSQL, 'MYSQL_USER')})")
    elif mine["MYSQL_PASSWORD"] is None or mine["MYSQL_PASSWORD"] != password_wanted:
        problems.append(f"{project.where(ANALYTICS, 'MYSQL_PASSWORD')} differs from the password the MySQL service "
                        f"gives that user ({project.where(MYSQL, password_from)})")
    return problems


# -- volumes (D01.8) ------------------------------------------------------------------------------


@dataclass
class Mount:
    source: str
    target: str
    named: bool
    line: int


def mounts(project: Project, name: str) -> list[Mount]:
    service = project.compose.service(name)
    volumes = service.get("volumes")
    out = []
    if not isinstance(volumes, Seq):
        return out
    for index, item in enumerate(volumes):
        line = volumes.line_of(index)
        if isinstance(item, Map):
            kind = item.get("type") or "volume"
            source, target = scalar(item.get("source")) or "", scalar(item.get("target")) or ""
            out.append(Mount(source, target, kind == "volume" and bool(source), line))
        else:
            parts = (scalar(item) or "").split(":")
            if len(parts) == 1:
                out.append(Mount("", parts[0], False, line))  # anonymous: gone with the container
            else:
                source, target = parts[0], parts[1]
                named = bool(source) and not source.startswith((".", "/", "~", "$"))
                out.append(Mount(source, target, named, line))
    return out


def _covers(target: str, directory: str) -> bool:
    target, directory = posixpath.normpath(target), posixpath.normpath(directory)
    return directory == target or directory.startswith(target.rstrip("/") + "/")


def data_on_named_volumes(project: Project) -> list[str]:
    problems = []
    for role, what in ((MONGO, "MongoDB"), (KAFKA, "Kafka"), (MYSQL, "MySQL")):
        problems += project.missing(role, what)
    if problems:
        return problems
    kafka = Kafka(project)
    wanted = {MONGO: DATA_DIRS[MONGO], MYSQL: DATA_DIRS[MYSQL], KAFKA: kafka_log_dir(kafka)}
    for role in SERVERS:
        name = project.roles[role]
        directory = wanted[role]
        if not directory:
            problems.append(f"{project.where(KAFKA, 'KAFKA_LOG_DIRS')} is not set: say where Kafka keeps its data "
                            "(e.g. /var/lib/kafka/data) and put that directory on a named volume")
            continue
        covering = [m for m in mounts(project, name) if _covers(m.target, directory)]
        named = [m for m in covering if m.named]
        service = project.compose.service(name)
        where = project.compose.at(service.line_of("volumes") if "volumes" in service else project.compose.service_line(name))
        if not covering:
            problems.append(f"{where}: `{name}` keeps its data in {directory}, and no volume is mounted there, so the "
                            f"data goes with the container: mount a named volume at {directory}")
        elif not named:
            problems.append(f"{project.compose.at(covering[0].line)}: {directory} of `{name}` is on "
                            f"`{covering[0].source or '(an anonymous volume)'}`, not on a named volume declared under "
                            "the top-level `volumes:`")
        elif named[0].source not in project.compose.top_volumes:
            problems.append(f"{project.compose.at(named[0].line)}: the volume `{named[0].source}` of `{name}` is not "
                            "declared under the top-level `volumes:`")
    return problems


def volumes_declared(project: Project) -> list[str]:
    if project.compose.error:
        return [project.compose.error]
    used: dict[str, list[str]] = {}
    problems = []
    for name in project.compose.services:
        for mount in mounts(project, name):
            if mount.named:
                used.setdefault(mount.source, []).append(name)
                if mount.source not in project.compose.top_volumes:
                    problems.append(f"{project.compose.at(mount.line)}: the volume `{mount.source}` of `{name}` is not "
                                    "declared under the top-level `volumes:`")
    if not used:
        problems.append(f"{COMPOSE}: no service mounts a named volume")
    for volume, services in used.items():
        servers = [s for s in services if s in {project.roles[r] for r in SERVERS}]
        if len(servers) > 1:
            problems.append(f"{project.compose.at(project.compose.top_volumes.line_of(volume))}: the volume `{volume}` "
                            f"holds the data of {' and '.join(servers)}: each server needs its own")
    return problems


def environ_root() -> Path:
    """The graded tree: the learner's files laid over the starter."""
    root = os.environ.get("GRADER_IMPL_ROOT")
    if root:
        return Path(root)
    import backend  # plain pytest (grader/conftest.py): the tree is first on sys.path

    return Path(backend.__file__).resolve().parent.parent
