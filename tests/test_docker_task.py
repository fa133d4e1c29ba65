"""Task D01 (the compose stack and the Dockerfiles), checked from the kit's side:

- the solutions pass every rule and the starter none;
- the kit's own compose file and Dockerfile pass the task's rules (the few that cannot apply
  to a grading stack are named below, with the reason);
- a corpus of learner answers, correct in other styles or wrong in one way each, scores what
  it should (``VARIANTS``: the score each earns, by the tests' weights);
- with Docker installed (never here, so skipped with that reason): the solutions' stack is
  valid for ``docker compose config``, builds, comes up healthy, answers, and keeps its data
  over a restart.

The rules are the functions of grader/testkit/docker/checks.py, called directly: ``RULES``
mirrors the task's tests (exercise, weight, rule), and a test checks that it does.
"""

import ast
import hashlib
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from grader import KIT_ROOT
from grader.grading import manifest, runner, tree
from grader.testkit.docker import checks as c
from grader.testkit.docker.compose import SCHEMA_PATH

SOLUTIONS, STARTER = KIT_ROOT / "solutions", KIT_ROOT / "starter"
SCHEMA_SHA256 = "1f91e091f16b2dd50ab8860e02bb391d22df553d91c145eacedb1b6eff9c3f0e"

# (exercise, weight, test name, rule): one row per test of grader/public/taskd01 and grader/hidden/taskd01.
RULES = [
    ("D01.1", 2, "test_base_image_is_pinned", lambda p: c.base_image_pinned(p, c.APP)),
    ("D01.1", 3, "test_requirements_are_installed_before_the_code_is_copied",
     lambda p: c.requirements_before_code(p, c.APP)),
    ("D01.1", 5, "test_the_app_does_not_run_as_root", lambda p: c.non_root(p, c.APP)),
    ("D01.1", 2, "test_the_image_starts_the_right_command", lambda p: c.start_command(p, c.APP)),
    ("D01.2", 2, "test_base_image_is_pinned", lambda p: c.base_image_pinned(p, c.ANALYTICS)),
    ("D01.2", 3, "test_requirements_are_installed_before_the_code_is_copied",
     lambda p: c.requirements_before_code(p, c.ANALYTICS)),
    ("D01.2", 5, "test_the_analytics_service_does_not_run_as_root", lambda p: c.non_root(p, c.ANALYTICS)),
    ("D01.2", 2, "test_the_image_starts_the_right_command", lambda p: c.start_command(p, c.ANALYTICS)),
    ("D01.3", 3, "test_the_compose_file_is_valid_and_has_the_five_services", c.valid_compose),
    ("D01.3", 3, "test_mongodb_has_a_healthcheck_that_pings_it",
     lambda p: c.healthcheck(p, c.MONGO, c.MONGO_PROBE, "pings")),
    ("D01.3", 2, "test_the_mongodb_image_is_pinned", lambda p: c.image_pinned(p, c.MONGO, ("mongo",))),
    ("D01.4", 5, "test_the_node_is_the_quorum_voter_on_its_controller_listener", c.node_in_voters),
    ("D01.4", 3, "test_the_listeners_agree", c.listeners_consistent),
    ("D01.4", 3, "test_replication_factors_are_one", c.replication_one),
    ("D01.4", 3, "test_kafka_has_a_healthcheck_that_asks_the_broker",
     lambda p: c.healthcheck(p, c.KAFKA, c.KAFKA_PROBE, "asks")),
    ("D01.4", 2, "test_the_node_is_broker_and_controller", c.kraft_roles),
    ("D01.4", 2, "test_the_broker_is_advertised_on_the_service_name", c.advertised_for_clients),
    ("D01.4", 1, "test_the_cluster_id_is_fixed", c.cluster_id),
    ("D01.4", 1, "test_the_kafka_image_is_pinned", lambda p: c.image_pinned(p, c.KAFKA, c.KAFKA_IMAGES)),
    ("D01.5", 5, "test_the_app_waits_for_healthy_mongodb_and_kafka",
     lambda p: c.depends_healthy(p, c.APP, (c.MONGO, c.KAFKA))),
    ("D01.5", 3, "test_mongodb_url_names_the_mongodb_service", c.mongodb_url),
    ("D01.5", 3, "test_events_go_to_the_kafka_service", lambda p: c.events_to_kafka(p) + c.bootstrap(p, c.APP)),
    ("D01.5", 2, "test_the_app_is_built_from_its_dockerfile", lambda p: c.built_from(p, c.APP)),
    ("D01.5", 1, "test_the_database_is_named", c.database_name),
    ("D01.5", 1, "test_the_published_port_is_the_one_uvicorn_listens_on", c.publishes_app_port),
    ("D01.5", 1, "test_every_variable_set_is_one_the_app_reads", lambda p: c.unread_variables(p, c.APP)),
    ("D01.6", 3, "test_mysql_creates_the_database_and_the_user", c.mysql_credentials),
    ("D01.6", 3, "test_mysql_has_a_healthcheck_that_pings_it",
     lambda p: c.healthcheck(p, c.MYSQL, c.MYSQL_PROBE, "pings")),
    ("D01.6", 2, "test_the_mysql_image_is_pinned", lambda p: c.image_pinned(p, c.MYSQL, ("mysql",))),
    ("D01.6", 2, "test_the_user_is_not_root_and_the_healthcheck_reads_the_containers_variables",
     c.mysql_user_not_root),
    ("D01.7", 5, "test_the_analytics_service_waits_for_healthy_kafka_and_mysql",
     lambda p: c.depends_healthy(p, c.ANALYTICS, (c.KAFKA, c.MYSQL))),
    ("D01.7", 3, "test_the_mysql_login_is_the_one_the_mysql_service_creates", c.mysql_agrees),
    ("D01.7", 2, "test_mysql_host_names_the_mysql_service", c.mysql_host),
    ("D01.7", 2, "test_the_bootstrap_servers_name_the_kafka_service", lambda p: c.bootstrap(p, c.ANALYTICS)),
    ("D01.7", 2, "test_the_analytics_service_is_built_from_its_dockerfile", lambda p: c.built_from(p, c.ANALYTICS)),
    ("D01.7", 1, "test_every_variable_set_is_one_the_analytics_service_reads",
     lambda p: c.unread_variables(p, c.ANALYTICS)),
    ("D01.8", 5, "test_each_server_keeps_its_data_on_a_named_volume", c.data_on_named_volumes),
    ("D01.8", 2, "test_the_volumes_are_declared_and_each_server_has_its_own", c.volumes_declared),
]


