"""Request and response bodies for posts (Task 05)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.models.post import (Distribution, LinkPreview, MediaAttachment, MediaType, Post, PostAuthor, PostStats,
                                PostStatus, PostType)

Url = Field(min_length=8, max_length=2048, pattern=r"^https?://\S+$")
MAX_MEDIA = 10
MAX_SIZE_BYTES = 500 * 1024 * 1024  # 500 MB
MAX_DURATION_SECONDS = 3 * 60 * 60  # 3 hours


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MediaBody(_Body):
    media_type: MediaType
    media_url: str = Url
    thumbnail_url: str | None = Field(default=None, min_length=8, max_length=2048, pattern=r"^https?://\S+$")
    width: int | None = Field(default=None, ge=1, le=20000)
    height: int | None = Field(default=None, ge=1, le=20000)
    duration_seconds: float | None = Field(default=None, gt=0, le=MAX_DURATION_SECONDS)
    size_bytes: int = Field(ge=1, le=MAX_SIZE_BYTES)


class LinkPreviewBody(_Body):
    url: str = Url
    title: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=1000)
    image: str | None = Field(default=None, min_length=8, max_length=2048, pattern=r"^https?://\S+$")
    site_name: str | None = Field(default=None, max_length=100)


class CreatePostRequest(_Body):
    community_id: str = Field(min_length=1, max_length=64)
    post_type: PostType
    text_content: str | None = Field(default=None, max_length=5000)
    media: list[MediaBody] = Field(default_factory=list, max_length=MAX_MEDIA)
    link_preview: LinkPreviewBody | None = None
    draft: bool = False  # True: keep it as a draft; False: publish it at once


class UpdatePostRequest(_Body):
    """Only the fields sent change; a field sent as null is cleared."""

    text_content: str | None = Field(default=None, max_length=5000)
    media: list[MediaBody] | None = Field(default=None, max_length=MAX_MEDIA)
    link_preview: LinkPreviewBody | None = None


class ReasonBody(_Body):
    reason: str | None = Field(default=None, max_length=500)


class PostResponse(BaseModel):
    id: str
    community_id: str
    post_type: PostType
    status: PostStatus
    author: PostAuthor
    text_content: str | None
    media: list[MediaAttachment]
    link_preview: LinkPreview | None
    stats: PostStats
    is_pinned: bool
    pinned_at: datetime | None
    hidden_at: datetime | None
    distribution: Distribution
    published_at: datetime | None
    edited_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, post: Post) -> "PostResponse":
        return cls(id=str(post.id), **post.model_dump(include=set(cls.model_fields) - {"id"}))


class PostPage(BaseModel):
    items: list[PostResponse]
    next_cursor: str | None  # None: this is the last page
