"""Who is acting: the identity every protected route hands to its service.

The app builds an ``Actor`` from a verified access token (``backend/identity.py``, kit
code); services receive it and decide with it. The rules every task follows:

- an action on something the actor owns, or that their role allows, goes ahead;
- an action on something the actor may see but not change raises ``AuthorizationError``
  (403);
- something the actor may not even know exists (a private community they are not in, a
  draft of someone else) raises ``NotFoundError`` (404), exactly as if it did not exist.
"""

from dataclasses import dataclass
from enum import Enum


class ActorKind(str, Enum):
    USER = "user"
    SUPPLIER = "supplier"


# The ``role`` claim of an access token (Task 01's token contract). Users carry their
# UserRole value; suppliers carry "supplier".
SUPPLIER_ROLE = "supplier"
ADMIN_ROLE = "admin"


@dataclass(frozen=True)
class Actor:
    id: str  # the account's id, as a string
    kind: ActorKind
    role: str  # "consumer", "leader", "admin" for users; "supplier" for suppliers

    @property
    def is_admin(self) -> bool:
        return self.kind is ActorKind.USER and self.role == ADMIN_ROLE

    def is_user(self, user_id: str) -> bool:
        """True when the actor is the user with this id."""
        return self.kind is ActorKind.USER and self.id == str(user_id)
