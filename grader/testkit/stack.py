"""Which stack the tests run on, read once when the test process starts, before any
learner code could change the environment.

embedded: the app inside this process, an in-memory MongoDB (mongomock-motor), a fresh
          database per test; every database call first yields to the event loop, as a
          call to a real server does, so concurrent requests interleave (races show).
local / services: the app in its own process (see grader/stacks/app.py), reached over
          HTTP; a real MongoDB at MONGODB_URL, read here through our own connection.
"""

import asyncio
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

        _interleave_mongomock()
        yield AsyncMongoMockClient(tz_aware=True)[name]


# The collection and cursor calls a service makes. mongomock answers each at once, without
# giving the event loop a turn, so on embedded two concurrent requests never interleave and
# a read-then-write (read the version, then save) looks atomic though it races on a server.
_YIELDING = {
    "AsyncMongoMockCollection": ("find_one", "find_one_and_update", "find_one_and_replace", "find_one_and_delete",
                                 "insert_one", "insert_many", "replace_one", "update_one", "update_many",
                                 "delete_one", "delete_many", "count_documents"),
    "AsyncCursor": ("to_list",),
}


def _interleave_mongomock() -> None:
    import mongomock_motor

    for class_name, methods in _YIELDING.items():
        cls = getattr(mongomock_motor, class_name)
        if getattr(cls, "_grader_interleaves", False):
            continue
        for method in methods:
            setattr(cls, method, _yielding_first(getattr(cls, method)))
        cls._grader_interleaves = True


def _yielding_first(call):
    async def yielding(self, *args, **kwargs):
        await asyncio.sleep(0)
        return await call(self, *args, **kwargs)

    yielding.__name__ = call.__name__
    return yielding
