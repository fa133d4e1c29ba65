"""Products in the analytics replica.

TASK M04 - you implement everything below. Read tasks/M04-mysql-products.md first.
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
    """Exercise M04.1. The ``CREATE TABLE IF NOT EXISTS`` statements of the doc's three tables,
    in this order: ``products``, ``product_variants`` (its foreign key needs ``products``),
    ``product_deletions``; they run at every start of the service."""
    raise NotImplementedError("tables")


def product_row(envelope: dict[str, Any]) -> Row:
    """Exercise M04.2. The ``products`` row an event's product document becomes: the
    supplier's name, the metadata and the stats flattened into the doc's columns, ISO
    timestamps as naive UTC datetimes, and the event's own id and timestamp."""
    raise NotImplementedError("product_row")


def variant_rows(envelope: dict[str, Any]) -> list[Row]:
    """Exercise M04.2. The ``product_variants`` rows of the event's product: one per entry of
    its ``variants`` map (the key is ``variant_key``), in the map's order, the attributes as
    a JSON text and the package dimensions as three numbers (None when there are none)."""
    raise NotImplementedError("variant_rows")


def upsert_product(conn: Any, row: Row) -> bool:
    """Exercise M04.3. Write the row with one ``INSERT ... ON DUPLICATE KEY UPDATE`` (every
    column replaced but ``product_id`` and ``created_at``) and return True. Exercise M04.4:
    write nothing and return False when the product is listed in ``product_deletions`` or
    when the row's ``event_timestamp`` is the same as the event's or newer."""
    raise NotImplementedError("upsert_product")


def replace_variants(conn: Any, product_id: str, variants: list[Row]) -> None:
    """Exercise M04.3. Make the product's rows in ``product_variants`` exactly ``variants``:
    delete every row of the product, then insert the new ones in one ``executemany`` (none
    when the list is empty)."""
    raise NotImplementedError("replace_variants")


def delete_product(conn: Any, product_id: str, deleted_at: Any, event_id: str) -> None:
    """Exercise M04.3. Delete the product's row (a hard delete: its variants go with it, by
    the foreign key's cascade) and record the deletion in ``product_deletions``
    (``deleted_at``: the delete event's timestamp as a naive UTC datetime, never the
    consumer's clock). Exercise M04.4: the same delete again leaves both tables as they are."""
    raise NotImplementedError("delete_product")


def handlers() -> dict[str, Handler]:
    """Exercise M04.3. The handler of each of the seven product events: six carry the whole
    product (created, updated, published, discontinued, out_of_stock, restored), the
    seventh (``product.deleted``) only its id."""
    raise NotImplementedError("handlers")


def reports() -> dict[str, str]:
    """Exercise M04.5. The SQL of the data team's three product reports, by name:
    ``suppliers_with_most_products``, ``stock_by_category``, ``price_rank_in_category``."""
    raise NotImplementedError("reports")
