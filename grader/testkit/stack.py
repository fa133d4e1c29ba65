"""The two stacks the same tests run on.

embedded: an in-memory MongoDB (mongomock-motor), a fresh database per test.
services: the real MongoDB at MONGODB_URL; each test gets its own database, dropped after.
"""

import os
import uuid
from contextlib import asynccontextmanager

EMBEDDED = "embedded"
SERVICES = "services"


def current() -> str:
    return os.environ.get("GRADER_STACK", EMBEDDED)


def mongodb_url() -> str:
    return os.environ.get("MONGODB_URL", "mongodb://localhost:27017")


@asynccontextmanager
async def mongo_database():
    """Yield a fresh, empty database on the chosen stack."""
    name = f"grader_{uuid.uuid4().hex[:12]}"
    if current() == SERVICES:
        from motor.motor_asyncio import AsyncIOMotorClient

        client = AsyncIOMotorClient(mongodb_url(), serverSelectionTimeoutMS=3000, tz_aware=True)
        try:
            yield client[name]
        finally:
            await client.drop_database(name)
            client.close()
    else:
        from mongomock_motor import AsyncMongoMockClient

        yield AsyncMongoMockClient(tz_aware=True)[name]