def score(project: c.Project) -> tuple[int, list[str]]:
    """What the files earn by the tests' weights, and the tests they fail."""
    failed = [f"{exercise} {name}" for exercise, _, name, rule in RULES if rule(project)]
    earned = sum(weight for exercise, weight, name, rule in RULES if f"{exercise} {name}" not in failed)
    return earned, failed


def tree_of(tmp_path: Path, edits: dict[str, list[tuple[str, str]]] | None = None,
            files: dict[str, str] | None = None) -> c.Project:
    """The solutions' three files in ``tmp_path``, with exact edits (each text found once) or
    whole files replaced."""
    for rel in c.LEARNER_FILES:
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = (SOLUTIONS / rel).read_text(encoding="utf-8")
        for find, replace in (edits or {}).get(rel, []):
            assert text.count(find) == 1, f"{rel}: {find!r} occurs {text.count(find)} times"
            text = text.replace(find, replace)
        target.write_text((files or {}).get(rel, text), encoding="utf-8")
    return c.Project(tmp_path)


def test_the_rules_table_mirrors_the_tasks_tests():
    task = manifest.load().find("D01")
    found = {}
    for folder in task.test_dirs():
        for path in sorted(folder.glob("test_*.py")):
            module = ast.parse(path.read_text(encoding="utf-8"))
            exercise = next(n.value.args[0].value for n in module.body if isinstance(n, ast.Assign)
                            and getattr(n.targets[0], "id", "") == "pytestmark")
            for node in module.body:
                if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                    weight = next((d.args[0].value for d in node.decorator_list if isinstance(d, ast.Call)
                                   and ast.unparse(d.func).endswith("mark.weight")), 1)
                    found[(exercise, node.name)] = weight
    assert found == {(exercise, name): weight for exercise, weight, name, _ in RULES}
    assert sum(weight for _, weight, _, _ in RULES) == task.possible == 100


