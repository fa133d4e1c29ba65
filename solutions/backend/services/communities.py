"""Creating, reading, discovering, updating and moderating communities. (Task 03, reference solution.)"""

import base64
import json
import re
import unicodedata
from datetime import datetime

from beanie import PydanticObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from backend.events import EventPublisher
from shared.errors import (AuthorizationError, NotFoundError, StateConflictError, ValidationError,
                           VersionConflictError)
from shared.events import EventType
from shared.identity import Actor
from shared.models.community import (Community, CommunityStatus, ModerationAction, ModerationLogEntry,
                                     Visibility)
from shared.models.user import UserRole
from shared.timeutil import utc_now

MAX_PAGE_SIZE = 100
SORTS = {"newest": ("created_at", -1), "name": ("name", 1), "members": ("member_count", -1)}


def _slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "community"


def _encode_cursor(sort: str, community: Community) -> str:
    field = SORTS[sort][0]
    value = getattr(community, field)
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = json.dumps({"s": sort, "v": value, "id": str(community.id)})
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str, sort: str) -> tuple:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(data["id"], str) or not PydanticObjectId.is_valid(data["id"]):
            raise ValueError("not an id")  # (PydanticObjectId(None) would make a new id)
        value, last_id = data["v"], PydanticObjectId(data["id"])
        if data["s"] != sort:
            raise ValueError("another sort")
        if SORTS[sort][0] == "created_at":
            value = datetime.fromisoformat(value)
    except (ValueError, TypeError, KeyError, AttributeError):
        raise ValidationError("The cursor is not valid for this listing.", details={"field": "cursor"}) from None
    return value, last_id


def _visible_to(community: Community, actor: Actor | None) -> bool:
    if community.visibility != Visibility.PRIVATE:
        return True
    return actor is not None and (actor.is_admin or community.is_member(actor.id))


