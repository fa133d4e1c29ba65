"""Orders in the analytics replica.

TASK M07 - you implement everything below. Read tasks/M07-mysql-orders.md first.
Useful: shared.events.EventType, datetime.fromisoformat, json.dumps, the cursor of a
mysql-connector connection (``conn.cursor()``, ``execute``, ``executemany``, ``fetchall``).

The service creates ``tables()`` at start-up, registers ``handlers()`` with its consumer,
and calls each handler inside one transaction: ``handler(conn, envelope)``. The transaction
commits when the handler returns; do not commit or roll back yourself.
"""

from typing import Any, Callable

Row = dict[str, Any]
Handler = Callable[[Any, dict[str, Any]], None]


def tables() -> list[str]:
    """Exercise M07.1. The ``CREATE TABLE IF NOT EXISTS`` statements of the doc's two tables,
    ``orders`` first (the foreign key of ``order_items`` needs it); they run at every start
    of the service."""
    raise NotImplementedError("tables")


def order_row(envelope: dict[str, Any]) -> Row:
    """Exercise M07.2. The ``orders`` row an event's order document becomes: the customer and
    the shipping address flattened into the doc's columns, the money and the statuses, ISO
    timestamps as naive UTC datetimes, and the event's own id and timestamp."""
    raise NotImplementedError("order_row")


def item_rows(envelope: dict[str, Any]) -> list[Row]:
    """Exercise M07.2. The ``order_items`` rows of the event's order: one per item, in the
    order's order, the product snapshot flattened and its variant attributes as JSON text."""
    raise NotImplementedError("item_rows")


def upsert_order(conn: Any, row: Row) -> bool:
    """Exercise M07.3. Write the row with one ``INSERT ... ON DUPLICATE KEY UPDATE`` (every
    column replaced but ``order_id``, ``order_number`` and ``created_at``) and return True.
    Exercise M07.4: write nothing and return False when the row's ``event_timestamp`` is the
    same as the event's or newer."""
    raise NotImplementedError("upsert_order")


def replace_items(conn: Any, order_id: str, items: list[Row]) -> None:
    """Exercise M07.3. Make the order's rows in ``order_items`` exactly ``items``: delete every
    row of the order, then insert the new ones in one ``executemany``."""
    raise NotImplementedError("replace_items")


def cancel_order(conn: Any, order_number: str, reason: str | None, cancelled_at: Any, event_id: str) -> None:
    """Exercise M07.3. Mark the order with this ``order_number`` cancelled, with one
    ``UPDATE``: status, reason, ``cancelled_at`` and ``updated_at`` (the cancel event's
    timestamp as a naive UTC datetime, never the consumer's clock) and the event's columns.
    Exercise M07.4: only when the row's ``event_timestamp`` is older than the cancel's."""
    raise NotImplementedError("cancel_order")


def handlers() -> dict[str, Handler]:
    """Exercise M07.3. The handler of each order event: ``order.created``,
    ``order.confirmed`` and ``order.updated`` carry the whole order, ``order.cancelled`` its
    id, number and reason."""
    raise NotImplementedError("handlers")


def reports() -> dict[str, str]:
    """Exercise M07.5. The SQL of the data team's three order reports, by name:
    ``order_value_by_country``, ``top_products_by_units``, ``customer_running_totals``."""
    raise NotImplementedError("reports")
