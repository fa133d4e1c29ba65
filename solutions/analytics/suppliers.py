"""Suppliers in the analytics replica.

TASK M02 - you implement everything below. Read tasks/M02-mysql-suppliers.md first.
Useful: shared.events.EventType, datetime.fromisoformat, the cursor of a mysql-connector
connection (``conn.cursor()``, ``execute``, ``fetchall``).

The service creates ``tables()`` at start-up, registers ``handlers()`` with its consumer,
and calls each handler inside one transaction: ``handler(conn, envelope)``. The transaction
commits when the handler returns; do not commit or roll back yourself.
"""

from datetime import datetime, timezone
from typing import Any, Callable

from shared.events import EventType

Row = dict[str, Any]
Handler = Callable[[Any, dict[str, Any]], None]

SUPPLIERS_TABLE = """
CREATE TABLE IF NOT EXISTS suppliers (
    supplier_id          VARCHAR(24)  NOT NULL,
    email                VARCHAR(255) NOT NULL,
    primary_phone        VARCHAR(32)  NULL,
    contact_person_name  VARCHAR(255) NOT NULL,
    contact_person_title VARCHAR(255) NULL,
    contact_person_email VARCHAR(255) NULL,
    contact_person_phone VARCHAR(32)  NULL,
    legal_name           VARCHAR(255) NOT NULL,
    dba_name             VARCHAR(255) NULL,
    company_type         VARCHAR(32)  NOT NULL,
    street_address_1     VARCHAR(255) NOT NULL,
    street_address_2     VARCHAR(255) NULL,
    city                 VARCHAR(100) NOT NULL,
    state                VARCHAR(100) NULL,
    zip_code             VARCHAR(20)  NOT NULL,
    country              CHAR(2)      NOT NULL,
    support_email        VARCHAR(255) NULL,
    support_phone        VARCHAR(32)  NULL,
    timezone             VARCHAR(64)  NOT NULL,
    website_url          VARCHAR(255) NULL,
    facebook_url         VARCHAR(255) NULL,
    instagram_handle     VARCHAR(255) NULL,
    twitter_handle       VARCHAR(255) NULL,
    linkedin_url         VARCHAR(255) NULL,
    status               VARCHAR(20)  NOT NULL,
    verification_status  VARCHAR(20)  NOT NULL,
    created_at           DATETIME(6)  NOT NULL,
    updated_at           DATETIME(6)  NOT NULL,
    event_id             VARCHAR(36)  NOT NULL,
    event_timestamp      DATETIME(6)  NOT NULL,
    PRIMARY KEY (supplier_id),
    INDEX idx_suppliers_email (email),
    INDEX idx_suppliers_legal_name (legal_name),
    INDEX idx_suppliers_location (country, state, city)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
"""

DELETIONS_TABLE = """
CREATE TABLE IF NOT EXISTS supplier_deletions (
    supplier_id VARCHAR(24) NOT NULL,
    deleted_at  DATETIME(6) NOT NULL,
    event_id    VARCHAR(36) NOT NULL,
    PRIMARY KEY (supplier_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
"""

COLUMNS = (
    "supplier_id", "email", "primary_phone", "contact_person_name", "contact_person_title",
    "contact_person_email", "contact_person_phone", "legal_name", "dba_name", "company_type",
    "street_address_1", "street_address_2", "city", "state", "zip_code", "country",
    "support_email", "support_phone", "timezone", "website_url", "facebook_url",
    "instagram_handle", "twitter_handle", "linkedin_url", "status", "verification_status",
    "created_at", "updated_at", "event_id", "event_timestamp",
)

# Every column but the key and created_at takes the event's value, but only when the event
# is not older than the row; event_timestamp comes last, so that the comparisons before it
# still see the row's old value.
_NEWER = "VALUES(event_timestamp) >= event_timestamp"
_KEPT = ("supplier_id", "created_at", "event_timestamp")
UPSERT = (
    f"INSERT INTO suppliers ({', '.join(COLUMNS)}) "
    f"VALUES ({', '.join(f'%({c})s' for c in COLUMNS)}) "
    "ON DUPLICATE KEY UPDATE "
    + ", ".join(f"{c} = IF({_NEWER}, VALUES({c}), {c})" for c in COLUMNS if c not in _KEPT)
    + f", event_timestamp = IF({_NEWER}, VALUES(event_timestamp), event_timestamp)"
)


def tables() -> list[str]:
    """Exercise M02.1. The ``CREATE TABLE IF NOT EXISTS`` statements of the doc's two tables,
    ``suppliers`` first, then ``supplier_deletions``; they run at every start of the service."""
    return [SUPPLIERS_TABLE, DELETIONS_TABLE]


