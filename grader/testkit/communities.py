"""Communities for the tests of Task 03, put straight into the database (no learner code):
a test that is about joining does not depend on the learner's create, and so on. Users come
from ``grader.testkit.accounts.seed_user``; act as them with ``grader.testkit.tokens``."""

import re
from datetime import datetime, timedelta

from shared.timeutil import utc_now


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


async def seed_community(owner, name: str = "Garden Club", *, category: str = "gardening",
                         tags: list[str] | None = None, visibility: str = "public", status: str = "active",
                         members: list = (), moderators: list = (), max_members: int | None = None,
                         accepting_members: bool = True, featured: bool = False, version: int = 1,
                         created_at: datetime | None = None, deleted: bool = False, slug: str | None = None,
                         id=None):
    """Insert a community owned by ``owner`` (a User document) and return it. ``members`` and
    ``moderators`` are User documents; moderators are members too, and so is the owner.
    ``id``: its _id (an ObjectId; by default a new one)."""
    from shared.models.community import Community, CommunityStatus, Visibility

    now = utc_now()
    ids = [str(owner.id)] + [str(u.id) for u in (*moderators, *members)]
    ids = list(dict.fromkeys(ids))
    community = Community(
        name=name, slug=slug or _slug(name), category=category, tags=list(tags or []),
        visibility=Visibility(visibility), status=CommunityStatus(status), owner_id=str(owner.id),
        moderator_ids=[str(u.id) for u in moderators], member_ids=ids, member_count=len(ids),
        max_members=max_members, accepting_members=accepting_members, featured=featured,
        featured_at=now if featured else None, version=version,
        created_at=created_at or now, updated_at=created_at or now, deleted_at=now if deleted else None,
        **({"id": id} if id is not None else {}),
    )
    await community.insert()
    return community


async def seed_communities(owner, count: int, *, start: datetime | None = None, prefix: str = "Club",
                           **options) -> list:
    """``count`` communities created one minute apart, oldest first, named "<prefix> 00"..."""
    start = start or utc_now() - timedelta(days=1)
    return [await seed_community(owner, f"{prefix} {i:02d}", created_at=start + timedelta(minutes=i), **options)
            for i in range(count)]


async def seed_join_request(community, user, *, status: str = "pending", message: str | None = None,
                            created_at: datetime | None = None, id=None):
    """Insert a join request of ``user`` to ``community``; ``id``: its _id (by default a new one)."""
    from shared.models.community import JoinRequest, JoinRequestStatus

    request = JoinRequest(community_id=str(community.id), user_id=str(user.id), message=message,
                          status=JoinRequestStatus(status), **({"id": id} if id is not None else {}))
    if created_at is not None:
        request.created_at = created_at
    await request.insert()
    return request


async def seed_log_entry(community, actor, action: str = "featured", *, reason: str | None = None,
                         created_at: datetime | None = None, id=None):
    """Insert a moderation-log entry of ``community`` by ``actor`` (a User document);
    ``action``: archived, unarchived, suspended, reinstated or featured; ``id``: its _id."""
    from shared.models.community import ModerationAction, ModerationLogEntry

    entry = ModerationLogEntry(community_id=str(community.id), actor_id=str(actor.id), action=ModerationAction(action),
                               reason=reason, created_at=created_at or utc_now(),
                               **({"id": id} if id is not None else {}))
    await entry.insert()
    return entry


async def stored(community):
    """The current state of a community in the database."""
    from shared.models.community import Community

    return await Community.get(community.id)


async def stored_request(request):
    from shared.models.community import JoinRequest

    return await JoinRequest.get(request.id)


async def log_entries(community) -> list:
    """The moderation-log entries of a community, oldest first."""
    from shared.models.community import ModerationLogEntry

    return await ModerationLogEntry.find({"community_id": str(community.id)}).sort([("created_at", 1), ("_id", 1)]).to_list()


async def count_communities() -> int:
    from shared.models.community import Community

    return await Community.find({}).count()
