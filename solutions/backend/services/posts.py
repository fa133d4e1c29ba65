"""Posts: create, read, the feeds, update, publish, delete, moderation and global
distribution. (Task 05, reference solution.)"""

import base64
import json
from datetime import datetime

from beanie import PydanticObjectId
from pymongo import ReturnDocument

from backend.events import EventPublisher
from shared.errors import AuthorizationError, NotFoundError, StateConflictError, ValidationError
from shared.events import EventType
from shared.identity import Actor
from shared.models.community import Community, CommunityStatus, Visibility
from shared.models.post import (MAX_PINNED_POSTS, DistributionStatus, LinkPreview, MediaAttachment, MediaType, Post,
                                PostAuthor, PostStatus, PostType)
from shared.models.user import User
from shared.timeutil import utc_now

MAX_PAGE_SIZE = 100
NOT_FOUND = "No such post."  # one message for every post the caller may not see


def _not_found() -> NotFoundError:
    return NotFoundError(NOT_FOUND)


def _check_content(post_type: PostType, text_content: str | None, media: list[MediaAttachment],
                   link_preview: LinkPreview | None) -> None:
    """The rules that tie a post's type to its content (ValidationError when one fails)."""
    def invalid(field: str, message: str) -> ValidationError:
        return ValidationError(message, details={"field": field})

    if post_type in (PostType.TEXT, PostType.POLL) and not (text_content or "").strip():
        raise invalid("text_content", f"A {post_type.value} post needs text_content.")
    if post_type == PostType.IMAGE and (not media or any(m.media_type != MediaType.IMAGE for m in media)):
        raise invalid("media", "An image post needs at least one medium, and only images.")
    if post_type == PostType.VIDEO and (not media or any(m.media_type != MediaType.VIDEO for m in media)):
        raise invalid("media", "A video post needs at least one medium, and only videos.")
    if post_type == PostType.LINK and link_preview is None:
        raise invalid("link_preview", "A link post needs a link_preview.")
    for item in media:
        if item.media_type == MediaType.VIDEO and item.duration_seconds is None:
            raise invalid("media", "Every video needs its duration_seconds.")
        if item.media_type == MediaType.IMAGE and item.duration_seconds is not None:
            raise invalid("media", "An image has no duration_seconds.")


def _sees_community(community: Community | None, actor: Actor | None) -> bool:
    if community is None or community.is_deleted():
        return False
    if community.visibility != Visibility.PRIVATE:
        return True
    return actor is not None and (actor.is_admin or community.is_member(actor.id))


def _manages(community: Community, actor: Actor | None) -> bool:
    return actor is not None and (actor.is_admin or community.is_owner(actor.id) or community.is_moderator(actor.id))


def _encode_cursor(kind: str, post: Post) -> str:
    raw = {"k": kind, "t": post.published_at.isoformat(), "id": str(post.id)}
    if kind == "community":
        raw["p"] = post.is_pinned
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode()


