"""Posts in the analytics replica.

TASK M05 - you implement everything below. Read tasks/M05-mysql-posts.md first.
Useful: shared.events.EventType, datetime.fromisoformat, json.dumps, the cursor of a
mysql-connector connection (``conn.cursor()``, ``execute``, ``fetchall``).

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

POSTS_TABLE = """
CREATE TABLE IF NOT EXISTS posts (
    post_id              VARCHAR(24)   NOT NULL,
    community_id         VARCHAR(24)   NOT NULL,
    post_type            VARCHAR(10)   NOT NULL,
    status               VARCHAR(20)   NOT NULL,
    author_user_id       VARCHAR(24)   NOT NULL,
    author_display_name  VARCHAR(100)  NOT NULL,
    author_avatar        VARCHAR(2048) NULL,
    author_type          VARCHAR(20)   NOT NULL,
    text_content         TEXT          NULL,
    media                JSON          NOT NULL,
    link_url             VARCHAR(2048) NULL,
    link_title           VARCHAR(300)  NULL,
    link_description     VARCHAR(1000) NULL,
    link_image           VARCHAR(2048) NULL,
    link_site_name       VARCHAR(100)  NULL,
    view_count           INT           NOT NULL,
    like_count           INT           NOT NULL,
    comment_count        INT           NOT NULL,
    share_count          INT           NOT NULL,
    save_count           INT           NOT NULL,
    engagement_rate      DOUBLE        NOT NULL,
    last_comment_at      DATETIME(6)   NULL,
    is_pinned            BOOLEAN       NOT NULL,
    distribution_status  VARCHAR(20)   NOT NULL,
    published_at         DATETIME(6)   NULL,
    deleted_at           DATETIME(6)   NULL,
    created_at           DATETIME(6)   NOT NULL,
    updated_at           DATETIME(6)   NOT NULL,
    event_id             VARCHAR(36)   NOT NULL,
    event_timestamp      DATETIME(6)   NOT NULL,
    PRIMARY KEY (post_id),
    INDEX idx_posts_community_feed (community_id, deleted_at, published_at),
    INDEX idx_posts_author (author_user_id, deleted_at, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
"""

COLUMNS = (
    "post_id", "community_id", "post_type", "status", "author_user_id", "author_display_name", "author_avatar",
    "author_type", "text_content", "media", "link_url", "link_title", "link_description", "link_image",
    "link_site_name", "view_count", "like_count", "comment_count", "share_count", "save_count", "engagement_rate",
    "last_comment_at", "is_pinned", "distribution_status", "published_at", "created_at", "updated_at", "event_id",
    "event_timestamp",
)

# Every column but the key, created_at and deleted_at (the delete's own) takes the event's
# value, but only when the event is not older than the row; event_timestamp comes last.
_NEWER = "VALUES(event_timestamp) >= event_timestamp"
_KEPT = ("post_id", "created_at", "event_timestamp")
UPSERT = (
    f"INSERT INTO posts ({', '.join(COLUMNS)}) "
    f"VALUES ({', '.join(f'%({c})s' for c in COLUMNS)}) "
    "ON DUPLICATE KEY UPDATE "
    + ", ".join(f"{c} = IF({_NEWER}, VALUES({c}), {c})" for c in COLUMNS if c not in _KEPT)
    + f", event_timestamp = IF({_NEWER}, VALUES(event_timestamp), event_timestamp)"
)

ENGAGEMENT_BY_COMMUNITY = """
SELECT community_id,
       COUNT(*) AS posts,
       SUM(view_count) AS views,
       SUM(like_count + comment_count + share_count + save_count) AS interactions,
       ROUND(AVG(engagement_rate), 4) AS average_engagement_rate
FROM posts
WHERE status = 'published' AND deleted_at IS NULL
GROUP BY community_id
ORDER BY interactions DESC, community_id
"""

TOP_POSTS_BY_COMMUNITY = """
SELECT community_id, post_id, like_count, position
FROM (
    SELECT community_id, post_id, like_count,
           ROW_NUMBER() OVER (PARTITION BY community_id ORDER BY like_count DESC, post_id) AS position
    FROM posts
    WHERE status = 'published' AND deleted_at IS NULL
) AS ranked
WHERE position <= %(top)s
ORDER BY community_id, position
"""

AUTHORS_SINCE = """
SELECT author_user_id,
       COUNT(*) AS posts,
       SUM(like_count) AS likes,
       MAX(published_at) AS last_published_at
FROM posts
WHERE status = 'published' AND deleted_at IS NULL AND published_at >= %(since)s
GROUP BY author_user_id
ORDER BY posts DESC, author_user_id
"""


def tables() -> list[str]:
    """Exercise M05.1. The ``CREATE TABLE IF NOT EXISTS`` statement of the doc's ``posts``
    table, in a list; it runs at every start of the service."""
    return [POSTS_TABLE]


def _utc(value: Any) -> datetime | None:
    """An ISO 8601 string as a naive UTC datetime (no offset: already UTC); None stays None."""
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def post_row(envelope: dict[str, Any]) -> Row:
    """Exercise M05.2. The ``posts`` row an event's post document becomes: the author and the
    link preview flattened into the doc's columns, the media as JSON text, the stats, ISO
    timestamps as naive UTC datetimes, and the event's own id and timestamp."""
    data = envelope.get("data") or {}
    author = data.get("author") or {}
    link = data.get("link_preview") or {}
    stats = data.get("stats") or {}
    return {
        "post_id": str(envelope["entity_id"]),
        "community_id": data.get("community_id"),
        "post_type": data.get("post_type"),
        "status": data.get("status"),
        "author_user_id": author.get("user_id"),
        "author_display_name": author.get("display_name"),
        "author_avatar": author.get("avatar"),
        "author_type": author.get("author_type"),
        "text_content": data.get("text_content"),
        "media": json.dumps(data.get("media") or []),
        "link_url": link.get("url"),
        "link_title": link.get("title"),
        "link_description": link.get("description"),
        "link_image": link.get("image"),
        "link_site_name": link.get("site_name"),
        "view_count": stats.get("view_count", 0),
        "like_count": stats.get("like_count", 0),
        "comment_count": stats.get("comment_count", 0),
        "share_count": stats.get("share_count", 0),
        "save_count": stats.get("save_count", 0),
        "engagement_rate": float(stats.get("engagement_rate") or 0.0),
        "last_comment_at": _utc(stats.get("last_comment_at")),
        "is_pinned": bool(data.get("is_pinned")),
        "distribution_status": (data.get("distribution") or {}).get("status", "none"),
        "published_at": _utc(data.get("published_at")),
        "created_at": _utc(data.get("created_at")),
        "updated_at": _utc(data.get("updated_at")),
        "event_id": envelope["event_id"],
        "event_timestamp": _utc(envelope["timestamp"]),
    }


def upsert_post(conn: Any, row: Row) -> None:
    """Exercise M05.3. Write the row with one ``INSERT ... ON DUPLICATE KEY UPDATE``: a new
    post gets its row; a known one gets every column replaced but ``post_id``,
    ``created_at`` and ``deleted_at``. Exercise M05.4: an event older than the row's
    ``event_timestamp`` changes nothing."""
    conn.cursor().execute(UPSERT, row)


def soft_delete_post(conn: Any, post_id: str, deleted_at: Any) -> None:
    """Exercise M05.3. Set the row's ``deleted_at`` to the delete event's timestamp (a naive
    UTC datetime, never the consumer's clock); the row stays. Exercise M05.4: a post already
    deleted keeps its first ``deleted_at``."""
    conn.cursor().execute("UPDATE posts SET deleted_at = %s WHERE post_id = %s AND deleted_at IS NULL",
                          (deleted_at, post_id))


def _on_change(conn: Any, envelope: dict[str, Any]) -> None:
    upsert_post(conn, post_row(envelope))


def _on_delete(conn: Any, envelope: dict[str, Any]) -> None:
    soft_delete_post(conn, str(envelope["entity_id"]), _utc(envelope["timestamp"]))


def handlers() -> dict[str, Handler]:
    """Exercise M05.3. The handler of each post event: ``post.created``, ``post.updated`` and
    ``post.published`` carry the whole post, ``post.deleted`` only its id."""
    return {
        EventType.POST_CREATED.value: _on_change,
        EventType.POST_UPDATED.value: _on_change,
        EventType.POST_PUBLISHED.value: _on_change,
        EventType.POST_DELETED.value: _on_delete,
    }


def reports() -> dict[str, str]:
    """Exercise M05.5. The SQL of the data team's three post reports, by name:
    ``engagement_by_community``, ``top_posts_by_community``, ``authors_since``."""
    return {
        "engagement_by_community": ENGAGEMENT_BY_COMMUNITY,
        "top_posts_by_community": TOP_POSTS_BY_COMMUNITY,
        "authors_since": AUTHORS_SINCE,
    }
