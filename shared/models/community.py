"""Communities (Task 03): the ``communities`` collection, the join requests of private
communities (``community_join_requests``) and the moderation log
(``community_moderation_logs``).

Membership lives on the community itself: ``member_ids`` holds the ids (strings) of every
member, the owner included, and ``member_count`` is its length. Both change together, in one
atomic update (``$addToSet``/``$pull`` with ``$inc``), so the count stays right when many
people join at once.
"""

from datetime import datetime
from enum import Enum
from typing import Any

import pymongo
from beanie import Document
from pydantic import Field
from pymongo import IndexModel

from shared.timeutil import utc_now


class CommunityStatus(str, Enum):
    ACTIVE = "active"
    ARCHIVED = "archived"  # closed by its owner: read-only, out of discovery
    SUSPENDED = "suspended"  # closed by platform staff


class Visibility(str, Enum):
    PUBLIC = "public"  # anyone sees it and may join
    PRIVATE = "private"  # only members see it; others send a join request


class Community(Document):
    name: str
    slug: str  # derived from the name, unique across all communities (deleted ones included)
    description: str = ""
    category: str
    tags: list[str] = Field(default_factory=list)
    visibility: Visibility = Visibility.PUBLIC
    status: CommunityStatus = CommunityStatus.ACTIVE
    owner_id: str
    moderator_ids: list[str] = Field(default_factory=list)  # members who help the owner run it
    member_ids: list[str] = Field(default_factory=list)  # every member, the owner included
    member_count: int = 0
    max_members: int | None = None  # None: no limit
    accepting_members: bool = True  # False: closed to new members
    featured: bool = False
    featured_at: datetime | None = None
    pinned_post_count: int = 0  # Task 05: posts pinned in it now (at most MAX_PINNED_POSTS)
    version: int = 1  # optimistic concurrency: +1 on every update
    deleted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)

    class Settings:
        name = "communities"
        indexes = [
            IndexModel([("slug", pymongo.ASCENDING)], unique=True, name="uniq_slug"),
            IndexModel([("status", pymongo.ASCENDING), ("visibility", pymongo.ASCENDING),
                        ("created_at", pymongo.DESCENDING)], name="discover_by_created"),
            IndexModel([("category", pymongo.ASCENDING)], name="by_category"),
            IndexModel([("tags", pymongo.ASCENDING)], name="by_tag"),
            IndexModel([("member_ids", pymongo.ASCENDING)], name="by_member"),
        ]

    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def is_member(self, user_id: str) -> bool:
        return str(user_id) in self.member_ids

    def is_owner(self, user_id: str) -> bool:
        return self.owner_id == str(user_id)

    def is_moderator(self, user_id: str) -> bool:
        return str(user_id) in self.moderator_ids

    def event_data(self) -> dict[str, Any]:
        """The community as it travels in events: the document without its member list."""
        data = self.model_dump(mode="json", exclude={"member_ids", "revision_id"})
        data["id"] = str(self.id)
        return data


class JoinRequestStatus(str, Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class JoinRequest(Document):
    community_id: str
    user_id: str
    message: str | None = None
    status: JoinRequestStatus = JoinRequestStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)

    class Settings:
        name = "community_join_requests"
        indexes = [
            IndexModel([("community_id", pymongo.ASCENDING), ("status", pymongo.ASCENDING),
                        ("created_at", pymongo.ASCENDING)], name="by_community_status"),
            IndexModel([("user_id", pymongo.ASCENDING)], name="by_user"),
        ]


class ModerationAction(str, Enum):
    ARCHIVED = "archived"
    UNARCHIVED = "unarchived"
    SUSPENDED = "suspended"
    REINSTATED = "reinstated"
    FEATURED = "featured"


class ModerationLogEntry(Document):
    community_id: str
    actor_id: str  # who did it
    action: ModerationAction  # what
    reason: str | None = None
    created_at: datetime = Field(default_factory=utc_now)  # when

    class Settings:
        name = "community_moderation_logs"
        indexes = [
            IndexModel([("community_id", pymongo.ASCENDING), ("created_at", pymongo.DESCENDING)],
                       name="by_community_newest"),
        ]
