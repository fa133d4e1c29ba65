"""Suppliers in the analytics replica.

TASK M02 - you implement everything below. Read tasks/M02-mysql-suppliers.md first.
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
    """Exercise M02.1. The ``CREATE TABLE IF NOT EXISTS`` statements of the doc's tables
    (``suppliers`` and ``supplier_deletions``), in the order they can be created."""
    raise NotImplementedError("tables")


def supplier_row(envelope: dict[str, Any]) -> Row:
    """Exercise M02.2. The ``suppliers`` row an event's supplier document becomes: its four
    parts (contact, company with the business address, business info with the social
    links, status and verification) flattened into the doc's columns, ISO timestamps as
    naive UTC datetimes, and the event's own id and timestamp."""
    raise NotImplementedError("supplier_row")


def upsert_supplier(conn: Any, row: Row) -> None:
    """Exercise M02.3. Insert or update the supplier's row with one
    ``INSERT ... ON DUPLICATE KEY UPDATE``; an older event changes nothing, and a supplier
    the replica deleted is not brought back (M02.4)."""
    raise NotImplementedError("upsert_supplier")


def delete_supplier(conn: Any, supplier_id: str, deleted_at: Any, event_id: str) -> None:
    """Exercise M02.3. Delete the supplier's row (a hard delete) and record the deletion in
    ``supplier_deletions``, so that a late event cannot bring the row back."""
    raise NotImplementedError("delete_supplier")


def handlers() -> dict[str, Handler]:
    """Exercise M02.3. The handler of each supplier event: ``supplier.created``,
    ``supplier.updated`` and ``supplier.deleted``."""
    raise NotImplementedError("handlers")