def test_both_copies_of_the_compose_schema_are_the_vendored_file():
    for path in (SCHEMA_PATH, KIT_ROOT / "tests" / "fixtures" / "formats" / "compose-spec.json"):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == SCHEMA_SHA256, path


def test_the_solutions_pass_every_rule_and_the_starter_none():
    assert score(c.Project(SOLUTIONS)) == (100, [])
    earned, failed = score(c.Project(STARTER))
    assert earned == 0 and len(failed) == len(RULES)


def test_the_scorecard_says_the_files_were_read_and_nothing_run():
    course = manifest.load()
    task = course.find("D01")
    result = runner.grade(task, tree.resolve_impl("solutions", course), course, runner.RunOptions(stack="local"))
    assert (result.total, result.notices) == (100, [])
    assert result.trust.startswith("read as data: your files were parsed by the tests, never run or imported; "
                                   "nothing was built or started"), result.trust


# What the kit's root files cannot follow, and why: they are a grading stack, not the platform.
ROOT_EXCEPTIONS = {
    # The kit's images run `grade serve` / `grade analytics` (the compose file's `command:`),
    # which lay the learner's files over the starter before starting uvicorn or the service.
    "D01.1 test_the_image_starts_the_right_command",
    "D01.2 test_the_image_starts_the_right_command",
    # One multi-target Dockerfile (target `platform`) builds both the app and analytics.
    "D01.7 test_the_analytics_service_is_built_from_its_dockerfile",
}


def test_the_kits_own_compose_file_and_dockerfile_pass_the_tasks_rules():
    """The root docker-compose.yml, with the root Dockerfile's `platform` target standing for
    both images, passes every rule but the ROOT_EXCEPTIONS."""
    project = c.Project(KIT_ROOT, {c.APP_DOCKERFILE: "Dockerfile", c.ANALYTICS_DOCKERFILE: "Dockerfile"})
    project.targets = {c.APP: "platform", c.ANALYTICS: "platform"}
    assert project.roles == {"mongodb": "mongodb", "kafka": "kafka", "mysql": "mysql", "app": "app",
                             "analytics": "analytics"}
    earned, failed = score(project)
    assert set(failed) == ROOT_EXCEPTIONS, [(r, rule(project)) for e, _, n, rule in RULES
                                            if f"{e} {n}" in set(failed) - ROOT_EXCEPTIONS for r in [n]]


# -- the corpus of learner answers ------------------------------------------------------------