class CommunityService:
    def __init__(self, events: EventPublisher):
        self.events = events

    async def _load(self, community_id: str, actor: Actor | None) -> Community:
        community = None
        if PydanticObjectId.is_valid(community_id):
            community = await Community.get(PydanticObjectId(community_id))
        if community is None or community.is_deleted() or not _visible_to(community, actor):
            raise NotFoundError(f"No community with id {community_id!r}.")
        return community

    async def _managed(self, actor: Actor, community_id: str, moderators: bool = True) -> Community:
        community = await self._load(community_id, actor)
        allowed = actor.is_admin or community.is_owner(actor.id) or (moderators and community.is_moderator(actor.id))
        if not allowed:
            raise AuthorizationError("Only the owner, its moderators or an admin may do this.")
        return community

    async def _admin(self, actor: Actor, community_id: str) -> Community:
        community = await self._load(community_id, actor)
        if not actor.is_admin:
            raise AuthorizationError("Only platform admins may do this.")
        return community

    async def _log(self, community: Community, actor: Actor, action: ModerationAction, reason: str | None = None):
        await ModerationLogEntry(community_id=str(community.id), actor_id=actor.id, action=action,
                                 reason=reason).insert()

    async def create_community(
        self,
        actor: Actor,
        name: str,
        category: str,
        description: str = "",
        tags: list[str] | None = None,
        visibility: str = "public",
        max_members: int | None = None,
        accepting_members: bool = True,
    ) -> Community:
        if actor.role != UserRole.LEADER.value or not actor.is_user(actor.id):
            raise AuthorizationError("Only leaders may create communities.")
        base = _slugify(name)
        for _ in range(20):
            slug, n = base, 1
            while await Community.find_one({"slug": slug}):
                n += 1
                slug = f"{base}-{n}"
            community = Community(
                name=name.strip(), slug=slug, description=description, category=category.strip().lower(),
                tags=sorted({t.strip().lower() for t in tags or []}), visibility=Visibility(visibility),
                owner_id=actor.id, member_ids=[actor.id], member_count=1, max_members=max_members,
                accepting_members=accepting_members,
            )
            try:
                await community.insert()
            except DuplicateKeyError:
                continue  # someone took the slug between our look-up and the insert
            await self.events.emit(EventType.COMMUNITY_CREATED, str(community.id), community.event_data())
            return community
        raise StateConflictError("Could not find a free slug for this name; try another name.")

    async def get_community(self, community_id: str, actor: Actor | None = None) -> Community:
        return await self._load(community_id, actor)

    async def get_by_slug(self, slug: str, actor: Actor | None = None) -> Community:
        community = await Community.find_one({"slug": slug, "deleted_at": None})
        if community is None or not _visible_to(community, actor):
            raise NotFoundError(f"No community with slug {slug!r}.")
        return community

    async def discover(
        self,
        categories: list[str] | None = None,
        tags: list[str] | None = None,
        featured: bool | None = None,
        sort: str = "newest",
        limit: int = 20,
        cursor: str | None = None,
    ) -> tuple[list[Community], str | None]:
        if sort not in SORTS:
            raise ValidationError(f"sort must be one of {sorted(SORTS)}.", details={"field": "sort"})
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        field, direction = SORTS[sort]
        query: dict = {"status": CommunityStatus.ACTIVE.value, "visibility": Visibility.PUBLIC.value,
                       "deleted_at": None}
        if categories:
            query["category"] = {"$in": [c.strip().lower() for c in categories]}
        if tags:
            query["tags"] = {"$in": [t.strip().lower() for t in tags]}
        if featured is not None:
            query["featured"] = featured
        if cursor:
            value, last_id = _decode_cursor(cursor, sort)
            op = "$lt" if direction < 0 else "$gt"
            query["$or"] = [{field: {op: value}}, {field: value, "_id": {op: last_id}}]
        found = await Community.find(query).sort([(field, direction), ("_id", direction)]).limit(limit + 1).to_list()
        page = found[:limit]
        next_cursor = _encode_cursor(sort, page[-1]) if len(found) > limit else None
        return page, next_cursor

    async def update_community(self, actor: Actor, community_id: str, version: int, **changes) -> Community:
        community = await self._managed(actor, community_id)
        if community.status != CommunityStatus.ACTIVE:
            raise StateConflictError(f"A community that is {community.status.value} cannot be edited.")
        changes = {k: v for k, v in changes.items() if v is not None}
        if "max_members" in changes and changes["max_members"] < community.member_count:
            raise ValidationError("max_members cannot be below the current member count.",
                                  details={"field": "max_members"})
        if "category" in changes:
            changes["category"] = changes["category"].strip().lower()
        if "tags" in changes:
            changes["tags"] = sorted({t.strip().lower() for t in changes["tags"]})
        if "visibility" in changes:
            changes["visibility"] = Visibility(changes["visibility"]).value
        changes["updated_at"] = utc_now()
        stored = await Community.get_motor_collection().find_one_and_update(
            {"_id": community.id, "version": version, "deleted_at": None},
            {"$set": changes, "$inc": {"version": 1}},
            return_document=ReturnDocument.AFTER,
        )
        if stored is None:
            current = await Community.get(community.id)
            raise VersionConflictError("The community was changed since you read it; reload and try again.",
                                       details={"current_version": current.version if current else None})
        community = Community.model_validate(stored)
        await self.events.emit(EventType.COMMUNITY_UPDATED, str(community.id), community.event_data())
        return community

    async def _move(self, actor: Actor, community: Community, allowed_from: CommunityStatus, to: CommunityStatus,
                    action: ModerationAction, event: EventType, reason: str | None = None) -> Community:
        if community.status != allowed_from:
            raise StateConflictError(f"A community that is {community.status.value} cannot be {action.value}.")
        changes: dict = {"status": to.value, "updated_at": utc_now()}
        if to != CommunityStatus.ACTIVE:
            changes.update(featured=False, featured_at=None)
        # One conditional update: of moves sent at the same moment, only one still finds the start status.
        stored = await Community.get_motor_collection().find_one_and_update(
            {"_id": community.id, "status": allowed_from.value, "deleted_at": None}, {"$set": changes},
            return_document=ReturnDocument.AFTER)
        if stored is None:
            current = await Community.get(community.id)
            status = current.status.value if current else "gone"
            raise StateConflictError(f"A community that is {status} cannot be {action.value}.")
        community = Community.model_validate(stored)
        await self._log(community, actor, action, reason)
        await self.events.emit(event, str(community.id), community.event_data())
        return community

    async def archive(self, actor: Actor, community_id: str) -> Community:
        community = await self._managed(actor, community_id, moderators=False)
        return await self._move(actor, community, CommunityStatus.ACTIVE, CommunityStatus.ARCHIVED,
                                ModerationAction.ARCHIVED, EventType.COMMUNITY_ARCHIVED)

    async def unarchive(self, actor: Actor, community_id: str) -> Community:
        community = await self._managed(actor, community_id, moderators=False)
        return await self._move(actor, community, CommunityStatus.ARCHIVED, CommunityStatus.ACTIVE,
                                ModerationAction.UNARCHIVED, EventType.COMMUNITY_UNARCHIVED)

    async def delete_community(self, actor: Actor, community_id: str) -> None:
        community = await self._managed(actor, community_id, moderators=False)
        community.deleted_at = community.updated_at = utc_now()
        community.featured = False
        await community.save()
        await self.events.emit(EventType.COMMUNITY_DELETED, str(community.id), {"id": str(community.id)})

    async def suspend(self, actor: Actor, community_id: str, reason: str) -> Community:
        community = await self._admin(actor, community_id)
        return await self._move(actor, community, CommunityStatus.ACTIVE, CommunityStatus.SUSPENDED,
                                ModerationAction.SUSPENDED, EventType.COMMUNITY_SUSPENDED, reason)

    async def reinstate(self, actor: Actor, community_id: str) -> Community:
        community = await self._admin(actor, community_id)
        return await self._move(actor, community, CommunityStatus.SUSPENDED, CommunityStatus.ACTIVE,
                                ModerationAction.REINSTATED, EventType.COMMUNITY_REINSTATED)

    async def feature(self, actor: Actor, community_id: str) -> Community:
        community = await self._admin(actor, community_id)
        if community.status != CommunityStatus.ACTIVE or community.featured:
            raise StateConflictError("Only an active community that is not featured yet can be featured.")
        now = utc_now()
        stored = await Community.get_motor_collection().find_one_and_update(
            {"_id": community.id, "status": CommunityStatus.ACTIVE.value, "featured": False, "deleted_at": None},
            {"$set": {"featured": True, "featured_at": now, "updated_at": now}}, return_document=ReturnDocument.AFTER)
        if stored is None:  # featured (or moved) by a request at the same moment
            raise StateConflictError("Only an active community that is not featured yet can be featured.")
        community = Community.model_validate(stored)
        await self._log(community, actor, ModerationAction.FEATURED)
        await self.events.emit(EventType.COMMUNITY_FEATURED, str(community.id), community.event_data())
        return community

    async def moderation_log(self, actor: Actor, community_id: str) -> list[ModerationLogEntry]:
        community = await self._managed(actor, community_id)
        return await ModerationLogEntry.find({"community_id": str(community.id)}).sort(
            [("created_at", -1), ("_id", -1)]).limit(MAX_PAGE_SIZE).to_list()
