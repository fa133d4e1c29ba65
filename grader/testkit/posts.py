"""Posts for the tests of Task 05, put straight into the database (no learner code): a test
of the feed does not depend on the learner's create, and so on. Users come from
``grader.testkit.accounts.seed_user`` and communities from
``grader.testkit.communities.seed_community``; act as users with ``grader.testkit.tokens``."""

from datetime import datetime

from shared.timeutil import utc_now

IMAGE = {"media_type": "image", "media_url": "https://cdn.example.com/p/rose.jpg", "width": 1200, "height": 800,
         "size_bytes": 245000}
VIDEO = {"media_type": "video", "media_url": "https://cdn.example.com/p/tour.mp4",
         "thumbnail_url": "https://cdn.example.com/p/tour.jpg", "width": 1920, "height": 1080,
         "duration_seconds": 42.5, "size_bytes": 18000000}
LINK = {"url": "https://example.com/roses", "title": "Growing roses", "description": "A short guide",
        "image": "https://example.com/roses.jpg", "site_name": "Example"}


def body(community, post_type: str = "text", **extra) -> dict:
    """A POST /posts body for ``community`` that fits ``post_type``; ``extra`` overrides."""
    content = {"text": {"text_content": "Hello, garden!"}, "poll": {"text_content": "Roses or tulips?"},
               "image": {"media": [IMAGE]}, "video": {"media": [VIDEO]}, "link": {"link_preview": LINK}}[post_type]
    return {"community_id": str(community.id), "post_type": post_type, **content, **extra}


async def seed_post(author, community, text: str = "Hello", *, post_type: str = "text", status: str = "published",
                    pinned: bool = False, published_at: datetime | None = None, created_at: datetime | None = None,
                    deleted: bool = False, distribution: str = "none", media: list | None = None,
                    link_preview: dict | None = None, id=None):
    """Insert a post by ``author`` (a User document) in ``community`` and return it.
    ``status``: draft, published or hidden; a published or hidden post gets ``published_at``
    (by default ``created_at``, by default now). ``pinned`` also takes one of the
    community's places (``Community.pinned_post_count`` + 1). ``id``: its _id."""
    from shared.models.community import Community
    from shared.models.post import (Distribution, DistributionStatus, LinkPreview, MediaAttachment, Post, PostAuthor,
                                    PostStatus, PostType)

    now = created_at or utc_now()
    post = Post(
        community_id=str(community.id), post_type=PostType(post_type), status=PostStatus(status),
        author=PostAuthor(user_id=str(author.id), display_name=author.profile.display_name,
                          avatar=author.profile.avatar, author_type=author.role.value),
        text_content=text, media=[MediaAttachment(**m) for m in media or []],
        link_preview=LinkPreview(**link_preview) if link_preview else None,
        is_pinned=pinned, pinned_at=now if pinned else None, pinned_by=community.owner_id if pinned else None,
        distribution=Distribution(status=DistributionStatus(distribution),
                                  requested_at=None if distribution == "none" else now),
        published_at=None if status == "draft" else (published_at or now),
        created_at=now, updated_at=now, deleted_at=utc_now() if deleted else None,
        **({"id": id} if id is not None else {}),
    )
    await post.insert()
    if pinned:
        await Community.get_motor_collection().update_one({"_id": community.id}, {"$inc": {"pinned_post_count": 1}})
    return post


async def stored(post):
    """The current state of a post in the database."""
    from shared.models.post import Post

    return await Post.get(post.id)


async def stored_id(post_id):
    """The post stored under ``post_id`` (a string from a response), or None."""
    from bson import ObjectId

    from shared.models.post import Post

    return await Post.get(ObjectId(post_id)) if ObjectId.is_valid(str(post_id)) else None


async def pinned_count(community) -> int:
    """The community's ``pinned_post_count`` in the database."""
    from shared.models.community import Community

    return (await Community.get(community.id)).pinned_post_count


async def count_posts(query: dict | None = None) -> int:
    from shared.models.post import Post

    return await Post.find(query or {}).count()
