"""Reading and maintaining user accounts.

TASK 01 - you implement every method below. Read tasks/01-user.md first.
Useful: shared.models.user.User, shared.errors (NotFoundError, AuthorizationError),
shared.identity.Actor (``actor.is_user(id)``, ``actor.is_admin``), shared.events.EventType,
shared.timeutil.utc_now, beanie.PydanticObjectId.
"""

from backend.events import EventPublisher
from shared.identity import Actor
from shared.models.user import User

MAX_PAGE_SIZE = 100


class UserService:
    def __init__(self, events: EventPublisher):
        self.events = events

    async def get_user(self, user_id: str) -> User:
        """Exercise 01.7. Return the user with this id. Raise ``NotFoundError`` when the id
        is not a valid ObjectId, when no user has it, or when the user is soft-deleted."""
        raise NotImplementedError("UserService.get_user")

    async def list_users(self, skip: int = 0, limit: int = 20) -> list[User]:
        """Exercise 01.7. Users that are not soft-deleted, oldest first (by ``created_at``,
        then ``_id`` for users created in the same instant), skipping ``skip`` and returning at most ``limit``; ``limit`` is capped at
        ``MAX_PAGE_SIZE``."""
        raise NotImplementedError("UserService.list_users")

    async def update_user(
        self,
        actor: Actor,
        user_id: str,
        display_name: str | None = None,
        phone: str | None = None,
        bio: str | None = None,
        avatar: str | None = None,
    ) -> User:
        """Exercise 01.8. ``actor`` (who is calling) may update only themself, unless their
        role is admin; anyone else raises ``AuthorizationError``. A missing or deleted user
        raises ``NotFoundError`` (checked first: users are public, so a 404 reveals nothing).
        Change only the fields that are given (not None), refresh ``updated_at``, save, emit
        ``user.updated`` with ``user.event_data()`` and return the user."""
        raise NotImplementedError("UserService.update_user")

    async def delete_user(self, actor: Actor, user_id: str) -> None:
        """Exercise 01.8. The same rule as ``update_user`` for who may do it (themself or an
        admin; else ``AuthorizationError``; a missing or already deleted user raises
        ``NotFoundError``). Soft-delete: set ``deleted_at`` (the document stays), then emit
        ``user.deleted`` whose data is only ``{"id": <user id>}``."""
        raise NotImplementedError("UserService.delete_user")
