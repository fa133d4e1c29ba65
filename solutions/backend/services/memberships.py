"""Joining and leaving communities, their members and the join requests of private ones.
(Task 03, reference solution.)"""

import base64

from beanie import PydanticObjectId
from pymongo import ReturnDocument

from backend.events import EventPublisher
from shared.errors import (AuthorizationError, DuplicateError, NotFoundError, StateConflictError,
                           ValidationError)
from shared.events import EventType
from shared.identity import Actor
from shared.models.community import Community, CommunityStatus, JoinRequest, JoinRequestStatus, Visibility
from shared.timeutil import utc_now

MAX_PAGE_SIZE = 100


class MembershipService:
    def __init__(self, events: EventPublisher):
        self.events = events

    async def _load(self, community_id: str, actor: Actor | None) -> Community:
        community = None
        if PydanticObjectId.is_valid(community_id):
            community = await Community.get(PydanticObjectId(community_id))
        hidden = community is not None and community.visibility == Visibility.PRIVATE and not (
            actor is not None and (actor.is_admin or community.is_member(actor.id)))
        if community is None or community.is_deleted() or hidden:
            raise NotFoundError(f"No community with id {community_id!r}.")
        return community

    async def _loaded_for_request(self, community_id: str) -> Community:
        community = None
        if PydanticObjectId.is_valid(community_id):
            community = await Community.get(PydanticObjectId(community_id))
        if community is None or community.is_deleted():
            raise NotFoundError(f"No community with id {community_id!r}.")
        return community

    def _check_open(self, community: Community) -> None:
        if community.status != CommunityStatus.ACTIVE:
            raise StateConflictError(f"This community is {community.status.value}; it takes no new members.")
        if not community.accepting_members:
            raise StateConflictError("This community is closed to new members.")
        if community.max_members is not None and community.member_count >= community.max_members:
            raise StateConflictError("This community is full.")

    async def _add_member(self, community: Community, user_id: str) -> Community | None:
        """Add ``user_id`` in one atomic update; None when the filter no longer matches."""
        query: dict = {"_id": community.id, "deleted_at": None, "status": CommunityStatus.ACTIVE.value,
                       "accepting_members": True, "member_ids": {"$ne": user_id}}
        if community.max_members is not None:
            query["member_count"] = {"$lt": community.max_members}
        stored = await Community.get_motor_collection().find_one_and_update(
            query, {"$addToSet": {"member_ids": user_id}, "$inc": {"member_count": 1}},
            return_document=ReturnDocument.AFTER)
        return None if stored is None else Community.model_validate(stored)

    async def _joined(self, community: Community, user_id: str) -> None:
        await self.events.emit(EventType.COMMUNITY_MEMBER_JOINED, str(community.id),
                               {"id": str(community.id), "user_id": user_id, "member_count": community.member_count})

    async def join(self, actor: Actor, community_id: str) -> Community:
        community = await self._loaded_for_request(community_id)
        if community.is_member(actor.id):
            raise DuplicateError("You are already a member of this community.")
        if community.visibility == Visibility.PRIVATE:
            raise StateConflictError("This community is private: send a join request instead.")
        self._check_open(community)
        updated = await self._add_member(community, actor.id)
        if updated is None:  # something changed since we read it: say what
            current = await self._loaded_for_request(community_id)
            if current.is_member(actor.id):
                raise DuplicateError("You are already a member of this community.")
            self._check_open(current)
            raise StateConflictError("The community changed while you joined; try again.")
        await self._joined(updated, actor.id)
        return updated

    async def leave(self, actor: Actor, community_id: str) -> Community:
        community = await self._load(community_id, actor)
        if community.is_owner(actor.id):
            raise StateConflictError("The owner cannot leave their own community.")
        stored = await Community.get_motor_collection().find_one_and_update(
            {"_id": community.id, "member_ids": actor.id},
            {"$pull": {"member_ids": actor.id, "moderator_ids": actor.id}, "$inc": {"member_count": -1}},
            return_document=ReturnDocument.AFTER)
        if stored is None:
            raise StateConflictError("You are not a member of this community.")
        updated = Community.model_validate(stored)
        await self.events.emit(EventType.COMMUNITY_MEMBER_LEFT, str(updated.id),
                               {"id": str(updated.id), "user_id": actor.id, "member_count": updated.member_count})
        return updated

    async def list_members(self, actor: Actor | None, community_id: str, limit: int = 20,
                           cursor: str | None = None) -> tuple[list[tuple[str, str]], str | None]:
        community = await self._load(community_id, actor)
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        after = ""
        if cursor:
            try:
                after = base64.urlsafe_b64decode(cursor.encode()).decode()
            except ValueError:
                after = ""
            if not PydanticObjectId.is_valid(after):
                raise ValidationError("The cursor is not valid for this listing.", details={"field": "cursor"})
        ids = sorted(i for i in community.member_ids if i > after)
        page = ids[:limit]
        roles = [(i, "owner" if community.is_owner(i) else "moderator" if community.is_moderator(i) else "member")
                 for i in page]
        next_cursor = base64.urlsafe_b64encode(page[-1].encode()).decode() if len(ids) > limit else None
        return roles, next_cursor

    async def request_to_join(self, actor: Actor, community_id: str, message: str | None = None) -> JoinRequest:
        community = await self._loaded_for_request(community_id)
        if community.visibility != Visibility.PRIVATE:
            raise StateConflictError("This community is public: join it directly.")
        if community.is_member(actor.id):
            raise DuplicateError("You are already a member of this community.")
        self._check_open(community)
        pending = await JoinRequest.find_one({"community_id": str(community.id), "user_id": actor.id,
                                              "status": JoinRequestStatus.PENDING.value})
        if pending is not None:
            raise DuplicateError("You already have a pending request for this community.")
        request = JoinRequest(community_id=str(community.id), user_id=actor.id, message=message)
        await request.insert()
        return request

    async def _managed(self, actor: Actor, community_id: str) -> Community:
        community = await self._load(community_id, actor)
        if not (actor.is_admin or community.is_owner(actor.id) or community.is_moderator(actor.id)):
            raise AuthorizationError("Only the owner, its moderators or an admin may do this.")
        return community

    async def list_join_requests(self, actor: Actor, community_id: str) -> list[JoinRequest]:
        community = await self._managed(actor, community_id)
        return await JoinRequest.find({"community_id": str(community.id),
                                       "status": JoinRequestStatus.PENDING.value}).sort(
            [("created_at", 1), ("_id", 1)]).limit(MAX_PAGE_SIZE).to_list()

    async def _claim(self, actor: Actor, community_id: str, request_id: str,
                     to: JoinRequestStatus) -> tuple[Community, JoinRequest]:
        community = await self._managed(actor, community_id)
        request = None
        if PydanticObjectId.is_valid(request_id):
            request = await JoinRequest.get(PydanticObjectId(request_id))
        if request is None or request.community_id != str(community.id):
            raise NotFoundError(f"No join request with id {request_id!r} in this community.")
        stored = await JoinRequest.get_motor_collection().find_one_and_update(
            {"_id": request.id, "status": JoinRequestStatus.PENDING.value},
            {"$set": {"status": to.value, "decided_by": actor.id, "decided_at": utc_now()}},
            return_document=ReturnDocument.AFTER)
        if stored is None:
            raise StateConflictError(f"This request is already {request.status.value}.")
        return community, JoinRequest.model_validate(stored)

    async def approve_request(self, actor: Actor, community_id: str, request_id: str) -> JoinRequest:
        community, request = await self._claim(actor, community_id, request_id, JoinRequestStatus.APPROVED)
        try:
            self._check_open(community)
            updated = await self._add_member(community, request.user_id)
            if updated is None:
                raise StateConflictError("The community cannot take this member now.")
        except StateConflictError:
            await JoinRequest.get_motor_collection().update_one(
                {"_id": request.id}, {"$set": {"status": JoinRequestStatus.PENDING.value, "decided_by": None,
                                               "decided_at": None}})
            raise
        await self._joined(updated, request.user_id)
        return request

    async def reject_request(self, actor: Actor, community_id: str, request_id: str) -> JoinRequest:
        _, request = await self._claim(actor, community_id, request_id, JoinRequestStatus.REJECTED)
        return request
