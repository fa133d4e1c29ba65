"""Products in the analytics replica.

TASK M04 - you implement everything below. Read tasks/M04-mysql-products.md first.
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

PRODUCTS_TABLE = """
CREATE TABLE IF NOT EXISTS products (
    product_id        VARCHAR(24)  NOT NULL,
    supplier_id       VARCHAR(24)  NOT NULL,
    supplier_name     VARCHAR(255) NOT NULL,
    name              VARCHAR(120) NOT NULL,
    short_description VARCHAR(300) NOT NULL,
    category          VARCHAR(20)  NOT NULL,
    unit_type         VARCHAR(10)  NOT NULL,
    base_sku          VARCHAR(40)  NOT NULL,
    brand             VARCHAR(80)  NULL,
    base_price_cents  INT          NOT NULL,
    primary_image_url VARCHAR(500) NULL,
    status            VARCHAR(20)  NOT NULL,
    view_count        INT          NOT NULL,
    favorite_count    INT          NOT NULL,
    purchase_count    INT          NOT NULL,
    total_reviews     INT          NOT NULL,
    published_at      DATETIME(6)  NULL,
    created_at        DATETIME(6)  NOT NULL,
    updated_at        DATETIME(6)  NOT NULL,
    event_id          VARCHAR(36)  NOT NULL,
    event_timestamp   DATETIME(6)  NOT NULL,
    PRIMARY KEY (product_id),
    INDEX idx_products_supplier (supplier_id, status),
    INDEX idx_products_category (category, base_price_cents)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
"""

VARIANTS_TABLE = """
CREATE TABLE IF NOT EXISTS product_variants (
    id           BIGINT       NOT NULL AUTO_INCREMENT,
    product_id   VARCHAR(24)  NOT NULL,
    variant_key  VARCHAR(40)  NOT NULL,
    variant_name VARCHAR(80)  NOT NULL,
    attributes   JSON         NOT NULL,
    price_cents  INT          NOT NULL,
    cost_cents   INT          NULL,
    quantity     INT          NOT NULL,
    width_cm     DOUBLE       NULL,
    height_cm    DOUBLE       NULL,
    depth_cm     DOUBLE       NULL,
    image_url    VARCHAR(500) NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uniq_product_variant (product_id, variant_key),
    CONSTRAINT fk_variants_product FOREIGN KEY (product_id) REFERENCES products (product_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
"""

DELETIONS_TABLE = """
CREATE TABLE IF NOT EXISTS product_deletions (
    product_id VARCHAR(24) NOT NULL,
    deleted_at DATETIME(6) NOT NULL,
    event_id   VARCHAR(36) NOT NULL,
    PRIMARY KEY (product_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
"""

COLUMNS = (
    "product_id", "supplier_id", "supplier_name", "name", "short_description", "category", "unit_type",
    "base_sku", "brand", "base_price_cents", "primary_image_url", "status", "view_count", "favorite_count",
    "purchase_count", "total_reviews", "published_at", "created_at", "updated_at", "event_id", "event_timestamp",
)
VARIANT_COLUMNS = (
    "product_id", "variant_key", "variant_name", "attributes", "price_cents", "cost_cents", "quantity",
    "width_cm", "height_cm", "depth_cm", "image_url",
)

UPSERT = (
    f"INSERT INTO products ({', '.join(COLUMNS)}) "
    f"VALUES ({', '.join(f'%({c})s' for c in COLUMNS)}) "
    "ON DUPLICATE KEY UPDATE "
    + ", ".join(f"{c} = VALUES({c})" for c in COLUMNS if c not in ("product_id", "created_at"))
)
INSERT_VARIANT = (f"INSERT INTO product_variants ({', '.join(VARIANT_COLUMNS)}) "
                  f"VALUES ({', '.join(f'%({c})s' for c in VARIANT_COLUMNS)})")

SUPPLIERS_WITH_MOST_PRODUCTS = """
SELECT supplier_id,
       COUNT(*) AS products,
       SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END) AS active_products
FROM products
GROUP BY supplier_id
ORDER BY products DESC, supplier_id
LIMIT %(limit)s
"""

STOCK_BY_CATEGORY = """
SELECT p.category,
       COUNT(DISTINCT p.product_id) AS products,
       COALESCE(SUM(v.quantity), 0) AS units,
       COALESCE(SUM(v.quantity * v.price_cents), 0) AS stock_value_cents
FROM products AS p
LEFT JOIN product_variants AS v ON v.product_id = p.product_id
WHERE p.status = 'active'
GROUP BY p.category
ORDER BY p.category
"""

PRICE_RANK_IN_CATEGORY = """
SELECT category, product_id, name, base_price_cents, price_rank
FROM (
    SELECT category, product_id, name, base_price_cents,
           RANK() OVER (PARTITION BY category ORDER BY base_price_cents DESC) AS price_rank
    FROM products
    WHERE status = 'active'
) AS ranked
WHERE price_rank <= %(top)s
ORDER BY category, price_rank, product_id
"""


def tables() -> list[str]:
    """Exercise M04.1. The ``CREATE TABLE IF NOT EXISTS`` statements of the doc's three tables,
    in this order: ``products``, ``product_variants`` (its foreign key needs ``products``),
    ``product_deletions``; they run at every start of the service."""
    return [PRODUCTS_TABLE, VARIANTS_TABLE, DELETIONS_TABLE]


def _utc(value: Any) -> datetime | None:
    """An ISO 8601 string as a naive UTC datetime (no offset: already UTC); None stays None."""
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def product_row(envelope: dict[str, Any]) -> Row:
    """Exercise M04.2. The ``products`` row an event's product document becomes: the
    supplier's name, the metadata and the stats flattened into the doc's columns, ISO
    timestamps as naive UTC datetimes, and the event's own id and timestamp."""
    data = envelope.get("data") or {}
    metadata = data.get("metadata") or {}
    stats = data.get("stats") or {}
    return {
        "product_id": str(envelope["entity_id"]),
        "supplier_id": data.get("supplier_id"),
        "supplier_name": (data.get("supplier_info") or {}).get("name"),
        "name": data.get("name"),
        "short_description": data.get("short_description"),
        "category": data.get("category"),
        "unit_type": data.get("unit_type"),
        "base_sku": metadata.get("base_sku"),
        "brand": metadata.get("brand"),
        "base_price_cents": data.get("base_price_cents"),
        "primary_image_url": data.get("primary_image_url"),
        "status": data.get("status"),
        "view_count": stats.get("view_count", 0),
        "favorite_count": stats.get("favorite_count", 0),
        "purchase_count": stats.get("purchase_count", 0),
        "total_reviews": stats.get("total_reviews", 0),
        "published_at": _utc(data.get("published_at")),
        "created_at": _utc(data.get("created_at")),
        "updated_at": _utc(data.get("updated_at")),
        "event_id": envelope["event_id"],
        "event_timestamp": _utc(envelope["timestamp"]),
    }


def variant_rows(envelope: dict[str, Any]) -> list[Row]:
    """Exercise M04.2. The ``product_variants`` rows of the event's product: one per entry of
    its ``variants`` map (the key is ``variant_key``), in the map's order, the attributes as
    a JSON text and the package dimensions as three numbers (None when there are none)."""
    data = envelope.get("data") or {}
    rows = []
    for key, variant in (data.get("variants") or {}).items():
        dimensions = variant.get("package_dimensions") or {}
        rows.append({
            "product_id": str(envelope["entity_id"]),
            "variant_key": key,
            "variant_name": variant.get("variant_name"),
            "attributes": json.dumps(variant.get("attributes") or []),
            "price_cents": variant.get("price_cents"),
            "cost_cents": variant.get("cost_cents"),
            "quantity": variant.get("quantity", 0),
            "width_cm": dimensions.get("width_cm"),
            "height_cm": dimensions.get("height_cm"),
            "depth_cm": dimensions.get("depth_cm"),
            "image_url": variant.get("image_url"),
        })
    return rows


def upsert_product(conn: Any, row: Row) -> bool:
    """Exercise M04.3. Write the row with one ``INSERT ... ON DUPLICATE KEY UPDATE`` (every
    column replaced but ``product_id`` and ``created_at``) and return True. Exercise M04.4:
    write nothing and return False when the product is listed in ``product_deletions`` or
    when the row's ``event_timestamp`` is the same as the event's or newer."""
    cursor = conn.cursor()
    cursor.execute("SELECT product_id FROM product_deletions WHERE product_id = %s", (row["product_id"],))
    if cursor.fetchall():
        return False  # deleted for good: nothing brings it back
    cursor.execute("SELECT event_timestamp FROM products WHERE product_id = %s FOR UPDATE", (row["product_id"],))
    found = cursor.fetchall()
    if found and found[0][0] >= row["event_timestamp"]:
        return False  # an older event, or this one again: the row (and its variants) stay
    cursor.execute(UPSERT, row)
    return True


def replace_variants(conn: Any, product_id: str, variants: list[Row]) -> None:
    """Exercise M04.3. Make the product's rows in ``product_variants`` exactly ``variants``:
    delete every row of the product, then insert the new ones in one ``executemany`` (none
    when the list is empty)."""
    cursor = conn.cursor()
    cursor.execute("DELETE FROM product_variants WHERE product_id = %s", (product_id,))
    if variants:
        cursor.executemany(INSERT_VARIANT, variants)


def delete_product(conn: Any, product_id: str, deleted_at: Any, event_id: str) -> None:
    """Exercise M04.3. Delete the product's row (a hard delete: its variants go with it, by
    the foreign key's cascade) and record the deletion in ``product_deletions``
    (``deleted_at``: the delete event's timestamp as a naive UTC datetime, never the
    consumer's clock). Exercise M04.4: the same delete again leaves both tables as they are."""
    cursor = conn.cursor()
    cursor.execute("DELETE FROM products WHERE product_id = %s", (product_id,))
    cursor.execute("INSERT INTO product_deletions (product_id, deleted_at, event_id) VALUES (%s, %s, %s) "
                   "ON DUPLICATE KEY UPDATE product_id = product_id", (product_id, deleted_at, event_id))


def _on_change(conn: Any, envelope: dict[str, Any]) -> None:
    row = product_row(envelope)
    if upsert_product(conn, row):
        replace_variants(conn, row["product_id"], variant_rows(envelope))


def _on_delete(conn: Any, envelope: dict[str, Any]) -> None:
    delete_product(conn, str(envelope["entity_id"]), _utc(envelope["timestamp"]), envelope["event_id"])


def handlers() -> dict[str, Handler]:
    """Exercise M04.3. The handler of each of the seven product events: six carry the whole
    product (created, updated, published, discontinued, out_of_stock, restored), the
    seventh (``product.deleted``) only its id."""
    found: dict[str, Handler] = {event.value: _on_change for event in EventType
                                 if event.topic == "product" and event is not EventType.PRODUCT_DELETED}
    found[EventType.PRODUCT_DELETED.value] = _on_delete
    return found


def reports() -> dict[str, str]:
    """Exercise M04.5. The SQL of the data team's three product reports, by name:
    ``suppliers_with_most_products``, ``stock_by_category``, ``price_rank_in_category``."""
    return {
        "suppliers_with_most_products": SUPPLIERS_WITH_MOST_PRODUCTS,
        "stock_by_category": STOCK_BY_CATEGORY,
        "price_rank_in_category": PRICE_RANK_IN_CATEGORY,
    }
