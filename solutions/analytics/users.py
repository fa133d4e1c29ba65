"""Users in the analytics replica.

TASK M01 - you implement everything below. Read tasks/M01-mysql-users.md first.
Useful: shared.events.EventType, datetime.fromisoformat, the cursor of a mysql-connector
connection (``conn.cursor(dictionary=True)``, ``execute``, ``fetchone``).

The service creates ``tables()`` at start-up, registers ``handlers()`` with its consumer,
and calls each handler inside one transaction: ``handler(conn, envelope)``. The transaction
commits when the handler returns; do not commit or roll back yourself.
"""

from datetime import datetime, timezone
from typing import Any, Callable

from shared.events import EventType

Row = dict[str, Any]
Handler = Callable[[Any, dict[str, Any]], None]

# The columns of ``users``, in the order of the doc's table.
COLUMNS = ("user_id", "email", "phone", "display_name", "avatar", "bio", "role", "status", "email_verified_at",
           "version", "deleted_at", "created_at", "updated_at", "event_id", "event_timestamp")
# What a newer event may change: everything but the key and the first created_at.
CHANGEABLE = tuple(c for c in COLUMNS if c not in ("user_id", "created_at"))

USERS = """
CREATE TABLE IF NOT EXISTS users (
    user_id           VARCHAR(24)  NOT NULL,
    email             VARCHAR(255) NULL,
    phone             VARCHAR(50)  NULL,
    display_name      VARCHAR(255) NULL,
    avatar            VARCHAR(500) NULL,
    bio               TEXT         NULL,
    role              VARCHAR(20)  NULL,
    status            VARCHAR(20)  NULL,
    email_verified_at DATETIME(6)  NULL,
    version           INT          NULL,
    deleted_at        DATETIME(6)  NULL,
    created_at        DATETIME(6)  NULL,
    updated_at        DATETIME(6)  NULL,
    event_id          VARCHAR(36)  NOT NULL,
    event_timestamp   DATETIME(6)  NOT NULL,
    PRIMARY KEY (user_id),
    INDEX idx_users_email (email),
    INDEX idx_users_created_at (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
"""


def tables() -> list[str]:
    """Exercise M01.1. The ``CREATE TABLE IF NOT EXISTS users (...)`` statement (one string
    in a list): the columns, types and indexes of the doc's table, ``ENGINE=InnoDB DEFAULT
    CHARSET=utf8mb4``."""
    return [USERS]


def _utc(value: Any) -> datetime | None:
    """An ISO 8601 string (or a datetime) as a naive UTC datetime, for a DATETIME(6) column."""
    if value is None or value == "":
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def user_row(envelope: dict[str, Any]) -> Row:
    """Exercise M01.2. The ``users`` row a ``user.created`` or ``user.updated`` becomes: one
    key per column of the doc's table, nested parts flattened, missing values None, times as
    naive UTC datetimes (microseconds kept), and the event's own id and timestamp."""
    data = envelope.get("data") or {}
    contact = data.get("contact_info") or {}
    profile = data.get("profile") or {}
    return {
        "user_id": str(envelope["entity_id"]),
        "email": contact.get("primary_email"),
        "phone": contact.get("phone"),
        "display_name": profile.get("display_name"),
        "avatar": profile.get("avatar"),
        "bio": profile.get("bio"),
        "role": data.get("role"),
        "status": data.get("status"),
        "email_verified_at": _utc(data.get("email_verified_at")),
        "version": data.get("version"),
        "deleted_at": _utc(data.get("deleted_at")),
        "created_at": _utc(data.get("created_at")),
        "updated_at": _utc(data.get("updated_at")),
        "event_id": str(envelope["event_id"]),
        "event_timestamp": _utc(envelope["timestamp"]),
    }


def _guard(conn: Any, user_id: str) -> Row | None:
    """The row's event_timestamp and deleted_at, locked until the transaction ends (None: no row)."""
    cursor = conn.cursor(dictionary=True)
    try:
        cursor.execute("SELECT event_timestamp, deleted_at FROM users WHERE user_id = %s FOR UPDATE", (user_id,))
        return cursor.fetchone()
    finally:
        cursor.close()


def _ignored(current: Row | None, event_timestamp: datetime) -> bool:
    """True when the row already holds a newer event, or the user is deleted (deletes are final)."""
    if current is None:
        return False
    return current["deleted_at"] is not None or event_timestamp < current["event_timestamp"]


def upsert_user(conn: Any, row: Row) -> None:
    """Exercise M01.3. Insert the row, or update the user's row, with one
    ``INSERT ... ON DUPLICATE KEY UPDATE`` that changes every column but ``user_id`` and
    ``created_at``. Exercise M01.4: change nothing when the user's row in the table is
    deleted or holds a later ``event_timestamp`` than ``row``."""
    if _ignored(_guard(conn, row["user_id"]), row["event_timestamp"]):
        return
    names = ", ".join(COLUMNS)
    places = ", ".join(["%s"] * len(COLUMNS))
    changes = ", ".join(f"{c} = VALUES({c})" for c in CHANGEABLE)
    cursor = conn.cursor()
    try:
        cursor.execute(f"INSERT INTO users ({names}) VALUES ({places}) ON DUPLICATE KEY UPDATE {changes}",
                       [row[c] for c in COLUMNS])
    finally:
        cursor.close()


def soft_delete_user(conn: Any, user_id: str, deleted_at: Any, event_id: str) -> None:
    """Exercise M01.3. Set the user's ``deleted_at`` (the delete event's timestamp, never the
    consumer's clock), ``event_id`` and ``event_timestamp``; a user the replica has never seen
    gets a tombstone row. Exercise M01.4: change nothing when the user's row is already
    deleted or holds a later ``event_timestamp`` than ``deleted_at``."""
    current = _guard(conn, user_id)
    if _ignored(current, deleted_at):
        return
    cursor = conn.cursor()
    try:
        if current is None:
            cursor.execute("INSERT INTO users (user_id, deleted_at, event_id, event_timestamp) VALUES (%s, %s, %s, %s)",
                           (user_id, deleted_at, event_id, deleted_at))
        else:
            cursor.execute("UPDATE users SET deleted_at = %s, event_id = %s, event_timestamp = %s WHERE user_id = %s",
                           (deleted_at, event_id, deleted_at, user_id))
    finally:
        cursor.close()


def _document_event(conn: Any, envelope: dict[str, Any]) -> None:
    upsert_user(conn, user_row(envelope))


def _delete_event(conn: Any, envelope: dict[str, Any]) -> None:
    soft_delete_user(conn, str(envelope["entity_id"]), _utc(envelope["timestamp"]), str(envelope["event_id"]))


def handlers() -> dict[str, Handler]:
    """Exercise M01.3. The handler of each user event, by event type: ``user.created`` and
    ``user.updated`` upsert ``user_row(envelope)``, ``user.deleted`` soft-deletes."""
    return {
        EventType.USER_CREATED.value: _document_event,
        EventType.USER_UPDATED.value: _document_event,
        EventType.USER_DELETED.value: _delete_event,
    }
