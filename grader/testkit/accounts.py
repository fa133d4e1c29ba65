"""Helpers for Task 01 tests: register through the API, or put users straight into the
database when a test is about something else."""

from datetime import datetime, timedelta

import httpx

from grader.testkit import expect
from shared.timeutil import utc_now

PASSWORD = "Orchid-River-42"
# A bcrypt hash of nothing in particular, for users seeded straight into the database.
SEEDED_HASH = "$2b$04$GVjWuGTp4/NMq6EXZhWKg.WW1QJQimB800P3DTy5eDry95DPBdlei"


def register_body(email: str = "ada@example.com", password: str = PASSWORD, **extra) -> dict:
    return {"email": email, "password": password, "display_name": extra.pop("display_name", "Ada"), **extra}


async def register(client: httpx.AsyncClient, email: str = "ada@example.com", password: str = PASSWORD,
                   leader: bool = False, **extra) -> httpx.Response:
    path = "/register/leader" if leader else "/register"
    return await client.post(path, json=register_body(email, password, **extra))


async def registered(client: httpx.AsyncClient, email: str = "ada@example.com", password: str = PASSWORD,
                     **extra) -> dict:
    """Register and return the response body; fail plainly if registration does not work."""
    response = await register(client, email, password, **extra)
    return expect.status(response, 201, f"registering {email} (this test needs registration, exercise 01.1)")


async def activate(email: str) -> None:
    """Mark an account as verified straight in the database, skipping exercise 01.3."""
    from shared.models.user import User, UserStatus

    user = await User.find_one({"contact_info.primary_email": email})
    expect.true(user is not None, f"after registering {email}, no document in 'users' has contact_info.primary_email == {email!r}")
    user.status = UserStatus.ACTIVE
    user.email_verified_at = utc_now()
    await user.save()


async def active_account(client: httpx.AsyncClient, email: str = "ada@example.com", password: str = PASSWORD) -> dict:
    body = await registered(client, email, password)
    await activate(email)
    return body


async def login(client: httpx.AsyncClient, email: str = "ada@example.com", password: str = PASSWORD) -> httpx.Response:
    return await client.post("/login", json={"email": email, "password": password})


async def access_token(client: httpx.AsyncClient, email: str = "ada@example.com", password: str = PASSWORD) -> str:
    body = expect.status(await login(client, email, password), 200, f"logging in as {email} (exercise 01.4)")
    return body["access_token"]


async def seed_user(email: str, display_name: str = "Seeded", *, created_at: datetime | None = None,
                    deleted: bool = False, active: bool = True):
    """Insert a user directly (no service code involved) and return the document."""
    from shared.models.user import ContactInfo, User, UserProfile, UserStatus

    now = utc_now()
    user = User(
        password_hash=SEEDED_HASH,
        contact_info=ContactInfo(primary_email=email),
        profile=UserProfile(display_name=display_name),
        status=UserStatus.ACTIVE if active else UserStatus.PENDING,
        created_at=created_at or now,
        updated_at=created_at or now,
        deleted_at=now if deleted else None,
    )
    await user.insert()
    return user


async def seed_users(count: int, start: datetime | None = None, prefix: str = "user") -> list:
    """``count`` users created one minute apart, oldest first."""
    start = start or utc_now() - timedelta(days=1)
    return [await seed_user(f"{prefix}{i:03d}@example.com", f"User {i}", created_at=start + timedelta(minutes=i))
            for i in range(count)]


async def stored_user(email: str):
    from shared.models.user import User

    return await User.find_one({"contact_info.primary_email": email})
