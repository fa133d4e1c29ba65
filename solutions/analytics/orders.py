"""Orders in the analytics replica.

TASK M07 - you implement everything below. Read tasks/M07-mysql-orders.md first.
Useful: shared.events.EventType, datetime.fromisoformat, json.dumps, the cursor of a
mysql-connector connection (``conn.cursor()``, ``execute``, ``executemany``, ``fetchall``).

The service creates ``tables()`` at start-up, registers ``handlers()`` with its consumer,
and calls each handler inside one transaction: ``handler(conn, envelope)``. The transaction
commits when the handler returns; do not commit or roll back yourself.
"""

import json
from datetime import datetime, timezone
from typing import Any, Callable

from shared.events import EventType

Row = dict[str, Any]
Handler = Callable[[Any, dict[str, Any]], None]

ORDERS_TABLE = """
CREATE TABLE IF NOT EXISTS orders (
    order_id                  VARCHAR(24)  NOT NULL,
    order_number              VARCHAR(20)  NOT NULL,
    customer_user_id          VARCHAR(24)  NOT NULL,
    customer_display_name     VARCHAR(100) NOT NULL,
    customer_email            VARCHAR(255) NOT NULL,
    customer_phone            VARCHAR(40)  NULL,
    shipping_recipient_name   VARCHAR(120) NOT NULL,
    shipping_phone            VARCHAR(40)  NULL,
    shipping_street_address_1 VARCHAR(200) NOT NULL,
    shipping_street_address_2 VARCHAR(200) NULL,
    shipping_city             VARCHAR(80)  NOT NULL,
    shipping_state            VARCHAR(80)  NULL,
    shipping_zip_code         VARCHAR(20)  NOT NULL,
    shipping_country          CHAR(2)      NOT NULL,
    subtotal_cents            BIGINT       NOT NULL,
    tax_cents                 BIGINT       NOT NULL,
    shipping_cents            BIGINT       NOT NULL,
    total_cents               BIGINT       NOT NULL,
    flagged_for_review        BOOLEAN      NOT NULL,
    status                    VARCHAR(20)  NOT NULL,
    cancellation_reason       VARCHAR(500) NULL,
    confirmed_at              DATETIME(6)  NULL,
    cancelled_at              DATETIME(6)  NULL,
    created_at                DATETIME(6)  NOT NULL,
    updated_at                DATETIME(6)  NOT NULL,
    event_id                  VARCHAR(36)  NOT NULL,
    event_timestamp           DATETIME(6)  NOT NULL,
    PRIMARY KEY (order_id),
    UNIQUE KEY uniq_order_number (order_number),
    INDEX idx_orders_customer (customer_user_id, created_at),
    INDEX idx_orders_status (status, created_at),
    INDEX idx_orders_country (shipping_country, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
"""

ITEMS_TABLE = """
CREATE TABLE IF NOT EXISTS order_items (
    id                 BIGINT       NOT NULL AUTO_INCREMENT,
    order_id           VARCHAR(24)  NOT NULL,
    item_id            VARCHAR(20)  NOT NULL,
    product_id         VARCHAR(24)  NOT NULL,
    supplier_id        VARCHAR(24)  NOT NULL,
    product_name       VARCHAR(120) NOT NULL,
    supplier_name      VARCHAR(255) NOT NULL,
    variant_key        VARCHAR(40)  NOT NULL,
    variant_name       VARCHAR(80)  NOT NULL,
    variant_attributes JSON         NOT NULL,
    image_url          VARCHAR(500) NULL,
    quantity           INT          NOT NULL,
    unit_price_cents   INT          NOT NULL,
    promotion_id       VARCHAR(24)  NULL,
    discount_percent   INT          NOT NULL,
    final_price_cents  INT          NOT NULL,
    total_cents        BIGINT       NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uniq_order_item (order_id, item_id),
    INDEX idx_items_product (product_id),
    INDEX idx_items_supplier (supplier_id),
    CONSTRAINT fk_items_order FOREIGN KEY (order_id) REFERENCES orders (order_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
"""

COLUMNS = (
    "order_id", "order_number", "customer_user_id", "customer_display_name", "customer_email", "customer_phone",
    "shipping_recipient_name", "shipping_phone", "shipping_street_address_1", "shipping_street_address_2",
    "shipping_city", "shipping_state", "shipping_zip_code", "shipping_country", "subtotal_cents", "tax_cents",
    "shipping_cents", "total_cents", "flagged_for_review", "status", "cancellation_reason", "confirmed_at",
    "cancelled_at", "created_at", "updated_at", "event_id", "event_timestamp",
)
ITEM_COLUMNS = (
    "order_id", "item_id", "product_id", "supplier_id", "product_name", "supplier_name", "variant_key",
    "variant_name", "variant_attributes", "image_url", "quantity", "unit_price_cents", "promotion_id",
    "discount_percent", "final_price_cents", "total_cents",
)
_KEPT = ("order_id", "order_number", "created_at")