def _utc(value: Any) -> datetime | None:
    """An ISO 8601 string as a naive UTC datetime (no offset: already UTC); None stays None."""
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def supplier_row(envelope: dict[str, Any]) -> Row:
    """Exercise M02.2. The ``suppliers`` row an event's supplier document becomes: its four
    parts (contact, company with the business address, business info with the social
    links, status and verification) flattened into the doc's columns, ISO timestamps as
    naive UTC datetimes, and the event's own id and timestamp."""
    data = envelope.get("data") or {}
    contact = data.get("contact_info") or {}
    company = data.get("company_info") or {}
    address = company.get("business_address") or {}
    business = data.get("business_info") or {}
    links = business.get("social_links") or {}
    verification = data.get("verification") or {}
    return {
        "supplier_id": str(envelope["entity_id"]),
        "email": contact.get("primary_email"),
        "primary_phone": contact.get("primary_phone"),
        "contact_person_name": contact.get("contact_person_name"),
        "contact_person_title": contact.get("contact_person_title"),
        "contact_person_email": contact.get("contact_person_email"),
        "contact_person_phone": contact.get("contact_person_phone"),
        "legal_name": company.get("legal_name"),
        "dba_name": company.get("dba_name"),
        "company_type": company.get("company_type"),
        "street_address_1": address.get("street_address_1"),
        "street_address_2": address.get("street_address_2"),
        "city": address.get("city"),
        "state": address.get("state"),
        "zip_code": address.get("zip_code"),
        "country": address.get("country"),
        "support_email": business.get("support_email"),
        "support_phone": business.get("support_phone"),
        "timezone": business.get("timezone"),
        "website_url": links.get("website_url"),
        "facebook_url": links.get("facebook_url"),
        "instagram_handle": links.get("instagram_handle"),
        "twitter_handle": links.get("twitter_handle"),
        "linkedin_url": links.get("linkedin_url"),
        "status": data.get("status"),
        "verification_status": verification.get("status"),
        "created_at": _utc(data.get("created_at")),
        "updated_at": _utc(data.get("updated_at")),
        "event_id": envelope["event_id"],
        "event_timestamp": _utc(envelope["timestamp"]),
    }


def upsert_supplier(conn: Any, row: Row) -> None:
    """Exercise M02.3. Write the row with one ``INSERT ... ON DUPLICATE KEY UPDATE``: a new
    supplier gets its row; a known one gets every column replaced but ``supplier_id`` and
    ``created_at``. Exercise M02.4: an event older than the row's ``event_timestamp`` changes
    nothing, and a supplier listed in ``supplier_deletions`` gets no row (deletion is final)."""
    cursor = conn.cursor()
    cursor.execute("SELECT supplier_id FROM supplier_deletions WHERE supplier_id = %s", (row["supplier_id"],))
    if cursor.fetchall():
        return  # deleted for good: nothing brings it back
    cursor.execute(UPSERT, row)


def delete_supplier(conn: Any, supplier_id: str, deleted_at: Any, event_id: str) -> None:
    """Exercise M02.3. Delete the supplier's row (a hard delete) and record the deletion in
    ``supplier_deletions`` (``deleted_at``: the delete event's timestamp as a naive UTC
    datetime, never the consumer's clock), so that a late event cannot bring the row back.
    Exercise M02.4: the same delete again, or a second one, leaves both tables as they are."""
    cursor = conn.cursor()
    cursor.execute("DELETE FROM suppliers WHERE supplier_id = %s", (supplier_id,))
    cursor.execute("INSERT INTO supplier_deletions (supplier_id, deleted_at, event_id) VALUES (%s, %s, %s) "
                   "ON DUPLICATE KEY UPDATE supplier_id = supplier_id", (supplier_id, deleted_at, event_id))


def _on_change(conn: Any, envelope: dict[str, Any]) -> None:
    upsert_supplier(conn, supplier_row(envelope))


def _on_delete(conn: Any, envelope: dict[str, Any]) -> None:
    delete_supplier(conn, str(envelope["entity_id"]), _utc(envelope["timestamp"]), envelope["event_id"])


def handlers() -> dict[str, Handler]:
    """Exercise M02.3. The handler of each supplier event: ``supplier.created``,
    ``supplier.updated`` and ``supplier.deleted``."""
    return {
        EventType.SUPPLIER_CREATED.value: _on_change,
        EventType.SUPPLIER_UPDATED.value: _on_change,
        EventType.SUPPLIER_DELETED.value: _on_delete,
    }