LIST_ENV_APP = '''    environment:
      - MONGODB_URL=mongodb://mongodb:27017/social_commerce?retryWrites=true
      - DATABASE_NAME=social_commerce
      - EVENT_SINK=collection,kafka
      - KAFKA_BOOTSTRAP_SERVERS=kafka:9092
      - KAFKA_CLIENT_ID=social-commerce-api
      - PYTHONUNBUFFERED=1
'''
SOLUTION_APP_ENV = '''    environment:
      MONGODB_URL: mongodb://mongodb:27017
      DATABASE_NAME: social_commerce
      EVENT_SINK: kafka
      KAFKA_BOOTSTRAP_SERVERS: kafka:9092
      KAFKA_CLIENT_ID: social-commerce-api
'''
OTHER_LISTENERS = [
    ("KAFKA_CONTROLLER_QUORUM_VOTERS: 1@kafka:9093", "KAFKA_CONTROLLER_QUORUM_VOTERS: 1@broker:29093"),
    ("KAFKA_LISTENERS: PLAINTEXT://:9092,CONTROLLER://:9093",
     "KAFKA_LISTENERS: INTERNAL://0.0.0.0:29092,CTRL://0.0.0.0:29093"),
    ("KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:9092", "KAFKA_ADVERTISED_LISTENERS: INTERNAL://broker:29092"),
    ("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
     "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: INTERNAL:PLAINTEXT,CTRL:PLAINTEXT"),
    ("KAFKA_CONTROLLER_LISTENER_NAMES: CONTROLLER", "KAFKA_CONTROLLER_LISTENER_NAMES: CTRL"),
    ("KAFKA_INTER_BROKER_LISTENER_NAME: PLAINTEXT", "KAFKA_INTER_BROKER_LISTENER_NAME: INTERNAL"),
    ('"--bootstrap-server", "localhost:9092"', '"--bootstrap-server", "localhost:29092"'),
    ("  kafka:\n    image: apache/kafka:3.8.0", "  kafka:\n    image: confluentinc/cp-kafka:7.6.0\n"
                                                "    networks:\n      default:\n        aliases: [broker]"),
    ("KAFKA_BOOTSTRAP_SERVERS: kafka:9092\n      KAFKA_CLIENT_ID: social-commerce-api",
     "KAFKA_BOOTSTRAP_SERVERS: broker:29092\n      KAFKA_CLIENT_ID: social-commerce-api"),
    ("KAFKA_BOOTSTRAP_SERVERS: kafka:9092\n      KAFKA_GROUP_ID", "KAFKA_BOOTSTRAP_SERVERS: broker:29092\n"
                                                                  "      KAFKA_GROUP_ID"),
]
SHELL_FORM_APP = [('CMD ["uvicorn", "backend.server:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000"]',
                   'ENTRYPOINT ["uvicorn"]\nCMD backend.server:create_app --factory --host=0.0.0.0 --port 8080'),
                  ("USER app", "USER 10001"),
                  ("FROM python:3.11.10-slim-bookworm",
                   "FROM python:3.11-slim@sha256:" + "0" * 64)]
ANCHORED_MYSQL = [
    ("name: social-commerce\n", "name: social-commerce\n\nx-mysql: &mysql-login\n  MYSQL_USER: ${DB_USER:-replica}\n"
                                "  MYSQL_PASSWORD: ${DB_PASSWORD:-s3cret}\n  MYSQL_DATABASE: analytics\n"),
    ("      MYSQL_DATABASE: analytics\n      MYSQL_USER: analytics\n      MYSQL_PASSWORD: ${MYSQL_PASSWORD:-analytics}\n"
     "      MYSQL_ROOT_PASSWORD", "      <<: *mysql-login\n      MYSQL_ROOT_PASSWORD"),
    ("      MYSQL_HOST: mysql\n      MYSQL_PORT: \"3306\"\n      MYSQL_USER: analytics\n"
     "      MYSQL_PASSWORD: ${MYSQL_PASSWORD:-analytics}\n      MYSQL_DATABASE: analytics\n",
     "      <<: *mysql-login\n      MYSQL_HOST: mysql\n"),
    ('test: ["CMD-SHELL", "mysqladmin ping --silent -h 127.0.0.1 -u root -p$$MYSQL_ROOT_PASSWORD"]',
     "test: mysql -h 127.0.0.1 -u$$MYSQL_USER -p$$MYSQL_PASSWORD -e 'SELECT 1'"),
]