UPSERT = (
    f"INSERT INTO orders ({', '.join(COLUMNS)}) "
    f"VALUES ({', '.join(f'%({c})s' for c in COLUMNS)}) "
    "ON DUPLICATE KEY UPDATE " + ", ".join(f"{c} = VALUES({c})" for c in COLUMNS if c not in _KEPT)
)
INSERT_ITEM = (f"INSERT INTO order_items ({', '.join(ITEM_COLUMNS)}) "
               f"VALUES ({', '.join(f'%({c})s' for c in ITEM_COLUMNS)})")
CANCEL = (
    "UPDATE orders SET status = 'cancelled', cancellation_reason = %(reason)s, cancelled_at = %(at)s, "
    "updated_at = %(at)s, event_id = %(event_id)s, event_timestamp = %(at)s "
    "WHERE order_number = %(order_number)s AND event_timestamp < %(at)s"
)

ORDER_VALUE_BY_COUNTRY = """
SELECT shipping_country,
       COUNT(*) AS orders,
       SUM(total_cents) AS revenue_cents,
       ROUND(AVG(total_cents)) AS average_order_cents
FROM orders
WHERE status <> 'cancelled'
GROUP BY shipping_country
ORDER BY revenue_cents DESC, shipping_country
"""

TOP_PRODUCTS_BY_UNITS = """
SELECT i.product_id,
       SUM(i.quantity) AS units,
       SUM(i.total_cents) AS revenue_cents,
       COUNT(DISTINCT i.order_id) AS orders
FROM order_items AS i
JOIN orders AS o ON o.order_id = i.order_id
WHERE o.status <> 'cancelled'
GROUP BY i.product_id
ORDER BY units DESC, i.product_id
LIMIT %(limit)s
"""

CUSTOMER_RUNNING_TOTALS = """
SELECT customer_user_id, order_number,
       ROW_NUMBER() OVER (PARTITION BY customer_user_id ORDER BY created_at, order_id) AS nth_order,
       SUM(total_cents) OVER (PARTITION BY customer_user_id ORDER BY created_at, order_id
                              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_total_cents
FROM orders
WHERE status <> 'cancelled'
ORDER BY customer_user_id, nth_order
"""


def tables() -> list[str]:
    """Exercise M07.1. The ``CREATE TABLE IF NOT EXISTS`` statements of the doc's two tables,
    ``orders`` first (the foreign key of ``order_items`` needs it); they run at every start
    of the service."""
    return [ORDERS_TABLE, ITEMS_TABLE]


def _utc(value: Any) -> datetime | None:
    """An ISO 8601 string as a naive UTC datetime (no offset: already UTC); None stays None."""
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def order_row(envelope: dict[str, Any]) -> Row:
    """Exercise M07.2. The ``orders`` row an event's order document becomes: the customer and
    the shipping address flattened into the doc's columns, the money and the statuses, ISO
    timestamps as naive UTC datetimes, and the event's own id and timestamp."""
    data = envelope.get("data") or {}
    customer = data.get("customer") or {}
    address = data.get("shipping_address") or {}
    return {
        "order_id": str(envelope["entity_id"]),
        "order_number": data.get("order_number"),
        "customer_user_id": customer.get("user_id"),
        "customer_display_name": customer.get("display_name"),
        "customer_email": customer.get("email"),
        "customer_phone": customer.get("phone"),
        "shipping_recipient_name": address.get("recipient_name"),
        "shipping_phone": address.get("phone"),
        "shipping_street_address_1": address.get("street_address_1"),
        "shipping_street_address_2": address.get("street_address_2"),
        "shipping_city": address.get("city"),
        "shipping_state": address.get("state"),
        "shipping_zip_code": address.get("zip_code"),
        "shipping_country": address.get("country"),
        "subtotal_cents": data.get("subtotal_cents"),
        "tax_cents": data.get("tax_cents"),
        "shipping_cents": data.get("shipping_cents"),
        "total_cents": data.get("total_cents"),
        "flagged_for_review": bool(data.get("flagged_for_review")),
        "status": data.get("status"),
        "cancellation_reason": data.get("cancellation_reason"),
        "confirmed_at": _utc(data.get("confirmed_at")),
        "cancelled_at": _utc(data.get("cancelled_at")),
        "created_at": _utc(data.get("created_at")),
        "updated_at": _utc(data.get("updated_at")),
        "event_id": envelope["event_id"],
        "event_timestamp": _utc(envelope["timestamp"]),
    }


