"""Joining and leaving communities, their members and the join requests of private ones.

TASK 03 - you implement every method below. Read tasks/03-community.md first.
Useful: shared.models.community (Community, JoinRequest, JoinRequestStatus, ...),
shared.errors, shared.identity.Actor, shared.events.EventType, beanie.PydanticObjectId,
pymongo.ReturnDocument, ``Community.get_motor_collection()`` for atomic updates.
"""

from backend.events import EventPublisher
from shared.identity import Actor
from shared.models.community import Community, JoinRequest

MAX_PAGE_SIZE = 100


class MembershipService:
    def __init__(self, events: EventPublisher):
        self.events = events

    async def join(self, actor: Actor, community_id: str) -> Community:
        """Exercise 03.5. Add the caller to a public community and return it. A missing or
        deleted community raises ``NotFoundError``; a member joining again raises
        ``DuplicateError``; a private community (it takes join requests), one that is not
        active, one closed to new members or a full one raise ``StateConflictError``. Add the
        member and count them in ONE atomic update (``$addToSet`` and ``$inc``, with a filter
        that the caller is not a member yet and, with a limit, that there is room). Emit
        ``community.member_joined`` with exactly ``id``, ``user_id`` and ``member_count``."""
        raise NotImplementedError("MembershipService.join")

    async def leave(self, actor: Actor, community_id: str) -> Community:
        """Exercise 03.5. Remove the caller (from the members and the moderators) in one
        atomic update (``$pull`` and ``$inc`` -1) and return the community. ``NotFoundError``
        as in reading (a private community hides from non-members); the owner cannot leave
        and a non-member has nothing to leave: ``StateConflictError``. Emit
        ``community.member_left`` with exactly ``id``, ``user_id`` and ``member_count``."""
        raise NotImplementedError("MembershipService.leave")

    async def list_members(self, actor: Actor | None, community_id: str, limit: int = 20,
                           cursor: str | None = None) -> tuple[list[tuple[str, str]], str | None]:
        """Exercise 03.6. One page of ``(user_id, role)`` pairs (role: owner, moderator or
        member) ordered by user id (ascending; ids are unique, so there are no ties), at most ``limit`` (capped at ``MAX_PAGE_SIZE``), and the
        cursor of the next page (None on the last). ``NotFoundError`` as in reading: a private
        community's members are invisible to non-members. An unreadable cursor raises
        ``ValidationError``."""
        raise NotImplementedError("MembershipService.list_members")

    async def request_to_join(self, actor: Actor, community_id: str, message: str | None = None) -> JoinRequest:
        """Exercise 03.6. Store a pending join request for a private community. A missing or
        deleted community raises ``NotFoundError`` (its id is the invitation: a private one
        takes requests from non-members). A public community, or one that is not active or
        is closed to new members, raises ``StateConflictError``; a member, or a caller with a
        pending request already, ``DuplicateError``."""
        raise NotImplementedError("MembershipService.request_to_join")

    async def list_join_requests(self, actor: Actor, community_id: str) -> list[JoinRequest]:
        """Exercise 03.6. The pending requests, oldest first (``_id`` ascending for requests
        made in the same instant), for the owner, moderators and
        admins; anyone else raises ``AuthorizationError`` (``NotFoundError`` first)."""
        raise NotImplementedError("MembershipService.list_join_requests")

    async def approve_request(self, actor: Actor, community_id: str, request_id: str) -> JoinRequest:
        """Exercise 03.6. The owner, a moderator or an admin approves a pending request
        (``AuthorizationError`` for anyone else; ``NotFoundError`` for a request of another
        community or none). A request that is not pending, or a community that cannot take
        the member (not active, closed, full), raises ``StateConflictError`` and leaves the
        request pending. The requester becomes a member as in ``join`` (atomic, counted) and
        ``community.member_joined`` is emitted. Record ``decided_by`` and ``decided_at``. A
        request is decided once: of decisions sent at the same moment one wins, the others
        raise ``StateConflictError``."""
        raise NotImplementedError("MembershipService.approve_request")

    async def reject_request(self, actor: Actor, community_id: str, request_id: str) -> JoinRequest:
        """Exercise 03.6. As ``approve_request`` for who may do it (``AuthorizationError``)
        and which request (``NotFoundError``, ``StateConflictError`` when not pending); the
        request becomes rejected and nobody joins."""
        raise NotImplementedError("MembershipService.reject_request")
