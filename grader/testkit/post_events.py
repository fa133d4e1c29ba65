"""Post events for the tests of the MySQL track's posts (Task M05): post documents exactly as
the app's events carry them (``Post.event_data()`` of a real ``Post``), the ``posts`` row the
task doc says each one becomes, waits on the analytics service, and the data team's reports
run on rows the kit loads itself.

    sent = service.produce(event(CREATED, pid, 0))[0]
    row = Watch(service).post(pid, "after post.created ...")
"""

import copy
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from beanie import PydanticObjectId

from grader.testkit import pipeline
from grader.testkit import product_events as pe
from grader.testkit import supplier_events as se
from grader.testkit.supplier_events import EPOCH, at, differences, utc  # noqa: F401 (the tests' helpers)
from shared.models.post import Distribution, LinkPreview, MediaAttachment, Post, PostAuthor, PostStats

CREATED, UPDATED, PUBLISHED, DELETED = "post.created", "post.updated", "post.published", "post.deleted"
COMMUNITY_ID = "6650a0a0a3b4c5d6e7f80f01"
AUTHOR_ID = "6650b0b0a3b4c5d6e7f80c02"

POST_COLUMNS: dict[str, tuple[str, bool]] = {
    "post_id": ("varchar(24)", False),
    "community_id": ("varchar(24)", False),
    "post_type": ("varchar(10)", False),
    "status": ("varchar(20)", False),
    "author_user_id": ("varchar(24)", False),
    "author_display_name": ("varchar(100)", False),
    "author_avatar": ("varchar(2048)", True),
    "author_type": ("varchar(20)", False),
    "text_content": ("text", True),
    "media": ("json", False),
    "link_url": ("varchar(2048)", True),
    "link_title": ("varchar(300)", True),
    "link_description": ("varchar(1000)", True),
    "link_image": ("varchar(2048)", True),
    "link_site_name": ("varchar(100)", True),
    "view_count": ("int", False),
    "like_count": ("int", False),
    "comment_count": ("int", False),
    "share_count": ("int", False),
    "save_count": ("int", False),
    "engagement_rate": ("double", False),
    "last_comment_at": ("datetime(6)", True),
    "is_pinned": ("tinyint", False),
    "distribution_status": ("varchar(20)", False),
    "published_at": ("datetime(6)", True),
    "deleted_at": ("datetime(6)", True),
    "created_at": ("datetime(6)", False),
    "updated_at": ("datetime(6)", False),
    "event_id": ("varchar(36)", False),
    "event_timestamp": ("datetime(6)", False),
}
SOURCE = {
    "community_id": "community_id", "post_type": "post_type", "status": "status",
    "author_user_id": "author.user_id", "author_display_name": "author.display_name",
    "author_avatar": "author.avatar", "author_type": "author.author_type", "text_content": "text_content",
    "link_url": "link_preview.url", "link_title": "link_preview.title",
    "link_description": "link_preview.description", "link_image": "link_preview.image",
    "link_site_name": "link_preview.site_name", "view_count": "stats.view_count", "like_count": "stats.like_count",
    "comment_count": "stats.comment_count", "share_count": "stats.share_count", "save_count": "stats.save_count",
    "engagement_rate": "stats.engagement_rate", "last_comment_at": "stats.last_comment_at",
    "is_pinned": "is_pinned", "distribution_status": "distribution.status", "published_at": "published_at",
    "created_at": "created_at", "updated_at": "updated_at",
}
TIMES = ("last_comment_at", "published_at", "created_at", "updated_at")
column_types, check_columns = pe.column_types, pe.check_columns


def full_post(post_id: str) -> Post:
    """A published link post with media, a link preview and stats, pinned, distribution asked for."""
    return Post.model_construct(
        id=PydanticObjectId(post_id), community_id=COMMUNITY_ID, post_type="link", status="published",
        author=PostAuthor(user_id=AUTHOR_ID, display_name="Jonas Berg", avatar="https://img.example/jonas.png",
                          author_type="leader"),
        text_content="Our trail running group tried the new jackets.",
        media=[MediaAttachment(media_type="image", media_url="https://img.example/run.jpg",
                               thumbnail_url="https://img.example/run-t.jpg", width=1200, height=800,
                               size_bytes=245000),
               MediaAttachment(media_type="video", media_url="https://vid.example/run.mp4", width=1920,
                               height=1080, duration_seconds=42.5, size_bytes=9800000)],
        link_preview=LinkPreview(url="https://acme.example/trail", title="Trail Runner Jacket",
                                 description="Light and seam-sealed", image="https://img.acme.example/trj.jpg",
                                 site_name="Acme"),
        stats=PostStats(view_count=980, like_count=41, comment_count=7, share_count=3, save_count=12,
                        engagement_rate=0.0643, last_comment_at=EPOCH + timedelta(hours=3)),
        is_pinned=True, pinned_at=EPOCH + timedelta(hours=2), pinned_by="6650b0b0a3b4c5d6e7f80c09",
        distribution=Distribution(status="pending", requested_at=EPOCH + timedelta(hours=1)),
        published_at=EPOCH + timedelta(minutes=30), edited_at=None, deleted_at=None,
        created_at=EPOCH, updated_at=EPOCH + timedelta(hours=3))