def item_rows(envelope: dict[str, Any]) -> list[Row]:
    """Exercise M07.2. The ``order_items`` rows of the event's order: one per item, in the
    order's order, the product snapshot flattened and its variant attributes as JSON text."""
    data = envelope.get("data") or {}
    rows = []
    for item in data.get("items") or []:
        snapshot = item.get("product_snapshot") or {}
        rows.append({
            "order_id": str(envelope["entity_id"]),
            "item_id": item.get("item_id"),
            "product_id": snapshot.get("product_id"),
            "supplier_id": snapshot.get("supplier_id"),
            "product_name": snapshot.get("product_name"),
            "supplier_name": snapshot.get("supplier_name"),
            "variant_key": snapshot.get("variant_key"),
            "variant_name": snapshot.get("variant_name"),
            "variant_attributes": json.dumps(snapshot.get("variant_attributes") or {}),
            "image_url": snapshot.get("image_url"),
            "quantity": item.get("quantity"),
            "unit_price_cents": item.get("unit_price_cents"),
            "promotion_id": item.get("promotion_id"),
            "discount_percent": item.get("discount_percent", 0),
            "final_price_cents": item.get("final_price_cents"),
            "total_cents": item.get("total_cents"),
        })
    return rows


def upsert_order(conn: Any, row: Row) -> bool:
    """Exercise M07.3. Write the row with one ``INSERT ... ON DUPLICATE KEY UPDATE`` (every
    column replaced but ``order_id``, ``order_number`` and ``created_at``) and return True.
    Exercise M07.4: write nothing and return False when the row's ``event_timestamp`` is the
    same as the event's or newer."""
    cursor = conn.cursor()
    cursor.execute("SELECT event_timestamp FROM orders WHERE order_id = %s FOR UPDATE", (row["order_id"],))
    found = cursor.fetchall()
    if found and found[0][0] >= row["event_timestamp"]:
        return False  # an older event, or this one again: the row (and its items) stay
    cursor.execute(UPSERT, row)
    return True


def replace_items(conn: Any, order_id: str, items: list[Row]) -> None:
    """Exercise M07.3. Make the order's rows in ``order_items`` exactly ``items``: delete every
    row of the order, then insert the new ones in one ``executemany``."""
    cursor = conn.cursor()
    cursor.execute("DELETE FROM order_items WHERE order_id = %s", (order_id,))
    if items:
        cursor.executemany(INSERT_ITEM, items)


def cancel_order(conn: Any, order_number: str, reason: str | None, cancelled_at: Any, event_id: str) -> None:
    """Exercise M07.3. Mark the order with this ``order_number`` cancelled, with one
    ``UPDATE``: status, reason, ``cancelled_at`` and ``updated_at`` (the cancel event's
    timestamp as a naive UTC datetime, never the consumer's clock) and the event's columns.
    Exercise M07.4: only when the row's ``event_timestamp`` is older than the cancel's."""
    conn.cursor().execute(CANCEL, {"reason": reason, "at": cancelled_at, "event_id": event_id,
                                   "order_number": order_number})


def _on_change(conn: Any, envelope: dict[str, Any]) -> None:
    row = order_row(envelope)
    if upsert_order(conn, row):
        replace_items(conn, row["order_id"], item_rows(envelope))


def _on_cancel(conn: Any, envelope: dict[str, Any]) -> None:
    data = envelope.get("data") or {}
    cancel_order(conn, data["order_number"], data.get("reason"), _utc(envelope["timestamp"]), envelope["event_id"])


def handlers() -> dict[str, Handler]:
    """Exercise M07.3. The handler of each order event: ``order.created``,
    ``order.confirmed`` and ``order.updated`` carry the whole order, ``order.cancelled`` its
    id, number and reason."""
    return {
        EventType.ORDER_CREATED.value: _on_change,
        EventType.ORDER_CONFIRMED.value: _on_change,
        EventType.ORDER_UPDATED.value: _on_change,
        EventType.ORDER_CANCELLED.value: _on_cancel,
    }


def reports() -> dict[str, str]:
    """Exercise M07.5. The SQL of the data team's three order reports, by name:
    ``order_value_by_country``, ``top_products_by_units``, ``customer_running_totals``."""
    return {
        "order_value_by_country": ORDER_VALUE_BY_COUNTRY,
        "top_products_by_units": TOP_PRODUCTS_BY_UNITS,
        "customer_running_totals": CUSTOMER_RUNNING_TOTALS,
    }
