"""Posts (Task 05): the ``posts`` collection.

A post lives in one community (``community_id``) and carries a copy of its author
(``author``: taken from the user when the post is created, so a feed needs no join). Its
``status`` moves draft -> published -> hidden; a delete is soft (``deleted_at``). The
community's owner and moderators pin posts (at most ``MAX_PINNED_POSTS`` per community,
counted on the community itself: ``Community.pinned_post_count``) and hide them; platform
admins decide whether a post is distributed beyond its community (``distribution``).
"""

from datetime import datetime
from enum import Enum
from typing import Any

import pymongo
from beanie import Document
from pydantic import BaseModel, Field
from pymongo import IndexModel

from shared.timeutil import utc_now

MAX_PINNED_POSTS = 3  # pinned posts per community at any time


class PostType(str, Enum):
    TEXT = "text"
    IMAGE = "image"
    VIDEO = "video"
    LINK = "link"
    POLL = "poll"


class PostStatus(str, Enum):
    DRAFT = "draft"  # seen by its author only
    PUBLISHED = "published"  # in the community's feed
    HIDDEN = "hidden"  # taken out of the feeds by a moderator


class MediaType(str, Enum):
    IMAGE = "image"
    VIDEO = "video"


class DistributionStatus(str, Enum):
    NONE = "none"  # never asked for
    PENDING = "pending"  # asked for by the author, waiting for an admin
    APPROVED = "approved"
    REJECTED = "rejected"
    REVOKED = "revoked"  # approved, then withdrawn by an admin


class PostAuthor(BaseModel):
    """The author as they were when the post was created."""

    user_id: str
    display_name: str
    avatar: str | None = None
    author_type: str  # the user's role: consumer, leader or admin


class MediaAttachment(BaseModel):
    media_type: MediaType
    media_url: str
    thumbnail_url: str | None = None
    width: int | None = None  # pixels
    height: int | None = None
    duration_seconds: float | None = None  # videos only
    size_bytes: int


class LinkPreview(BaseModel):
    url: str
    title: str | None = None
    description: str | None = None
    image: str | None = None
    site_name: str | None = None


class PostStats(BaseModel):
    view_count: int = 0
    like_count: int = 0
    comment_count: int = 0
    share_count: int = 0
    save_count: int = 0
    engagement_rate: float = 0.0
    last_comment_at: datetime | None = None


class Distribution(BaseModel):
    """Global distribution: the author asks, a platform admin decides."""

    status: DistributionStatus = DistributionStatus.NONE
    requested_at: datetime | None = None
    decided_by: str | None = None  # the admin's id
    decided_at: datetime | None = None
    reason: str | None = None  # why it was rejected or revoked


class Post(Document):
    community_id: str
    post_type: PostType
    status: PostStatus = PostStatus.DRAFT
    author: PostAuthor
    text_content: str | None = None
    media: list[MediaAttachment] = Field(default_factory=list)
    link_preview: LinkPreview | None = None
    stats: PostStats = Field(default_factory=PostStats)
    is_pinned: bool = False
    pinned_at: datetime | None = None
    pinned_by: str | None = None
    hidden_at: datetime | None = None
    hidden_by: str | None = None
    hide_reason: str | None = None
    distribution: Distribution = Field(default_factory=Distribution)
    published_at: datetime | None = None  # None while a draft
    edited_at: datetime | None = None  # the last edit after publishing
    deleted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)

    class Settings:
        name = "posts"
        indexes = [
            # The community feed: one community's published posts, pinned first, then newest.
            IndexModel([("community_id", pymongo.ASCENDING), ("status", pymongo.ASCENDING),
                        ("is_pinned", pymongo.DESCENDING), ("published_at", pymongo.DESCENDING),
                        ("_id", pymongo.DESCENDING)], name="community_feed"),
            # An author's posts, newest first.
            IndexModel([("author.user_id", pymongo.ASCENDING), ("status", pymongo.ASCENDING),
                        ("published_at", pymongo.DESCENDING), ("_id", pymongo.DESCENDING)], name="author_posts"),
            IndexModel([("distribution.status", pymongo.ASCENDING)], name="by_distribution"),
        ]

    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def is_author(self, user_id: str) -> bool:
        return self.author.user_id == str(user_id)

    def event_data(self) -> dict[str, Any]:
        """The post as it travels in events: the whole document, with its id. Every field
        of the model is there, defaults included; an optional one may be None (``null``)."""
        data = self.model_dump(mode="json", exclude={"revision_id"})
        data["id"] = str(self.id)
        return data
