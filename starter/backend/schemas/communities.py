"""Request and response bodies for communities, memberships and moderation (Task 03)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.models.community import (Community, CommunityStatus, JoinRequest, JoinRequestStatus, ModerationAction,
                                     ModerationLogEntry, Visibility)

Tag = Field(min_length=1, max_length=30)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CreateCommunityRequest(_Body):
    name: str = Field(min_length=3, max_length=80)
    description: str = Field(default="", max_length=1000)
    category: str = Field(min_length=1, max_length=50)
    tags: list[str] = Field(default_factory=list, max_length=10)
    visibility: Visibility = Visibility.PUBLIC
    max_members: int | None = Field(default=None, ge=1)
    accepting_members: bool = True


class UpdateCommunityRequest(_Body):
    version: int = Field(ge=1)  # the version the caller last read
    name: str | None = Field(default=None, min_length=3, max_length=80)
    description: str | None = Field(default=None, max_length=1000)
    category: str | None = Field(default=None, min_length=1, max_length=50)
    tags: list[str] | None = Field(default=None, max_length=10)
    visibility: Visibility | None = None
    max_members: int | None = Field(default=None, ge=1)
    accepting_members: bool | None = None


class JoinRequestBody(_Body):
    message: str | None = Field(default=None, max_length=500)


class SuspendRequest(_Body):
    reason: str = Field(min_length=1, max_length=500)


class CommunityResponse(BaseModel):
    id: str
    name: str
    slug: str
    description: str
    category: str
    tags: list[str]
    visibility: Visibility
    status: CommunityStatus
    owner_id: str
    moderator_ids: list[str]
    member_count: int
    max_members: int | None
    accepting_members: bool
    featured: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, community: Community) -> "CommunityResponse":
        return cls(id=str(community.id), **community.model_dump(include=set(cls.model_fields) - {"id"}))


class CommunityPage(BaseModel):
    items: list[CommunityResponse]
    next_cursor: str | None  # None: this is the last page


class MemberResponse(BaseModel):
    user_id: str
    role: str  # owner, moderator or member


class MemberPage(BaseModel):
    items: list[MemberResponse]
    next_cursor: str | None


class JoinRequestResponse(BaseModel):
    id: str
    community_id: str
    user_id: str
    message: str | None
    status: JoinRequestStatus
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, request: JoinRequest) -> "JoinRequestResponse":
        return cls(id=str(request.id), **request.model_dump(include=set(cls.model_fields) - {"id"}))


class ModerationLogResponse(BaseModel):
    id: str
    community_id: str
    actor_id: str
    action: ModerationAction
    reason: str | None
    created_at: datetime

    @classmethod
    def of(cls, entry: ModerationLogEntry) -> "ModerationLogResponse":
        return cls(id=str(entry.id), **entry.model_dump(include=set(cls.model_fields) - {"id"}))
