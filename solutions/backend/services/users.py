"""Reading and maintaining user accounts. (Task 01, reference solution.)"""

from beanie import PydanticObjectId

from backend.events import EventPublisher
from shared.errors import AuthorizationError, NotFoundError
from shared.events import EventType
from shared.identity import Actor
from shared.models.user import User
from shared.timeutil import utc_now

MAX_PAGE_SIZE = 100


class UserService:
    def __init__(self, events: EventPublisher):
        self.events = events

    async def get_user(self, user_id: str) -> User:
        if not PydanticObjectId.is_valid(user_id):
            raise NotFoundError(f"No user with id {user_id!r}.")
        user = await User.get(PydanticObjectId(user_id))
        if user is None or user.is_deleted():
            raise NotFoundError(f"No user with id {user_id!r}.")
        return user

    async def _changeable(self, actor: Actor, user_id: str) -> User:
        """The user ``actor`` may change: themself, or anyone for an admin."""
        user = await self.get_user(user_id)
        if not (actor.is_user(str(user.id)) or actor.is_admin):
            raise AuthorizationError("You can change only your own account.")
        return user

    async def list_users(self, skip: int = 0, limit: int = 20) -> list[User]:
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        skip = max(0, skip)
        query = User.find({"deleted_at": None}).sort([("created_at", 1), ("_id", 1)])
        return await query.skip(skip).limit(limit).to_list()

    async def update_user(
        self,
        actor: Actor,
        user_id: str,
        display_name: str | None = None,
        phone: str | None = None,
        bio: str | None = None,
        avatar: str | None = None,
    ) -> User:
        user = await self._changeable(actor, user_id)
        if display_name is not None:
            user.profile.display_name = display_name
        if phone is not None:
            user.contact_info.phone = phone
        if bio is not None:
            user.profile.bio = bio
        if avatar is not None:
            user.profile.avatar = avatar
        user.updated_at = utc_now()
        await user.save()
        await self.events.emit(EventType.USER_UPDATED, str(user.id), user.event_data())
        return user

    async def delete_user(self, actor: Actor, user_id: str) -> None:
        user = await self._changeable(actor, user_id)
        now = utc_now()
        user.deleted_at = now
        user.updated_at = now
        await user.save()
        await self.events.emit(EventType.USER_DELETED, str(user.id), {"id": str(user.id)})
