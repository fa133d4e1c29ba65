"""Accounts for the tests: register, verify and log in through the API when a test is about
those (exercises 01.1, 01.3, 01.4), or put users straight into the database when a test only
needs one to start from (then act as them with ``grader.testkit.tokens``)."""

from datetime import datetime, timedelta

import httpx

from grader.testkit import expect
from shared.timeutil import utc_now

PASSWORD = "Orchid-River-42"
# A bcrypt hash of nothing in particular, for users seeded straight into the database: no
# password logs in to a seeded account until a reset (01.6) gives it one.
SEEDED_HASH = "$2b$04$GVjWuGTp4/NMq6EXZhWKg.WW1QJQimB800P3DTy5eDry95DPBdlei"


# -- through the API: the learner's registration and login ----------------------------------

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
    """Mark a registered account as verified straight in the database, skipping exercise 01.3."""
    from shared.models.user import UserStatus

    user = await stored_user(email)
    expect.true(user is not None, f"after registering {email}, no document in 'users' has "
                                  f"contact_info.primary_email == {email!r}")
    user.status = UserStatus.ACTIVE
    user.email_verified_at = utc_now()
    await user.save()


async def active_account(client: httpx.AsyncClient, email: str = "ada@example.com", password: str = PASSWORD,
                         **extra) -> dict:
    """Register through the API (the learner's password hash, so the password logs in), then
    activate in the database. Returns the registration's response body."""
    body = await registered(client, email, password, **extra)
    await activate(email)
    return body


async def login(client: httpx.AsyncClient, email: str = "ada@example.com", password: str = PASSWORD) -> httpx.Response:
    return await client.post("/login", json={"email": email, "password": password})


async def access_token(client: httpx.AsyncClient, email: str = "ada@example.com", password: str = PASSWORD) -> str:
    """An access token from the learner's POST /login."""
    body = expect.status(await login(client, email, password), 200, f"logging in as {email} (exercise 01.4)")
    return body["access_token"]


def mailed_token(outbox, kind: str, email: str, after: str) -> str:
    """The raw token of the last ``kind`` ("verification" or "reset") mail to ``email``."""
    mail = outbox.last(kind, email)
    sender = "send_email_verification" if kind == "verification" else "send_password_reset"
    expect.true(mail is not None, f"{after}, expected a {kind} email to {email} (self.mailer.{sender}); none was sent")
    return mail.token


# -- straight into the database: no learner code involved -----------------------------------

async def seed_user(email: str, display_name: str = "Seeded", *, role: str = "consumer", status: str = "active",
                    created_at: datetime | None = None, deleted: bool = False, id=None):
    """Insert a user directly and return the document. ``role``: consumer, leader or admin;
    ``status``: active, pending, suspended; ``deleted`` soft-deletes it; ``id``: its _id (an
    ObjectId; by default a new one)."""
    from shared.models.user import ContactInfo, User, UserProfile, UserRole, UserStatus

    now = utc_now()
    user = User(
        password_hash=SEEDED_HASH,
        contact_info=ContactInfo(primary_email=email),
        profile=UserProfile(display_name=display_name),
        role=UserRole(role),
        status=UserStatus(status),
        email_verified_at=None if status == "pending" else (created_at or now),
        created_at=created_at or now,
        updated_at=created_at or now,
        deleted_at=now if deleted else None,
        **({"id": id} if id is not None else {}),
    )
    await user.insert()
    return user


async def seed_users(count: int, start: datetime | None = None, prefix: str = "user") -> list:
    """``count`` users created one minute apart, oldest first."""
    start = start or utc_now() - timedelta(days=1)
    return [await seed_user(f"{prefix}{i:03d}@example.com", f"User {i}", created_at=start + timedelta(minutes=i))
            for i in range(count)]


async def soft_delete(user):
    """Soft-delete a user (a User document, or an email) straight in the database, as
    ``DELETE /users/{id}`` would; return the document."""
    if isinstance(user, str):
        email, user = user, await stored_user(user)
        expect.true(user is not None, f"no document in 'users' has contact_info.primary_email == {email!r}")
    user.deleted_at = user.updated_at = utc_now()
    await user.save()
    return user


async def stored_user(email: str):
    """The document in 'users' with this primary email, or None."""
    from shared.models.user import User

    return await User.find_one({"contact_info.primary_email": email})


async def stored(user):
    """The current state of a user document in the database (after the app changed it)."""
    from shared.models.user import User

    return await User.get(user.id)
