"""Users for the MySQL track's tests (Task M01): user documents shaped like
``User.event_data()``, the envelopes of their events, and the ``users`` table as the tests
read it (with their own MySQL connection, never through learner code).

Times are fixed moments in the past (``at(seconds)``), so a row that took the consumer's
clock instead of the event's timestamp is days off, and a test decides which event is older.
"""

import atexit
import re
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import pytest
from beanie import PydanticObjectId

from grader.testkit import pipeline
from shared.events import EventType
from shared.models.user import ContactInfo, SecurityState, User, UserProfile, UserRole, UserStatus

# A fixed moment, with microseconds: DATETIME without (6) would lose them.
BASE = datetime(2025, 3, 1, 9, 30, 0, 123456, tzinfo=timezone.utc)
PASSWORD_HASH = "$2b$04$GVjWuGTp4/NMq6EXZhWKg.WW1QJQimB800P3DTy5eDry95DPBdlei"  # never travels in events
COLUMNS = ("user_id", "email", "phone", "display_name", "avatar", "bio", "role", "status", "email_verified_at",
           "version", "deleted_at", "created_at", "updated_at", "event_id", "event_timestamp")


def at(seconds: float) -> datetime:
    """BASE plus ``seconds`` (an aware UTC datetime)."""
    return BASE + timedelta(seconds=seconds)


def naive(moment: datetime | None) -> datetime | None:
    """A moment as a DATETIME column gives it back: naive, in UTC."""
    return None if moment is None else moment.astimezone(timezone.utc).replace(tzinfo=None)


def document(user_id: str, *, email: str | None = None, display_name: str = "Ada Lovelace", phone: str | None = None,
             avatar: str | None = None, bio: str | None = None, role: str = "consumer", status: str = "active",
             email_verified_at: datetime | None = None, deleted_at: datetime | None = None, version: int = 1,
             created_at: datetime = BASE, updated_at: datetime | None = None) -> dict[str, Any]:
    """The data of a user.created or user.updated event: ``User.event_data()`` of a real
    ``User`` with these values."""
    profile = {"display_name": display_name, "bio": bio} | ({"avatar": avatar} if avatar else {})
    user = User.model_construct(
        id=PydanticObjectId(user_id), password_hash=PASSWORD_HASH,
        contact_info=ContactInfo(primary_email=email or f"user-{user_id[-6:]}@example.com", phone=phone),
        profile=UserProfile(**profile), role=UserRole(role), status=UserStatus(status),
        email_verified_at=email_verified_at, security=SecurityState(), deleted_at=deleted_at, version=version,
        created_at=created_at, updated_at=updated_at or created_at)
    return user.event_data()


def created(user_id: str, when: datetime, **fields: Any) -> dict[str, Any]:
    return pipeline.envelope(EventType.USER_CREATED.value, user_id, document(user_id, **fields), timestamp=when)


def updated(user_id: str, when: datetime, **fields: Any) -> dict[str, Any]:
    fields.setdefault("updated_at", when)
    return pipeline.envelope(EventType.USER_UPDATED.value, user_id, document(user_id, **fields), timestamp=when)


def deleted(user_id: str, when: datetime) -> dict[str, Any]:
    return pipeline.envelope(EventType.USER_DELETED.value, user_id, {"id": user_id}, timestamp=when)


def expected_row(envelope: dict[str, Any]) -> dict[str, Any]:
    """The row the doc's table gives for a user.created or user.updated envelope."""
    data = envelope["data"]

    def moment(value: str | None) -> datetime | None:
        return naive(datetime.fromisoformat(value)) if value else None

    return {"user_id": envelope["entity_id"], "email": data["contact_info"]["primary_email"],
            "phone": data["contact_info"]["phone"], "display_name": data["profile"]["display_name"],
            "avatar": data["profile"]["avatar"], "bio": data["profile"]["bio"], "role": data["role"],
            "status": data["status"], "email_verified_at": moment(data["email_verified_at"]),
            "version": data["version"], "deleted_at": moment(data["deleted_at"]),
            "created_at": moment(data["created_at"]), "updated_at": moment(data["updated_at"]),
            "event_id": envelope["event_id"], "event_timestamp": moment(envelope["timestamp"])}


# -- the service the tests share ----------------------------------------------------------

_SHARED: pipeline.AnalyticsService | None = None


def _handler_failed(service: pipeline.AnalyticsService) -> bool:
    return _failures(service) > 0


def _close_shared() -> None:
    global _SHARED
    if _SHARED is not None:
        _SHARED.close()
        _SHARED = None


atexit.register(_close_shared)


