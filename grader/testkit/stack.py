"""Which stack the tests run on, read once when the test process starts, before any
learner code could change the environment.

embedded: the app inside this process, an in-memory MongoDB (mongomock-motor), a fresh
          database per test.
local / services: the app in its own process (see grader/stacks/app.py), reached over
          HTTP; a real MongoDB at MONGODB_URL, read here through our own connection.
"""

import os
import uuid
from contextlib import asynccontextmanager

EMBEDDED, LOCAL, SERVICES = "embedded", "local", "services"

_STACK = os.environ.get("GRADER_STACK", EMBEDDED)
_MONGODB_URL = os.environ.get("MONGODB_URL", "mongodb://localhost:27017")
_APP_URL = os.environ.get("APP_URL", "") if _STACK == SERVICES else ""


def current() -> str:
    return _STACK


def remote() -> bool:
    """True when the app runs in its own process (local and services)."""
    return _STACK != EMBEDDED


def external_app() -> bool:
    """True on the services stack with APP_URL set: the app runs elsewhere (the compose
    stack's app service) and the tests reach it there instead of starting one."""
    return bool(_APP_URL)


def mongodb_url() -> str:
    return _MONGODB_URL


def motor_client():
    from motor.motor_asyncio import AsyncIOMotorClient

    return AsyncIOMotorClient(_MONGODB_URL, serverSelectionTimeoutMS=3000, tz_aware=True)


@asynccontextmanager
async def mongo_database():
    """Yield a fresh, empty database on the chosen stack (dropped afterwards)."""
    name = f"grader_{uuid.uuid4().hex[:12]}"
    if remote():
        client = motor_client()
        try:
            yield client[name]
        finally:
            await client.drop_database(name)
            client.close()
    else:
        from mongomock_motor import AsyncMongoMockClient

        yield AsyncMongoMockClient(tz_aware=True)[name]
