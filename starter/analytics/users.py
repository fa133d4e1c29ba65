"""Users in the analytics replica.

TASK M01 - you implement everything below. Read tasks/M01-mysql-users.md first.
Useful: shared.events.EventType, datetime.fromisoformat, the cursor of a mysql-connector
connection (``conn.cursor(dictionary=True)``, ``execute``, ``fetchone``).

The service creates ``tables()`` at start-up, registers ``handlers()`` with its consumer,
and calls each handler inside one transaction: ``handler(conn, envelope)``. The transaction
commits when the handler returns; do not commit or roll back yourself.
"""

from typing import Any, Callable

Row = dict[str, Any]
Handler = Callable[[Any, dict[str, Any]], None]


def tables() -> list[str]:
    """Exercise M01.1. The ``CREATE TABLE IF NOT EXISTS users (...)`` statement (one string
    in a list): the columns, types and indexes of the doc's table, ``ENGINE=InnoDB DEFAULT
    CHARSET=utf8mb4``."""
    raise NotImplementedError("tables")


def user_row(envelope: dict[str, Any]) -> Row:
    """Exercise M01.2. The ``users`` row a ``user.created`` or ``user.updated`` becomes: one
    key per column of the doc's table, nested parts flattened, missing values None, times as
    naive UTC datetimes (microseconds kept), and the event's own id and timestamp."""
    raise NotImplementedError("user_row")


def upsert_user(conn: Any, row: Row) -> None:
    """Exercise M01.3. Insert the row, or update the user's row, with one
    ``INSERT ... ON DUPLICATE KEY UPDATE`` that changes every column but ``user_id`` and
    ``created_at``. Exercise M01.4: change nothing when the user's row in the table is
    deleted or holds a later ``event_timestamp`` than ``row``."""
    raise NotImplementedError("upsert_user")


def soft_delete_user(conn: Any, user_id: str, deleted_at: Any, event_id: str) -> None:
    """Exercise M01.3. Set the user's ``deleted_at`` (the delete event's timestamp, never the
    consumer's clock), ``event_id`` and ``event_timestamp``; a user the replica has never seen
    gets a tombstone row. Exercise M01.4: change nothing when the user's row is already
    deleted or holds a later ``event_timestamp`` than ``deleted_at``."""
    raise NotImplementedError("soft_delete_user")


def handlers() -> dict[str, Handler]:
    """Exercise M01.3. The handler of each user event, by event type: ``user.created`` and
    ``user.updated`` upsert ``user_row(envelope)``, ``user.deleted`` soft-deletes."""
    raise NotImplementedError("handlers")
