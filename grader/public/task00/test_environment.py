"""Task 00: is this machine ready? Each check says how to fix what it finds."""

import importlib
import sys

import httpx
import pytest

from grader.grading.install import APP_MODULES
from grader.stacks import kafka, mongo, mysql
from grader.testkit import expect, stack

FIX_DEPENDENCIES = "Install the kit's dependencies: run `make setup` (or `pip install -e .` in the kit's folder)."


@pytest.mark.exercise("00.1")
def test_python_is_3_11_or_newer():
    found = ".".join(map(str, sys.version_info[:3]))
    expect.true(sys.version_info >= (3, 11),
                f"Python 3.11 or newer is needed, this is Python {found} ({sys.executable}). "
                "Install Python 3.11+ and recreate the virtual environment: `rm -rf .venv && make setup`.")


@pytest.mark.exercise("00.2")
def test_the_dependencies_import():
    missing = []
    for name in APP_MODULES:
        try:
            importlib.import_module(name)
        except Exception as exc:  # a broken install raises more than ImportError
            missing.append(f"{name} ({type(exc).__name__}: {exc})")
    expect.true(not missing, f"These packages do not import: {'; '.join(missing)}. {FIX_DEPENDENCIES}")


@pytest.mark.exercise("00.3")
async def test_the_app_starts_and_answers():
    from mongomock_motor import AsyncMongoMockClient

    try:
        from backend.server import create_app
    except Exception as exc:
        raise AssertionError(f"The app does not import: {type(exc).__name__}: {exc}. "
                             "Models, schemas and routes must be as the kit shipped them.") from None
    app = create_app(database=AsyncMongoMockClient()["doctor"])
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://platform.test") as client:
            root = expect.status(await client.get("/"), 200, "GET / on a freshly started app")
            expect.equal(root.get("status"), "ok", "GET /: status")
            expect.status(await client.get("/health"), 200, "GET /health on a freshly started app")
            expect.status(await client.get("/docs"), 200, "GET /docs (Swagger UI)")


@pytest.mark.exercise("00.4")
async def test_the_database_answers():
    if stack.current() == stack.SERVICES:
        fix = (f"Start MongoDB so that it answers at {stack.mongodb_url()} (set MONGODB_URL if it runs "
               "elsewhere), or grade on the embedded stack: `make doctor`.")
    elif stack.current() == stack.LOCAL:
        fix = "The grader started a local MongoDB (SecantusDB) for this check: " + FIX_DEPENDENCIES
    else:
        fix = "The embedded database (mongomock-motor) should always answer: " + FIX_DEPENDENCIES
    try:
        async with stack.mongo_database() as db:
            reply = await db.command("ping")
    except Exception as exc:
        raise AssertionError(f"The {stack.current()} database did not answer a ping. {fix} "
                             f"(The driver said {type(exc).__name__}: {mongo.driver_reason(exc)})") from None
    expect.equal(reply.get("ok"), 1.0, "the database's answer to a ping")


@pytest.mark.exercise("00.5")
def test_the_pipelines_servers_are_there():
    # Task 09 and the MySQL track run a Kafka broker and a MySQL server on every stack.
    later = "Tasks 01-08 do not need them; Task 09 and the MySQL track (M00-M07) do"
    if stack.current() == stack.SERVICES:
        problems = [backend.problem for backend in (kafka.external(), mysql.external()) if backend.problem]
        expect.true(not problems, f"The pipeline's servers do not answer ({later}): {' '.join(problems)}")
        return
    broker, why = kafka.broker_command()
    problems = [] if broker else [why]
    if mysql.server_binary() is None:
        problems.append(f"No MariaDB or MySQL server (mariadbd or mysqld) is installed: {mysql.INSTALL_HINT}")
    expect.true(not problems, f"The grader cannot start the pipeline's servers ({later}): {' '.join(problems)}")
