"""Suppliers in the analytics replica.

TASK M02 - you implement everything below. Read tasks/M02-mysql-suppliers.md first.
Useful: shared.events.EventType, datetime.fromisoformat, the cursor of a mysql-connector
connection (``conn.cursor()``, ``execute``, ``fetchall``).

The service creates ``tables()`` at start-up, registers ``handlers()`` with its consumer,
and calls each handler inside one transaction: ``handler(conn, envelope)``. The transaction
commits when the handler returns; do not commit or roll back yourself.
"""

from typing import Any, Callable

Row = dict[str, Any]
Handler = Callable[[Any, dict[str, Any]], None]


def tables() -> list[str]:
    """Exercise M02.1. The ``CREATE TABLE IF NOT EXISTS`` statements of the doc's two tables,
    ``suppliers`` first, then ``supplier_deletions``; they run at every start of the service."""
    raise NotImplementedError("tables")


def supplier_row(envelope: dict[str, Any]) -> Row:
    """Exercise M02.2. The ``suppliers`` row an event's supplier document becomes: its four
    parts (contact, company with the business address, business info with the social
    links, status and verification) flattened into the doc's columns, ISO timestamps as
    naive UTC datetimes, and the event's own id and timestamp."""
    raise NotImplementedError("supplier_row")


def upsert_supplier(conn: Any, row: Row) -> None:
    """Exercise M02.3. Write the row with one ``INSERT ... ON DUPLICATE KEY UPDATE``: a new
    supplier gets its row; a known one gets every column replaced but ``supplier_id`` and
    ``created_at``. Exercise M02.4: an event older than the row's ``event_timestamp`` changes
    nothing, and a supplier listed in ``supplier_deletions`` gets no row (deletion is final)."""
    raise NotImplementedError("upsert_supplier")


def delete_supplier(conn: Any, supplier_id: str, deleted_at: Any, event_id: str) -> None:
    """Exercise M02.3. Delete the supplier's row (a hard delete) and record the deletion in
    ``supplier_deletions`` (``deleted_at``: the delete event's timestamp as a naive UTC
    datetime, never the consumer's clock), so that a late event cannot bring the row back.
    Exercise M02.4: the same delete again, or a second one, leaves both tables as they are."""
    raise NotImplementedError("delete_supplier")


def handlers() -> dict[str, Handler]:
    """Exercise M02.3. The handler of each supplier event: ``supplier.created``,
    ``supplier.updated`` and ``supplier.deleted``."""
    raise NotImplementedError("handlers")