def _after_cursor(kind: str, cursor: str) -> dict:
    """The filter of the items after the cursor, in the listing's order."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if data["k"] != kind or not isinstance(data["id"], str) or not PydanticObjectId.is_valid(data["id"]):
            raise ValueError("not a cursor of this listing")
        when, last_id = datetime.fromisoformat(data["t"]), PydanticObjectId(data["id"])
        pinned = data["p"] if kind == "community" else False
        if not isinstance(pinned, bool):
            raise ValueError("not a flag")
    except (ValueError, TypeError, KeyError, AttributeError):
        raise ValidationError("The cursor is not valid for this listing.", details={"field": "cursor"}) from None
    # Newest first, then _id: later on the page means an older time, or the same time and a smaller _id.
    same_flag = [{"published_at": {"$lt": when}}, {"published_at": when, "_id": {"$lt": last_id}}]
    if kind != "community":
        return {"$or": same_flag}
    clauses = [{"is_pinned": pinned, **clause} for clause in same_flag]
    if pinned:  # every unpinned post comes after the pinned ones
        clauses.append({"is_pinned": False})
    return {"$or": clauses}


class PostService:
    def __init__(self, events: EventPublisher):
        self.events = events

    # -- loading -------------------------------------------------------------------------

    async def _community(self, community_id: str) -> Community | None:
        if not PydanticObjectId.is_valid(community_id):
            return None
        return await Community.get(PydanticObjectId(community_id))

    async def _load(self, post_id: str, actor: Actor | None) -> tuple[Post, Community]:
        """The post and its community, or the one 404 for everything the caller may not see."""
        post = await Post.get(PydanticObjectId(post_id)) if PydanticObjectId.is_valid(post_id) else None
        if post is None or post.is_deleted():
            raise _not_found()
        community = await self._community(post.community_id)
        if not _sees_community(community, actor):
            raise _not_found()
        is_author = actor is not None and actor.is_user(post.author.user_id)
        if post.status == PostStatus.DRAFT and not is_author:
            raise _not_found()
        if post.status == PostStatus.HIDDEN and not (is_author or _manages(community, actor)):
            raise _not_found()
        return post, community

    async def _authored(self, actor: Actor, post_id: str) -> tuple[Post, Community]:
        post, community = await self._load(post_id, actor)
        if not actor.is_user(post.author.user_id):
            raise AuthorizationError("Only the author may do this.")
        return post, community

    async def _moderated(self, actor: Actor, post_id: str) -> tuple[Post, Community]:
        post, community = await self._load(post_id, actor)
        if not _manages(community, actor):
            raise AuthorizationError("Only the community's owner, its moderators or an admin may do this.")
        return post, community

    async def _set(self, post: Post, condition: dict, changes: dict) -> Post | None:
        """One conditional update of the post; None when the condition no longer holds."""
        stored = await Post.get_motor_collection().find_one_and_update(
            {"_id": post.id, "deleted_at": None, **condition}, {"$set": changes},
            return_document=ReturnDocument.AFTER)
        return None if stored is None else Post.model_validate(stored)

    async def _release_pin(self, community_id: str) -> None:
        await Community.get_motor_collection().update_one(
            {"_id": PydanticObjectId(community_id), "pinned_post_count": {"$gt": 0}},
            {"$inc": {"pinned_post_count": -1}})

    async def _updated(self, post: Post) -> Post:
        await self.events.emit(EventType.POST_UPDATED, str(post.id), post.event_data())
        return post

    # -- 05.1 ----------------------------------------------------------------------------

    async def create_post(
        self,
        actor: Actor,
        community_id: str,
        post_type: str,
        text_content: str | None = None,
        media: list[dict] | None = None,
        link_preview: dict | None = None,
        draft: bool = False,
    ) -> Post:
        community = await self._community(community_id)
        if not _sees_community(community, actor):
            raise NotFoundError(f"No community with id {community_id!r}.")
        if not community.is_member(actor.id) or not actor.is_user(actor.id):
            raise AuthorizationError("Only members of the community may post in it.")
        if community.status != CommunityStatus.ACTIVE:
            raise StateConflictError(f"The community is {community.status.value}: it takes no new posts.")
        post_type = PostType(post_type)
        attachments = [MediaAttachment(**m) for m in media or []]
        preview = LinkPreview(**link_preview) if link_preview else None
        _check_content(post_type, text_content, attachments, preview)
        user = await User.get(PydanticObjectId(actor.id))
        if user is None:
            raise AuthorizationError("Only members of the community may post in it.")
        now = utc_now()
        post = Post(
            community_id=str(community.id), post_type=post_type,
            status=PostStatus.DRAFT if draft else PostStatus.PUBLISHED,
            author=PostAuthor(user_id=str(user.id), display_name=user.profile.display_name,
                              avatar=user.profile.avatar, author_type=user.role.value),
            text_content=text_content, media=attachments, link_preview=preview,
            published_at=None if draft else now, created_at=now, updated_at=now,
        )
        await post.insert()
        await self.events.emit(EventType.POST_CREATED, str(post.id), post.event_data())
        return post

    # -- 05.2 ----------------------------------------------------------------------------

    async def get_post(self, post_id: str, actor: Actor | None = None) -> Post:
        post, _ = await self._load(post_id, actor)
        return post

    async def _page(self, kind: str, query: dict, sort: list, limit: int, cursor: str | None):
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        if cursor:
            query = {"$and": [query, _after_cursor(kind, cursor)]}
        found = await Post.find(query).sort(sort).limit(limit + 1).to_list()
        page = found[:limit]
        return page, (_encode_cursor(kind, page[-1]) if len(found) > limit else None)

    async def community_feed(self, community_id: str, actor: Actor | None = None, limit: int = 20,
                             cursor: str | None = None) -> tuple[list[Post], str | None]:
        community = await self._community(community_id)
        if not _sees_community(community, actor):
            raise NotFoundError(f"No community with id {community_id!r}.")
        query = {"community_id": str(community.id), "status": PostStatus.PUBLISHED.value, "deleted_at": None}
        return await self._page("community", query, [("is_pinned", -1), ("published_at", -1), ("_id", -1)],
                                limit, cursor)

    async def author_posts(self, user_id: str, actor: Actor | None = None, limit: int = 20,
                           cursor: str | None = None) -> tuple[list[Post], str | None]:
        if not PydanticObjectId.is_valid(user_id):
            raise NotFoundError(f"No user with id {user_id!r}.")
        hidden: dict = {"deleted_at": {"$ne": None}}
        if actor is None:
            hidden = {"$or": [hidden, {"visibility": Visibility.PRIVATE.value}]}
        elif not actor.is_admin:
            hidden = {"$or": [hidden, {"visibility": Visibility.PRIVATE.value, "member_ids": {"$ne": actor.id}}]}
        unseen = [str(c.id) for c in await Community.find(hidden).to_list()]
        query = {"author.user_id": str(user_id), "status": PostStatus.PUBLISHED.value, "deleted_at": None,
                 "community_id": {"$nin": unseen}}
        return await self._page("author", query, [("published_at", -1), ("_id", -1)], limit, cursor)

    # -- 05.3 ----------------------------------------------------------------------------

    async def update_post(self, actor: Actor, post_id: str, **changes) -> Post:
        post, _ = await self._authored(actor, post_id)
        if not changes:  # wrong whatever the post's state: refused before the state is looked at
            raise ValidationError("Send at least one field to change.", details={"field": "body"})
        if post.status == PostStatus.HIDDEN:
            raise StateConflictError("A hidden post cannot be edited.")
        merged = post.model_copy()
        if "text_content" in changes:
            merged.text_content = changes["text_content"]
        if "media" in changes:
            merged.media = [MediaAttachment(**m) for m in changes["media"] or []]
        if "link_preview" in changes:
            merged.link_preview = LinkPreview(**changes["link_preview"]) if changes["link_preview"] else None
        _check_content(post.post_type, merged.text_content, merged.media, merged.link_preview)
        now = utc_now()
        update = {"text_content": merged.text_content, "media": [m.model_dump(mode="json") for m in merged.media],
                  "link_preview": merged.link_preview.model_dump(mode="json") if merged.link_preview else None,
                  "updated_at": now}
        if post.status == PostStatus.PUBLISHED:
            update["edited_at"] = now
        updated = await self._set(post, {"status": post.status.value}, update)
        if updated is None:
            raise StateConflictError("The post changed while you edited it; reload it and try again.")
        return await self._updated(updated)

    async def publish_post(self, actor: Actor, post_id: str) -> Post:
        post, community = await self._authored(actor, post_id)
        if post.status != PostStatus.DRAFT:
            raise StateConflictError(f"A post that is {post.status.value} cannot be published.")
        if community.status != CommunityStatus.ACTIVE:
            raise StateConflictError(f"The community is {community.status.value}: it takes no new posts.")
        now = utc_now()
        published = await self._set(post, {"status": PostStatus.DRAFT.value},
                                    {"status": PostStatus.PUBLISHED.value, "published_at": now, "updated_at": now})
        if published is None:  # published by a request at the same moment
            raise StateConflictError("A post that is published cannot be published.")
        await self.events.emit(EventType.POST_PUBLISHED, str(published.id), published.event_data())
        return published

    async def delete_post(self, actor: Actor, post_id: str) -> None:
        post, _ = await self._authored(actor, post_id)
        now = utc_now()
        before = await Post.get_motor_collection().find_one_and_update(
            {"_id": post.id, "deleted_at": None},
            {"$set": {"deleted_at": now, "updated_at": now, "is_pinned": False, "pinned_at": None,
                      "pinned_by": None}},
            return_document=ReturnDocument.BEFORE)
        if before is None:
            raise _not_found()
        if before.get("is_pinned"):
            await self._release_pin(post.community_id)
        await self.events.emit(EventType.POST_DELETED, str(post.id), {"id": str(post.id)})

    # -- 05.4 ----------------------------------------------------------------------------

    async def pin_post(self, actor: Actor, post_id: str) -> Post:
        post, community = await self._moderated(actor, post_id)
        if post.status != PostStatus.PUBLISHED:
            raise StateConflictError(f"A post that is {post.status.value} cannot be pinned.")
        if post.is_pinned:
            raise StateConflictError("This post is pinned already.")
        # Take a place first, in one conditional update of the community's count...
        taken = await Community.get_motor_collection().find_one_and_update(
            {"_id": community.id, "pinned_post_count": {"$lt": MAX_PINNED_POSTS}},
            {"$inc": {"pinned_post_count": 1}})
        if taken is None:
            raise StateConflictError(f"This community has {MAX_PINNED_POSTS} pinned posts already; unpin one first.")
        # ...then pin the post, unless a request at the same moment pinned (or hid) it first.
        now = utc_now()
        pinned = await self._set(post, {"status": PostStatus.PUBLISHED.value, "is_pinned": False},
                                 {"is_pinned": True, "pinned_at": now, "pinned_by": actor.id, "updated_at": now})
        if pinned is None:
            await self._release_pin(post.community_id)
            raise StateConflictError("This post is pinned already.")
        return await self._updated(pinned)

    async def unpin_post(self, actor: Actor, post_id: str) -> Post:
        post, _ = await self._moderated(actor, post_id)
        if not post.is_pinned:
            raise StateConflictError("This post is not pinned.")
        unpinned = await self._set(post, {"is_pinned": True},
                                   {"is_pinned": False, "pinned_at": None, "pinned_by": None, "updated_at": utc_now()})
        if unpinned is None:
            raise StateConflictError("This post is not pinned.")
        await self._release_pin(post.community_id)
        return await self._updated(unpinned)

    async def hide_post(self, actor: Actor, post_id: str, reason: str | None = None) -> Post:
        post, _ = await self._moderated(actor, post_id)
        if post.status != PostStatus.PUBLISHED:
            raise StateConflictError(f"A post that is {post.status.value} cannot be hidden.")
        now = utc_now()
        changes = {"status": PostStatus.HIDDEN.value, "hidden_at": now, "hidden_by": actor.id, "hide_reason": reason,
                   "is_pinned": False, "pinned_at": None, "pinned_by": None, "updated_at": now}
        before = await Post.get_motor_collection().find_one_and_update(
            {"_id": post.id, "deleted_at": None, "status": PostStatus.PUBLISHED.value}, {"$set": changes},
            return_document=ReturnDocument.BEFORE)
        if before is None:
            raise StateConflictError("A post that is hidden cannot be hidden.")
        if before.get("is_pinned"):
            await self._release_pin(post.community_id)
        return await self._updated(Post.model_validate({**before, **changes}))

    # -- 05.5 ----------------------------------------------------------------------------

    async def request_distribution(self, actor: Actor, post_id: str) -> Post:
        post, _ = await self._authored(actor, post_id)
        allowed = (DistributionStatus.NONE, DistributionStatus.REJECTED)
        if post.status != PostStatus.PUBLISHED or post.distribution.status not in allowed:
            raise StateConflictError(f"A {post.status.value} post whose distribution is "
                                     f"{post.distribution.status.value} cannot be put forward.")
        requested = await self._set(
            post, {"status": PostStatus.PUBLISHED.value, "distribution.status": {"$in": [s.value for s in allowed]}},
            {"distribution": {"status": DistributionStatus.PENDING.value, "requested_at": utc_now(),
                              "decided_by": None, "decided_at": None, "reason": None}, "updated_at": utc_now()})
        if requested is None:
            raise StateConflictError("Global distribution was asked for already.")
        return await self._updated(requested)

    async def _decide(self, actor: Actor, post_id: str, start: DistributionStatus, end: DistributionStatus,
                      reason: str | None) -> Post:
        post, _ = await self._load(post_id, actor)
        if not actor.is_admin:
            raise AuthorizationError("Only platform admins decide global distribution.")
        if post.distribution.status != start:
            raise StateConflictError(f"A distribution that is {post.distribution.status.value} cannot be "
                                     f"{end.value}.")
        now = utc_now()
        decided = await self._set(post, {"distribution.status": start.value},
                                  {"distribution.status": end.value, "distribution.decided_by": actor.id,
                                   "distribution.decided_at": now, "distribution.reason": reason, "updated_at": now})
        if decided is None:  # decided by a request at the same moment
            raise StateConflictError(f"This distribution is no longer {start.value}.")
        return await self._updated(decided)

    async def approve_distribution(self, actor: Actor, post_id: str) -> Post:
        return await self._decide(actor, post_id, DistributionStatus.PENDING, DistributionStatus.APPROVED, None)

    async def reject_distribution(self, actor: Actor, post_id: str, reason: str | None = None) -> Post:
        return await self._decide(actor, post_id, DistributionStatus.PENDING, DistributionStatus.REJECTED, reason)

    async def revoke_distribution(self, actor: Actor, post_id: str, reason: str | None = None) -> Post:
        return await self._decide(actor, post_id, DistributionStatus.APPROVED, DistributionStatus.REVOKED, reason)