def shared_service() -> pipeline.AnalyticsService:
    """For the tests' ``replica`` fixture: the analytics service with the learner's
    ``users.py`` (the kit's stand-in consumer and connection), shared by the tests of one test
    process like the kit's ``analytics`` fixture, with two differences. When an earlier test
    left a handler failing, a fresh service (its own topics, group and database) replaces it:
    the stand-in consumer tries a failing event again for ever, and every later event would
    wait behind it. And when it is no longer running (on the embedded stack, starting any
    other service kills it), a fresh one replaces it too: started again in the same group, it
    would first wait for the broker to give up on the killed consumer (its session timeout)."""
    global _SHARED
    if _SHARED is not None and (not _SHARED.alive or _handler_failed(_SHARED)):
        _close_shared()
    if _SHARED is None:
        _SHARED = pipeline.AnalyticsService()
    if _SHARED.alive and not _SHARED.wait_consuming(1.0):
        return _SHARED
    try:
        _SHARED.start()  # the first time, or again when it never started consuming (a hang)
    except pipeline.ServiceDown as exc:
        pytest.fail(str(exc), pytrace=False)
    return _SHARED


# -- reading the table -----------------------------------------------------------------

def row(service: pipeline.AnalyticsService, user_id: str) -> dict[str, Any] | None:
    rows = service.mysql.query("SELECT * FROM users WHERE user_id = %s", (user_id,))
    return rows[0] if rows else None


def rows(service: pipeline.AnalyticsService, user_ids: list[str]) -> list[dict[str, Any]]:
    """Every column of these users' rows, ordered by user_id (a snapshot to compare)."""
    marks = ", ".join(["%s"] * len(user_ids))
    return service.mysql.query(f"SELECT * FROM users WHERE user_id IN ({marks}) ORDER BY user_id", list(user_ids))


def service_problem(service: pipeline.AnalyticsService) -> str:
    """The last error the service's log shows (a handler that raised), or its state, for a message."""
    if not service.alive:
        return f" The analytics service is not running ({service.exit_description()}): {service.reports()}"
    for line in reversed(service.log_lines()):
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception)\b.*:", line.strip()):
            return f" The service's log ends with a handler error: {line.strip()[:300]}"
    return ""


def _failures(service: pipeline.AnalyticsService) -> int:
    return sum(pipeline.HANDLER_FAILED in line for line in service.log_lines(limit=1 << 30))


def wait_row(service: pipeline.AnalyticsService, user_id: str, doing: str,
             until: Callable[[dict[str, Any]], bool] = lambda r: True, wanted: str = "a row") -> dict[str, Any]:
    """Wait for the user's row (and ``until(row)``); fail saying what the test did and what
    came back. It stops waiting early when the service ended, when its handler failed three
    times (the stand-in consumer would try that event for ever, and hold every later one), or
    when the service has taken every event sent (its consumer committed them all)."""
    started = time.monotonic()
    settled = False

    def handled_everything() -> bool:
        nonlocal settled
        settled = service.handled_everything()
        return settled

    found = service.mysql.wait_rows("SELECT * FROM users WHERE user_id = %s", (user_id,),
                                    until=lambda rows: bool(rows) and until(rows[0]), settled=handled_everything,
                                    stop=lambda: not service.alive or _failures(service) >= 3)
    if found and until(found[0]):
        return found[0]
    if not found:
        waited = (" once the service had taken every event sent" if settled
                  else f" within {pipeline.ROW_SECONDS} s" if time.monotonic() - started > pipeline.ROW_SECONDS
                  else "")
        raise AssertionError(f"{doing}: expected {wanted} in 'users' with user_id {user_id!r}{waited}, found "
                             f"none.{service_problem(service)}")
    raise AssertionError(f"{doing}: expected {wanted} in 'users' for user_id {user_id!r}, got "
                         f"{shown(found[0])}.{service_problem(service)}")


def settle(service: pipeline.AnalyticsService, doing: str) -> None:
    """Produce a user.created for a fresh user and wait for its row: the topic has one
    partition, so every event produced before it has been handled."""
    marker = pipeline.new_id()
    service.produce(created(marker, at(0)))
    wait_row(service, marker, f"{doing}, then a user.created of another user (to know the events before it "
                              "were handled)")


def differences(actual: dict[str, Any] | None, expected: dict[str, Any]) -> list[str]:
    if actual is None:
        return ["no row"]
    return [f"{c} expected {expected[c]!r}, got {actual.get(c, '(no such column)')!r}"
            for c in expected if actual.get(c) != expected[c]]


def same_row(actual: dict[str, Any] | None, expected: dict[str, Any], what: str) -> None:
    found = differences(actual, expected)
    if found:
        raise AssertionError(f"{what}: " + "; ".join(found))


def shown(found: dict[str, Any] | None) -> str:
    if found is None:
        return "no row"
    return "{" + ", ".join(f"{c}: {found[c]!r}" for c in COLUMNS if c in found) + "}"
