"""Pytest fixtures for the course's tests (loaded with ``-p grader.testkit.fixtures``).

``client`` is an httpx client talking to the app in-process, on a fresh database of the
chosen stack, with recorders in place of the Kafka producer and the mail server.
"""

import secrets

import httpx
import pytest
import pytest_asyncio

from grader.testkit import stack
from grader.testkit.recorders import RecordingMailer, RecordingPublisher

TEST_BCRYPT_ROUNDS = 4  # production uses 12; tests only need a real bcrypt hash, quickly
TEST_TOKEN_MINUTES = 15


@pytest.fixture
def settings():
    from backend.config import Settings

    return Settings(
        database_name="grader",
        jwt_secret="grader-" + secrets.token_hex(16),
        bcrypt_rounds=TEST_BCRYPT_ROUNDS,
        access_token_minutes=TEST_TOKEN_MINUTES,
    )


@pytest.fixture
def events() -> RecordingPublisher:
    return RecordingPublisher()


@pytest.fixture
def outbox() -> RecordingMailer:
    return RecordingMailer()


@pytest_asyncio.fixture
async def db():
    async with stack.mongo_database() as database:
        yield database


@pytest.fixture(scope="session")
def _built_app():
    """The app, built once per test process: building its routes is the slow part."""
    from backend.server import create_app

    return create_app()


@pytest_asyncio.fixture
async def app(_built_app, settings, events, outbox, db):
    """The app on this test's own database, settings, event recorder and mail recorder."""
    state = _built_app.state
    state.settings, state.database, state.events, state.mailer = settings, db, events, outbox
    async with _built_app.router.lifespan_context(_built_app):
        yield _built_app


@pytest_asyncio.fixture
async def client(app):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://platform.test") as http:
        yield http


def pytest_collection_modifyitems(config, items):
    if stack.current() == stack.SERVICES:
        return
    for item in items:
        if item.get_closest_marker("needs_services"):
            item.add_marker(pytest.mark.skip(reason="needs the services stack: run with --stack services"))
