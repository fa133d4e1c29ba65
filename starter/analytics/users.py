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
    in a list), with the columns, types and indexes of the doc's table."""
    raise NotImplementedError("tables")


def user_row(envelope: dict[str, Any]) -> Row:
    """Exercise M01.2. The ``users`` row an event's user document becomes: every column of
    the doc's table, nested parts flattened, ISO timestamps as naive UTC datetimes, and the
    event's own id and timestamp."""
    raise NotImplementedError("user_row")


def upsert_user(conn: Any, row: Row) -> None:
    """Exercise M01.3. Insert the row, or update the user's row, with one
    ``INSERT ... ON DUPLICATE KEY UPDATE``; an event older than the row's
    ``event_timestamp`` changes nothing (M01.4)."""
    raise NotImplementedError("upsert_user")


def soft_delete_user(conn: Any, user_id: str, deleted_at: Any, event_id: str) -> None:
    """Exercise M01.3. Mark the user's row deleted at ``deleted_at`` (the event's timestamp,
    never the consumer's clock); see the doc for a user the replica has not seen yet."""
    raise NotImplementedError("soft_delete_user")


def handlers() -> dict[str, Handler]:
    """Exercise M01.3. The handler of each user event: ``user.created``,
    ``user.updated`` and ``user.deleted``."""
    raise NotImplementedError("handlers")
