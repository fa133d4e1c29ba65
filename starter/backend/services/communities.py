"""Creating, reading, discovering, updating and moderating communities.

TASK 03 - you implement every method below. Read tasks/03-community.md first.
Useful: shared.models.community (Community, CommunityStatus, Visibility, ModerationLogEntry,
ModerationAction), shared.errors, shared.identity.Actor, shared.events.EventType,
shared.timeutil.utc_now, beanie.PydanticObjectId, pymongo.ReturnDocument,
pymongo.errors.DuplicateKeyError.
"""

from backend.events import EventPublisher
from shared.identity import Actor
from shared.models.community import Community, ModerationLogEntry

MAX_PAGE_SIZE = 100


class CommunityService:
    def __init__(self, events: EventPublisher):
        self.events = events

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
        """Exercise 03.1. Only a user whose role is leader may create a community; anyone else
        raises ``AuthorizationError``. The slug is derived from the name (lower case, runs of
        anything but a-z and 0-9 become one "-"); when it is taken (by any community, deleted
        ones included), add "-2", "-3", ... A ``DuplicateKeyError`` from the unique slug index
        means someone took it meanwhile: try the next one. Category and tags are trimmed and
        lower-cased (tags without duplicates). The owner is the first member
        (``member_ids=[owner]``, ``member_count=1``). Emit ``community.created`` with
        ``community.event_data()``."""
        raise NotImplementedError("CommunityService.create_community")

    async def get_community(self, community_id: str, actor: Actor | None = None) -> Community:
        """Exercise 03.2. The community with this id. Raise ``NotFoundError`` when the id is
        not an ObjectId, no community has it, it is soft-deleted, or it is private and
        ``actor`` (None for an anonymous caller) is neither a member nor an admin."""
        raise NotImplementedError("CommunityService.get_community")

    async def get_by_slug(self, slug: str, actor: Actor | None = None) -> Community:
        """Exercise 03.2. The same as ``get_community``, by slug; ``NotFoundError`` in the
        same cases."""
        raise NotImplementedError("CommunityService.get_by_slug")

    async def discover(
        self,
        categories: list[str] | None = None,
        tags: list[str] | None = None,
        featured: bool | None = None,
        sort: str = "newest",
        limit: int = 20,
        cursor: str | None = None,
    ) -> tuple[list[Community], str | None]:
        """Exercise 03.2. Active, public, not deleted communities, optionally only those whose
        category is one of ``categories`` or that carry one of ``tags`` (``$in``), or whose
        ``featured`` is the given value. ``sort``: ``newest`` (created_at, newest first),
        ``name`` (A to Z) or ``members`` (most members first), ties broken by ``_id`` in the
        same direction, also across pages (the cursor holds both the value and the id). Return
        one page of at most ``limit`` (capped at ``MAX_PAGE_SIZE``) and the cursor of the next
        page, or None on the last one. A cursor that cannot be read, or that was made for
        another sort, raises ``ValidationError``; so does an unknown ``sort``."""
        raise NotImplementedError("CommunityService.discover")

    async def update_community(self, actor: Actor, community_id: str, version: int, **changes) -> Community:
        """Exercise 03.3. Only the owner, a moderator or an admin may update
        (``AuthorizationError``; ``NotFoundError`` first, as in ``get_community``). Only an
        active community can be edited (``StateConflictError``). ``max_members`` below the
        member count raises ``ValidationError``. Apply the given ``changes`` (name,
        description, category, tags, visibility, max_members, accepting_members) only if the
        stored ``version`` still equals ``version``, in one atomic update that also adds 1 to
        it and refreshes ``updated_at``; otherwise raise ``VersionConflictError`` and change
        nothing. Emit ``community.updated`` with ``community.event_data()``."""
        raise NotImplementedError("CommunityService.update_community")

    async def archive(self, actor: Actor, community_id: str) -> Community:
        """Exercise 03.4. Only the owner or an admin (``AuthorizationError``; moderators
        cannot). Only an active community can be archived (``StateConflictError``). Archiving
        also ends featuring. Record a moderation-log entry (``archived``) and emit
        ``community.archived`` with ``community.event_data()``. The move happens once: of
        requests sent at the same moment one succeeds, the others raise ``StateConflictError``
        (one conditional update whose filter holds the starting status)."""
        raise NotImplementedError("CommunityService.archive")

    async def unarchive(self, actor: Actor, community_id: str) -> Community:
        """Exercise 03.4. The reverse of ``archive``: the same callers
        (``AuthorizationError``), only from archived (``StateConflictError``) back to active;
        log ``unarchived`` and emit ``community.unarchived``. Happens once, as ``archive``."""
        raise NotImplementedError("CommunityService.unarchive")

    async def delete_community(self, actor: Actor, community_id: str) -> None:
        """Exercise 03.4. Only the owner or an admin (``AuthorizationError``). Soft delete:
        set ``deleted_at`` (and ``updated_at``); the document stays and keeps its slug. Emit
        ``community.deleted`` whose data is only ``{"id": <community id>}``."""
        raise NotImplementedError("CommunityService.delete_community")

    async def suspend(self, actor: Actor, community_id: str, reason: str) -> Community:
        """Exercise 03.7. Only admins (``AuthorizationError``). Only an active community can
        be suspended (``StateConflictError``); suspending ends featuring. Log ``suspended``
        with the reason and emit ``community.suspended``. Happens once, as ``archive``."""
        raise NotImplementedError("CommunityService.suspend")

    async def reinstate(self, actor: Actor, community_id: str) -> Community:
        """Exercise 03.7. Only admins (``AuthorizationError``). Only a suspended community
        (``StateConflictError``) becomes active again. Log ``reinstated`` and emit
        ``community.reinstated``. Happens once, as ``archive``."""
        raise NotImplementedError("CommunityService.reinstate")

    async def feature(self, actor: Actor, community_id: str) -> Community:
        """Exercise 03.7. Only admins (``AuthorizationError``). Only an active community that
        is not featured yet (``StateConflictError``). Set ``featured`` and ``featured_at``,
        log ``featured`` and emit ``community.featured``. Happens once, as ``archive``."""
        raise NotImplementedError("CommunityService.feature")

    async def moderation_log(self, actor: Actor, community_id: str) -> list[ModerationLogEntry]:
        """Exercise 03.7. The community's log entries, newest first (``_id`` descending for
        entries made in the same instant; at most
        ``MAX_PAGE_SIZE``), for its owner, moderators and admins; anyone else raises
        ``AuthorizationError`` (``NotFoundError`` first, as in ``get_community``)."""
        raise NotImplementedError("CommunityService.moderation_log")
