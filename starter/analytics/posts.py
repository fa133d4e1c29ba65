"""Posts in the analytics replica.

TASK M05 - you implement everything below. Read tasks/M05-mysql-posts.md first.
Useful: shared.events.EventType, datetime.fromisoformat, json.dumps, the cursor of a
mysql-connector connection (``conn.cursor()``, ``execute``, ``fetchall``).

The service creates ``tables()`` at start-up, registers ``handlers()`` with its consumer,
and calls each handler inside one transaction: ``handler(conn, envelope)``. The transaction
commits when the handler returns; do not commit or roll back yourself.
"""

from typing import Any, Callable

Row = dict[str, Any]
Handler = Callable[[Any, dict[str, Any]], None]


def tables() -> list[str]:
    """Exercise M05.1. The ``CREATE TABLE IF NOT EXISTS`` statement of the doc's ``posts``
    table, in a list; it runs at every start of the service."""
    raise NotImplementedError("tables")


def post_row(envelope: dict[str, Any]) -> Row:
    """Exercise M05.2. The ``posts`` row an event's post document becomes: the author and the
    link preview flattened into the doc's columns, the media as JSON text, the stats, ISO
    timestamps as naive UTC datetimes, and the event's own id and timestamp."""
    raise NotImplementedError("post_row")


def upsert_post(conn: Any, row: Row) -> None:
    """Exercise M05.3. Write the row with one ``INSERT ... ON DUPLICATE KEY UPDATE``: a new
    post gets its row; a known one gets every column replaced but ``post_id``,
    ``created_at`` and ``deleted_at``. Exercise M05.4: an event older than the row's
    ``event_timestamp`` changes nothing."""
    raise NotImplementedError("upsert_post")


def soft_delete_post(conn: Any, post_id: str, deleted_at: Any) -> None:
    """Exercise M05.3. Set the row's ``deleted_at`` to the delete event's timestamp (a naive
    UTC datetime, never the consumer's clock); the row stays. Exercise M05.4: a post already
    deleted keeps its first ``deleted_at``."""
    raise NotImplementedError("soft_delete_post")


def handlers() -> dict[str, Handler]:
    """Exercise M05.3. The handler of each post event: ``post.created``, ``post.updated`` and
    ``post.published`` carry the whole post, ``post.deleted`` only its id."""
    raise NotImplementedError("handlers")


def reports() -> dict[str, str]:
    """Exercise M05.5. The SQL of the data team's three post reports, by name:
    ``engagement_by_community``, ``top_posts_by_community``, ``authors_since``."""
    raise NotImplementedError("reports")
