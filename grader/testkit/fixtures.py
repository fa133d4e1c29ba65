"""Pytest fixtures for the course's tests (loaded with ``-p grader.testkit.fixtures``).

The same names on every stack, so one test file runs on all three:

    client    an httpx client talking to the app
    db        the app's database (Motor), empty at the start of each test; Beanie is set up
    settings  the settings the app runs with (JWT secret, token lifetime, bcrypt cost)
    events    the events the app emitted;  outbox  the mail it sent

embedded: the app runs in this process on a fresh in-memory database per test, with
recorders in place of the publisher and the mailer.
local / services: the app runs in its own process (one per test process, restarted when a
test hangs or ends it); each test starts on an emptied database.
"""

import os
import secrets

import httpx
import pytest
import pytest_asyncio

from grader.testkit import pipeline, remote, stack
from grader.testkit.recorders import CollectionEvents, CollectionMail, RecordingMailer, RecordingPublisher

TEST_BCRYPT_ROUNDS = 4  # production uses 12; tests only need a real bcrypt hash, quickly
TEST_TOKEN_MINUTES = 15
TEST_JWT_ALGORITHM = "HS384"  # production uses HS256; code that hard-codes it fails here


def _request_timeout() -> float:
    # Shorter than the per-test timeout, so a hung app is reported as such by the test, with
    # time left to ask the app where it hangs (see AppProcess.where_stuck).
    return max(0.5, float(os.environ.get("GRADER_TEST_TIMEOUT", "10")) * 0.7)


# -- local / services: the app in its own process --------------------------------------

_APP: "remote.RemoteApp | None" = None


def _needs_app() -> bool:
    """The app runs for a task with learner files in it (an analytics-only task needs none)."""
    files = [f for f in os.environ.get("GRADER_LEARNER_FILES", "").split(",") if f]
    return stack.remote() and any(f.startswith("backend/") for f in files)


def pytest_sessionstart(session):
    """Launch the app before collection, so its start-up overlaps with ours."""
    global _APP
    if not _needs_app():
        return
    recorder = session.config.pluginmanager.get_plugin("grader-recorder")

    def notify(message: str) -> None:
        if recorder is not None:
            recorder.recorder.write(kind="notice", message=message)

    if stack.external_app() and not pipeline.app_publishes_to_kafka():  # (Task 09 starts its own app)
        try:
            _APP = remote.ExternalApp(_request_timeout())
        except (KeyError, ValueError) as exc:
            notify(f"APP_URL is set, but not the app's settings the tests need ({exc}): set them as the compose "
                   "file does for the app and grader services.")
        return
    _APP = remote.RemoteApp(remote.new_settings(), _request_timeout(), notify)
    _APP.launch()


def pytest_collection_finish(session):
    """Wait for the first start here, outside every test's time limit: a learner module
    that hangs while importing costs its time limit once, not one test's."""
    if _APP is not None and session.items:
        try:
            _APP.ensure_running()
        except remote.AppUnavailable:
            pass  # every test that needs the app says why


def pytest_sessionfinish(session):
    if _APP is not None:
        _APP.close()


@pytest.fixture(scope="session")
def _remote_app():
    if _APP is None:
        pytest.fail("the app process was not launched (the stack or the task has no learner files, "
                    "or APP_URL is set without the app's settings)")
    return _APP


@pytest.fixture(scope="session")
def _motor_db(_remote_app):
    """One driver connection for the whole test process (all tests share one event loop)."""
    client = stack.motor_client()
    yield {"database": client[_remote_app.settings.database_name], "models_bound": False}
    client.close()


@pytest.fixture(scope="session")
def _sync_db(_remote_app):
    from pymongo import MongoClient

    client = MongoClient(stack.mongodb_url(), serverSelectionTimeoutMS=3000, tz_aware=True)
    yield client[_remote_app.settings.database_name]
    client.drop_database(_remote_app.settings.database_name)
    client.close()


# -- the fixtures tests use ----------------------------------------------------------

@pytest.fixture
def settings(request):
    if stack.remote():
        return request.getfixturevalue("_remote_app").settings
    from backend.config import Settings

    return Settings(
        event_sink="kafka" if pipeline.app_publishes_to_kafka() else "log",
        database_name="grader",
        jwt_secret="grader-" + secrets.token_hex(16),
        jwt_algorithm=TEST_JWT_ALGORITHM,
        bcrypt_rounds=TEST_BCRYPT_ROUNDS,
        access_token_minutes=TEST_TOKEN_MINUTES,
    )