# name -> (edits per file, or whole files, and the score expected)
VARIANTS = {
    # correct, in another style: full marks
    "environment as lists, a URL with a database and options": (
        {c.COMPOSE: [(SOLUTION_APP_ENV, LIST_ENV_APP)]}, 100),
    "other listener names, another Kafka image, a network alias": ({c.COMPOSE: OTHER_LISTENERS}, 100),
    "CMD in shell form after an ENTRYPOINT, a numeric user, a digest": (
        {c.APP_DOCKERFILE: SHELL_FORM_APP, c.COMPOSE: [('"8088:8000"', '"8088:8080"')]}, 100),
    "MySQL settings in an anchor merged into both services, a string healthcheck": (
        {c.COMPOSE: ANCHORED_MYSQL}, 100),
    "the analytics command in shell form, python3": (
        {c.ANALYTICS_DOCKERFILE: [('CMD ["python", "-m", "analytics"]', "CMD python3 -m analytics")]}, 100),
    "a wheel-building stage, COPY --from before the install": (
        {c.APP_DOCKERFILE: [("FROM python:3.11.10-slim-bookworm\n",
                             "FROM python:3.11.10-slim-bookworm AS wheels\nCOPY starter/requirements.txt /r.txt\n"
                             "RUN pip wheel --wheel-dir /wheels -r /r.txt\n\nFROM python:3.11.10-slim-bookworm\n"),
                            ("COPY starter/requirements.txt ./requirements.txt\n",
                             "COPY --from=wheels /wheels /wheels\nCOPY starter/requirements.txt ./requirements.txt\n"),
                            ("RUN pip install --no-cache-dir -r requirements.txt",
                             "RUN pip install --no-index --find-links /wheels -r requirements.txt")]}, 100),
    "a stage that copies the code, taken before the install": (
        {c.APP_DOCKERFILE: [("FROM python:3.11.10-slim-bookworm\n",
                             "FROM python:3.11.10-slim-bookworm AS src\nCOPY starter/backend/ /src/backend/\n\n"
                             "FROM python:3.11.10-slim-bookworm\n"),
                            ("COPY starter/requirements.txt ./requirements.txt\n",
                             "COPY --from=src /src/backend/ backend/\nCOPY starter/requirements.txt ./requirements.txt\n")]},
        97),
    "volumes in the long syntax, mounted at a parent folder": (
        {c.COMPOSE: [("      - mongodb-data:/data/db", "      - type: volume\n        source: mongodb-data\n"
                                                         "        target: /data")]}, 100),
    # wrong in one way each
    "bootstrap servers on localhost": (
        {c.COMPOSE: [("KAFKA_BOOTSTRAP_SERVERS: kafka:9092\n      KAFKA_CLIENT_ID: social-commerce-api",
                      "KAFKA_BOOTSTRAP_SERVERS: localhost:9092\n      KAFKA_CLIENT_ID: social-commerce-api")]}, 97),
    "node id not among the voters": ({c.COMPOSE: [('KAFKA_NODE_ID: "1"', 'KAFKA_NODE_ID: "2"')]}, 95),
    "the app's depends_on in the short form": (
        {c.COMPOSE: [("    depends_on:\n      mongodb:\n        condition: service_healthy\n      kafka:\n"
                      "        condition: service_healthy\n", "    depends_on: [mongodb, kafka]\n")]}, 95),
    "the app's image runs as root": ({c.APP_DOCKERFILE: [("USER app\n", "")]}, 95),
    "the code copied before the install": (
        {c.APP_DOCKERFILE: [("COPY starter/requirements.txt ./requirements.txt\n",
                             "COPY starter/ ./\nCOPY starter/requirements.txt ./requirements.txt\n")]}, 97),
    "mongo:latest": ({c.COMPOSE: [("image: mongo:7.0.14", "image: mongo:latest")]}, 98),
    "the analytics password differs from MySQL's": (
        {c.COMPOSE: [("      MYSQL_PASSWORD: ${MYSQL_PASSWORD:-analytics}\n      MYSQL_DATABASE: analytics\n",
                      "      MYSQL_PASSWORD: secret\n      MYSQL_DATABASE: analytics\n")]}, 97),
    "offsets replicated three times": (
        {c.COMPOSE: [('KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1"', 'KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "3"')]},
        97),
    "a single $ in the MySQL healthcheck": ({c.COMPOSE: [("-p$$MYSQL_ROOT_PASSWORD", "-p$MYSQL_ROOT_PASSWORD")]}, 98),
    "a KAFKA_GROUP_ID on the app (defect 12 of the original)": (
        {c.COMPOSE: [("      KAFKA_CLIENT_ID: social-commerce-api\n",
                      "      KAFKA_CLIENT_ID: social-commerce-api\n      KAFKA_GROUP_ID: api\n")]}, 99),
    "the broker advertised on localhost": (
        {c.COMPOSE: [("KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:9092",
                      "KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://localhost:9092")]}, 93),
    "MySQL's data on a bind mount": ({c.COMPOSE: [("- mysql-data:/var/lib/mysql", "- ./mysql:/var/lib/mysql")]}, 95),
    "the controller listener has no protocol": (
        {c.COMPOSE: [("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT", "PLAINTEXT:PLAINTEXT")]}, 97),
    "uvicorn on its default host": ({c.APP_DOCKERFILE: [('"--host", "0.0.0.0", ', "")]}, 98),
    "MySQL without a healthcheck (so nothing can wait for it)": (
        {c.COMPOSE: [('      test: ["CMD-SHELL", "mysqladmin ping --silent -h 127.0.0.1 -u root -p$$MYSQL_ROOT_PASSWORD"]\n'
                      "      interval: 10s\n      timeout: 10s\n      retries: 6\n      start_period: 60s\n",
                      "      disable: true\n")]}, 92),
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_a_learner_variant_scores_what_it_should(tmp_path, name):
    edits, expected = VARIANTS[name]
    earned, failed = score(tree_of(tmp_path, edits))
    assert earned == expected, failed


# name -> (the three files, the score expected)
DEGENERATE = {
    "the starter's files": ({rel: (STARTER / rel).read_text(encoding="utf-8") for rel in c.LEARNER_FILES}, 0),
    "files of comments": (dict.fromkeys(c.LEARNER_FILES, "# nothing yet\n"), 0),
    "empty files": (dict.fromkeys(c.LEARNER_FILES, ""), 0),
    "the right service names and nothing else": ({
        c.COMPOSE: "services:\n  mongodb: {}\n  kafka: {}\n  mysql: {}\n  app: {}\n  analytics: {}\nvolumes: {}\n",
        c.APP_DOCKERFILE: "", c.ANALYTICS_DOCKERFILE: ""}, 0),
    # a skeleton that names the right images and builds: a valid file (3) built from the right
    # Dockerfiles (2 + 2), and nothing about any server earned
    "images and builds, nothing else": ({
        c.COMPOSE: ("services:\n  mongodb: {image: mongo}\n  kafka: {image: apache/kafka}\n  mysql: {image: mysql}\n"
                    "  app: {build: .}\n  analytics: {build: analytics}\n"),
        c.APP_DOCKERFILE: "FROM python\n", c.ANALYTICS_DOCKERFILE: "FROM python\n"}, 7),
}


@pytest.mark.parametrize("name", list(DEGENERATE))
def test_a_degenerate_answer_earns_next_to_nothing(tmp_path, name):
    files, expected = DEGENERATE[name]
    earned, failed = score(tree_of(tmp_path, files=files))
    assert earned == expected, failed


def test_an_answer_written_from_the_doc_in_its_own_style_earns_full_marks():
    assert score(c.Project(KIT_ROOT / "tests" / "fixtures" / "docker_task" / "own-style")) == (100, [])


def test_a_failure_names_the_line_and_what_the_value_must_agree_with(tmp_path):
    project = tree_of(tmp_path, {c.COMPOSE: [
        ("KAFKA_BOOTSTRAP_SERVERS: kafka:9092\n      KAFKA_CLIENT_ID: social-commerce-api",
         "KAFKA_BOOTSTRAP_SERVERS: localhost:9092\n      KAFKA_CLIENT_ID: social-commerce-api")]})
    [problem] = c.bootstrap(project, c.APP)
    assert problem.startswith("docker-compose.yml line 81: services.app.environment.KAFKA_BOOTSTRAP_SERVERS is "
                              "`localhost:9092`; it must name the Kafka service and its listener, e.g. `kafka:9092` "
                              "(the listener `PLAINTEXT://kafka:9092` of service `kafka`, docker-compose.yml line 33"), \
        problem


def test_a_comment_after_an_instruction_is_refused_as_docker_refuses_it(tmp_path):
    project = tree_of(tmp_path, {"Dockerfile": [('FROM python:3.11.10-slim-bookworm', 'FROM python:3.11.10-slim-bookworm   # pinned')]})
    problems = c.base_image_pinned(project, c.APP)
    assert len(problems) == 1 and "must be an image and, optionally, `AS name`" in problems[0], problems
    assert "`#` as a comment only at the start of a line" in problems[0]


def test_aliases_that_multiply_into_billions_of_values_are_refused_at_once(tmp_path):
    lines = ['x-a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"x-a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    bomb = "\n".join(lines) + "\nservices:\n  app:\n    image: python:3.11.10\n    command: *a9\n"
    started = time.monotonic()
    project = tree_of(tmp_path, files={c.COMPOSE: bomb})
    [problem] = c.valid_compose(project)
    assert "expands its YAML aliases to more than 100,000 values" in problem, problem
    assert time.monotonic() - started < 2


def test_yaml_that_does_not_parse_is_reported_with_its_line(tmp_path):
    project = tree_of(tmp_path, files={c.COMPOSE: "services:\n  app:\n    image: [unclosed\n"})
    [problem] = c.valid_compose(project)
    assert problem.startswith("docker-compose.yml line 4 is not valid YAML"), problem


# -- with Docker (skipped where it is absent, as it is on the grading machines) -----------------

DOCKER = shutil.which("docker")


def _docker_missing() -> str:
    """Why the Docker checks cannot run here ("" when they can): the CLI, its compose plugin, a daemon."""
    if DOCKER is None:
        return "the docker command is not installed"
    for args, what in ((["compose", "version"], "the docker compose plugin is not installed"),
                       (["info"], "no Docker daemon answers")):
        try:
            if subprocess.run([DOCKER, *args], capture_output=True, timeout=20).returncode != 0:
                return what
        except (OSError, subprocess.TimeoutExpired):
            return what
    return ""


MISSING = _docker_missing()
needs_docker = pytest.mark.skipif(bool(MISSING), reason=f"needs Docker: {MISSING}")


def _compose(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([DOCKER, "compose", "-p", "kit-d01-check", "-f", str(STARTER / c.COMPOSE), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=KIT_ROOT)


@pytest.fixture
def solutions_in_starter(tmp_path):
    """A copy of the kit whose starter/ holds the solutions' three files, as a learner's fork would."""
    global STARTER
    fork = tmp_path / "kit"
    shutil.copytree(KIT_ROOT, fork, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "node_modules"))
    for rel in c.LEARNER_FILES:
        shutil.copyfile(SOLUTIONS / rel, fork / "starter" / rel)
    saved, STARTER = STARTER, fork / "starter"
    try:
        yield fork
    finally:
        _compose("down", "--volumes", timeout=300)
        STARTER = saved


@needs_docker
def test_with_docker_the_stack_builds_comes_up_healthy_and_keeps_its_data(solutions_in_starter):
    assert _compose("config", "--quiet").returncode == 0
    up = _compose("up", "--build", "--detach", "--wait")
    assert up.returncode == 0, up.stderr[-2000:]
    with urllib.request.urlopen("http://127.0.0.1:8088/health", timeout=10) as answer:
        assert answer.status == 200
    for service, probe in (("mongodb", ["mongosh", "--quiet", "--eval", "db.getSiblingDB('d01').keep.insertOne({k: 1})"]),
                           ("mysql", ["sh", "-c", "mysql -uroot -p$MYSQL_ROOT_PASSWORD -e 'CREATE TABLE analytics.keep (k INT)'"])):
        assert _compose("exec", "-T", service, *probe).returncode == 0
    assert _compose("exec", "-T", "kafka", "/opt/kafka/bin/kafka-topics.sh", "--bootstrap-server", "localhost:9092",
                    "--create", "--topic", "d01-keep").returncode == 0
    assert _compose("down").returncode == 0  # the containers go, the named volumes stay
    assert _compose("up", "--detach", "--wait").returncode == 0
    time.sleep(1)
    kept = _compose("exec", "-T", "mongodb", "mongosh", "--quiet", "--eval", "db.getSiblingDB('d01').keep.countDocuments()")
    assert kept.stdout.strip() == "1"
    assert _compose("exec", "-T", "mysql", "sh", "-c",
                    "mysql -uroot -p$MYSQL_ROOT_PASSWORD -e 'SELECT * FROM analytics.keep'").returncode == 0
    topics = _compose("exec", "-T", "kafka", "/opt/kafka/bin/kafka-topics.sh", "--bootstrap-server", "localhost:9092",
                      "--list")
    assert "d01-keep" in topics.stdout