def document(post_id: str, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    data = full_post(post_id).event_data()
    for path, value in (changes or {}).items():
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[key]
        node[last] = copy.deepcopy(value)
    return data


NOTHING_OPTIONAL = {
    "post_type": "text", "status": "draft", "author.avatar": None, "text_content": None, "media": [],
    "link_preview": None, "stats": {"view_count": 0, "like_count": 0, "comment_count": 0, "share_count": 0,
                                    "save_count": 0, "engagement_rate": 0.0, "last_comment_at": None},
    "is_pinned": False, "pinned_at": None, "pinned_by": None,
    "distribution": {"status": "none", "requested_at": None, "decided_by": None, "decided_at": None, "reason": None},
    "published_at": None,
}


def event(event_type: str, post_id: str, minutes: float, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    body = {"id": post_id} if event_type == DELETED else document(post_id, changes)
    return pipeline.envelope(event_type, post_id, body, timestamp=at(minutes))


def _at_path(data: dict, path: str) -> Any:
    node: Any = data
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return node


def expected_row(envelope: dict[str, Any]) -> dict[str, Any]:
    data = envelope["data"]
    row: dict[str, Any] = {"post_id": envelope["entity_id"]}
    for column, path in SOURCE.items():
        value = _at_path(data, path)
        row[column] = utc(value) if column in TIMES else value
    row["is_pinned"] = int(bool(row["is_pinned"]))
    row["media"] = data.get("media") or []
    row["event_id"] = envelope["event_id"]
    row["event_timestamp"] = utc(envelope["timestamp"])
    return row


def readable(row: dict | None) -> dict | None:
    """A posts row with its media parsed from JSON."""
    if row is None:
        return None
    row = dict(row)
    if isinstance(row.get("media"), (str, bytes)):
        try:
            row["media"] = json.loads(row["media"])
        except ValueError:
            pass
    return row


class Watch(se.Watch):
    """``supplier_events.Watch`` for post events."""

    HANDLER = "a post handler"
    EVENT = "post event"
    EVENT_TYPES = "post.created, post.updated, post.published and post.deleted"
    STUCK_TOPIC_EVENT = CREATED

    def post(self, post_id: str, doing: str, until: Callable[[dict | None], bool] = lambda row: row is not None
             ) -> dict | None:
        rows = self.rows("SELECT * FROM posts WHERE post_id = %s", (post_id,),
                         lambda found: until(readable(found[0]) if found else None), doing)
        return readable(rows[0]) if rows else None

    def marker(self, doing: str) -> str:
        marker_id = pipeline.new_id()
        self.service.produce(event(CREATED, marker_id, 0))
        if self.post(marker_id, doing) is None:
            raise AssertionError(f"{doing}: the row of a later post.created (a new post {marker_id}, sent to show "
                                 f"that the events before it were handled) did not come {self.waited()}")
        return marker_id


def snapshot(mysql: pipeline.MySQL, post_ids: list[str]) -> list[dict]:
    marks = ", ".join(["%s"] * len(post_ids))
    return mysql.query(f"SELECT * FROM posts WHERE post_id IN ({marks}) ORDER BY post_id", tuple(post_ids))


# -- the data team's reports ------------------------------------------------------------

REPORT_TABLES = [
    "CREATE TABLE posts (post_id VARCHAR(24) NOT NULL, community_id VARCHAR(24) NOT NULL, "
    "post_type VARCHAR(10) NOT NULL, status VARCHAR(20) NOT NULL, author_user_id VARCHAR(24) NOT NULL, "
    "author_display_name VARCHAR(100) NOT NULL, author_avatar VARCHAR(2048) NULL, author_type VARCHAR(20) NOT NULL, "
    "text_content TEXT NULL, media JSON NOT NULL, link_url VARCHAR(2048) NULL, link_title VARCHAR(300) NULL, "
    "link_description VARCHAR(1000) NULL, link_image VARCHAR(2048) NULL, link_site_name VARCHAR(100) NULL, "
    "view_count INT NOT NULL, like_count INT NOT NULL, comment_count INT NOT NULL, share_count INT NOT NULL, "
    "save_count INT NOT NULL, engagement_rate DOUBLE NOT NULL, last_comment_at DATETIME(6) NULL, "
    "is_pinned BOOLEAN NOT NULL, distribution_status VARCHAR(20) NOT NULL, published_at DATETIME(6) NULL, "
    "deleted_at DATETIME(6) NULL, created_at DATETIME(6) NOT NULL, updated_at DATETIME(6) NOT NULL, "
    "event_id VARCHAR(36) NOT NULL, event_timestamp DATETIME(6) NOT NULL, PRIMARY KEY (post_id), "
    "INDEX (community_id, deleted_at, published_at), INDEX (author_user_id, deleted_at, created_at)) "
    "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
]


def _rid(prefix: str, n: int) -> str:
    return f"{prefix}{n:0{24 - len(prefix)}x}"


R_COMMUNITIES = [_rid("a1", n) for n in (3, 1, 2)]
R_AUTHORS = [_rid("b2", n) for n in (2, 5, 1)]
# (community, author, status, deleted, minutes published after EPOCH, views, likes, comments, shares, saves, rate)
_R_POSTS = [
    (0, 0, "published", False, 10, 100, 10, 2, 1, 0, 0.125),
    (0, 1, "published", False, 20, 300, 30, 5, 0, 3, 0.25),
    (0, 2, "published", False, 30, 50, 10, 0, 0, 0, 0.0625),  # ties with the first on likes
    (0, 1, "published", True, 40, 900, 90, 9, 9, 9, 0.5),  # deleted: counts nowhere
    (1, 0, "published", False, 50, 400, 5, 1, 1, 1, 0.5),
    (1, 2, "draft", False, None, 0, 0, 0, 0, 0, 0.0),  # a draft: counts nowhere
    (1, 1, "hidden", False, 15, 70, 7, 0, 0, 0, 0.125),  # hidden: counts nowhere
    (2, 2, "published", False, 60, 10, 1, 0, 0, 0, 0.0625),
]


def report_rows() -> list[dict]:
    rows = []
    for n, (community, author, status, deleted, minutes, views, likes, comments, shares, saves, rate) in \
            enumerate(_R_POSTS):
        post_id = _rid("c3", 0x30 - n)
        base = EPOCH.replace(tzinfo=None)
        rows.append({
            "post_id": post_id, "community_id": R_COMMUNITIES[community], "post_type": "text", "status": status,
            "author_user_id": R_AUTHORS[author], "author_display_name": "Author", "author_avatar": None,
            "author_type": "consumer", "text_content": "Text", "media": "[]", "link_url": None, "link_title": None,
            "link_description": None, "link_image": None, "link_site_name": None, "view_count": views,
            "like_count": likes, "comment_count": comments, "share_count": shares, "save_count": saves,
            "engagement_rate": rate, "last_comment_at": None, "is_pinned": False, "distribution_status": "none",
            "published_at": base + timedelta(minutes=minutes) if minutes is not None else None,
            "deleted_at": base + timedelta(hours=5) if deleted else None, "created_at": base, "updated_at": base,
            "event_id": "00000000-0000-4000-8000-000000000000", "event_timestamp": base})
    return rows


def load_report_rows(db: pe.ReportDatabase) -> None:
    db.insert("posts", report_rows())


def _live(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["status"] == "published" and r["deleted_at"] is None]


def expected_engagement_by_community(rows: list[dict]) -> list[dict]:
    found: dict[str, dict] = {}
    for r in _live(rows):
        entry = found.setdefault(r["community_id"], {"community_id": r["community_id"], "posts": 0, "views": 0,
                                                     "interactions": 0, "rates": []})
        entry["posts"] += 1
        entry["views"] += r["view_count"]
        entry["interactions"] += r["like_count"] + r["comment_count"] + r["share_count"] + r["save_count"]
        entry["rates"].append(r["engagement_rate"])
    out = []
    for e in found.values():
        rates = e.pop("rates")
        out.append(dict(e, average_engagement_rate=round(sum(rates) / len(rates), 4)))
    return sorted(out, key=lambda e: (-e["interactions"], e["community_id"]))


def expected_top_posts_by_community(rows: list[dict], top: int) -> list[dict]:
    out = []
    for community in sorted({r["community_id"] for r in _live(rows)}):
        mine = sorted((r for r in _live(rows) if r["community_id"] == community),
                      key=lambda r: (-r["like_count"], r["post_id"]))
        out += [{"community_id": community, "post_id": r["post_id"], "like_count": r["like_count"], "position": n}
                for n, r in enumerate(mine, start=1) if n <= top]
    return out


def expected_authors_since(rows: list[dict], since) -> list[dict]:
    found: dict[str, dict] = {}
    for r in _live(rows):
        if r["published_at"] < since:
            continue
        entry = found.setdefault(r["author_user_id"], {"author_user_id": r["author_user_id"], "posts": 0, "likes": 0,
                                                       "last_published_at": r["published_at"]})
        entry["posts"] += 1
        entry["likes"] += r["like_count"]
        entry["last_published_at"] = max(entry["last_published_at"], r["published_at"])
    return sorted(found.values(), key=lambda e: (-e["posts"], e["author_user_id"]))