@pytest.fixture
def events(request):
    if stack.remote():
        return CollectionEvents(request.getfixturevalue("_sync_db"))
    return RecordingPublisher()


@pytest.fixture
def outbox(request):
    if stack.remote():
        return CollectionMail(request.getfixturevalue("_sync_db"))
    return RecordingMailer()


@pytest_asyncio.fixture
async def db(request):
    if not stack.remote():
        async with stack.mongo_database() as database:
            yield database
        return
    sync_db = request.getfixturevalue("_sync_db")
    for name in sync_db.list_collection_names():
        if name.startswith("system."):  # the server's own (system.profile: Task 08's profiler)
            continue
        sync_db[name].delete_many({})  # keep the indexes the app created
    shared = request.getfixturevalue("_motor_db")
    if not shared["models_bound"]:
        from beanie import init_beanie

        from shared.models import ALL_DOCUMENTS

        # The app created the indexes when it started; here the models only need binding.
        await init_beanie(database=shared["database"], document_models=ALL_DOCUMENTS, skip_indexes=True)
        shared["models_bound"] = True
    yield shared["database"]


@pytest.fixture(scope="session")
def _built_app():
    """The in-process app, built once per test process: building its routes is the slow part."""
    from backend.server import create_app

    os.environ["GRADER_IN_PROCESS"] = "1"  # the kit's grading routes (starter/backend/diagnostics.py: grading)
    return create_app()


@pytest_asyncio.fixture
async def app(request, settings, events, outbox, db):
    """embedded: the app on this test's database, settings and recorders.
    local / services: the running app process (started or restarted as needed)."""
    if stack.remote():
        yield request.getfixturevalue("_remote_app").ensure_running()
        return
    built = request.getfixturevalue("_built_app")
    state = built.state
    # Grading Task 09, the app picks the learner's Kafka publisher at start-up, as in production.
    in_use = None if pipeline.app_publishes_to_kafka() else events
    if in_use is None:
        os.environ["KAFKA_TOPIC_PREFIX"] = pipeline.APP_PREFIX
    state.settings, state.database, state.events, state.mailer = settings, db, in_use, outbox
    async with built.router.lifespan_context(built):
        yield built


@pytest_asyncio.fixture
async def client(request, app):
    if stack.remote():
        async with remote.client_for(request.getfixturevalue("_remote_app")) as http:
            yield http
        return
    transport = remote.StubTransport(httpx.ASGITransport(app=app))
    async with httpx.AsyncClient(transport=transport, base_url="http://platform.test") as http:
        yield http


def pytest_collection_modifyitems(config, items):
    if stack.remote():
        return
    for item in items:
        marker = item.get_closest_marker("needs_services")
        if marker:
            why = f" ({marker.args[0]})" if marker.args else ""
            item.add_marker(pytest.mark.skip(
                reason=f"needs a real database{why}: grade on the local stack (STACK=local) for these points"))


# -- the event pipeline (Task 09's consumer, the MySQL track) ---------------------------

_SHARED_SERVICE: "pipeline.AnalyticsService | None" = None


@pytest.fixture
def analytics():
    """The learner's analytics service, started once per test process and shared by its
    tests (each uses fresh ids). A fresh one (its own topics, group and database) replaces it
    when an earlier test left a handler failing (the consumer tries that event again for
    ever, and every later event would wait behind it) or left it stopped."""
    global _SHARED_SERVICE
    if _SHARED_SERVICE is not None and (not _SHARED_SERVICE.alive or _SHARED_SERVICE.handler_failed()):
        _SHARED_SERVICE.close()
        _SHARED_SERVICE = None
    if _SHARED_SERVICE is None:
        _SHARED_SERVICE = pipeline.AnalyticsService()
    if _SHARED_SERVICE.alive and not _SHARED_SERVICE.wait_consuming(1.0):
        return _SHARED_SERVICE
    try:
        _SHARED_SERVICE.start()  # the first time, or again after a test stopped it (or it hung)
    except pipeline.ServiceDown as exc:
        pytest.fail(str(exc), pytrace=False)
    return _SHARED_SERVICE


@pytest.fixture
def new_analytics():
    """Make analytics services of a test's own (``new_analytics(probe=True, env={...})``),
    not started; all are stopped and removed when the test ends."""
    made: list[pipeline.AnalyticsService] = []

    def make(**options) -> pipeline.AnalyticsService:
        service = pipeline.AnalyticsService(**options)
        made.append(service)
        return service

    yield make
    for service in made:
        service.close()


def pytest_unconfigure(config):
    if _SHARED_SERVICE is not None:
        _SHARED_SERVICE.close()
