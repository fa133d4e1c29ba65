"""The event catalogue: every event type the platform emits, the envelope they travel in,
and what each one carries. This is the one list: the task docs, the tests and the services
are checked against it (``grader/checks/consistency.py``, and the testkit's event readers).

The topic of an event is the part of its type before the dot (``user.created`` -> ``user``);
the message key is the entity id.

What ``data`` carries, per event:
- ``DOCUMENT``: the entity as the consumers see it (``<model>.event_data()``: the document
  without secrets such as password hashes or login bookkeeping), with its ``id``;
- ``ID``: only ``{"id": <entity id>}`` (deletes: the consumer already has the rest);
- a tuple of keys: exactly those keys (e.g. an order's cancellation).
"""

import uuid
from enum import Enum
from typing import Any

from shared.timeutil import utc_now

DOCUMENT, ID = "document", "id"
ENVELOPE_KEYS = ("event_type", "event_id", "timestamp", "entity_id", "data")
# Keys that never travel in an event's data, at any depth.
SECRET_KEYS = frozenset({"password_hash", "security", "token_hash", "token", "banking_info", "account_number"})


class EventType(str, Enum):
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"
    USER_DELETED = "user.deleted"

    SUPPLIER_CREATED = "supplier.created"
    SUPPLIER_UPDATED = "supplier.updated"
    SUPPLIER_DELETED = "supplier.deleted"

    COMMUNITY_CREATED = "community.created"
    COMMUNITY_UPDATED = "community.updated"
    COMMUNITY_ARCHIVED = "community.archived"
    COMMUNITY_UNARCHIVED = "community.unarchived"
    COMMUNITY_SUSPENDED = "community.suspended"
    COMMUNITY_REINSTATED = "community.reinstated"
    COMMUNITY_FEATURED = "community.featured"
    COMMUNITY_DELETED = "community.deleted"
    COMMUNITY_MEMBER_JOINED = "community.member_joined"
    COMMUNITY_MEMBER_LEFT = "community.member_left"

    PRODUCT_CREATED = "product.created"
    PRODUCT_UPDATED = "product.updated"
    PRODUCT_PUBLISHED = "product.published"
    PRODUCT_DISCONTINUED = "product.discontinued"
    PRODUCT_OUT_OF_STOCK = "product.out_of_stock"
    PRODUCT_RESTORED = "product.restored"
    PRODUCT_DELETED = "product.deleted"

    POST_CREATED = "post.created"
    POST_UPDATED = "post.updated"
    POST_PUBLISHED = "post.published"
    POST_DELETED = "post.deleted"

    PROMOTION_CREATED = "promotion.created"
    PROMOTION_UPDATED = "promotion.updated"
    PROMOTION_SUBMITTED = "promotion.submitted"  # its scopes' deciders are asked
    PROMOTION_APPROVED = "promotion.approved"  # the last scope approved: it is scheduled
    PROMOTION_REJECTED = "promotion.rejected"  # a scope said no: back to its supplier as a draft
    PROMOTION_ACTIVATED = "promotion.activated"
    PROMOTION_ENDED = "promotion.ended"
    PROMOTION_CANCELLED = "promotion.cancelled"
    PROMOTION_DELETED = "promotion.deleted"

    ORDER_CREATED = "order.created"
    ORDER_CONFIRMED = "order.confirmed"
    ORDER_UPDATED = "order.updated"
    ORDER_CANCELLED = "order.cancelled"

    @property
    def topic(self) -> str:
        return self.value.split(".", 1)[0]

    @property
    def carries(self) -> "str | tuple[str, ...]":
        """What this event's ``data`` holds (see the module docstring)."""
        return _CARRIES.get(self, DOCUMENT)


# Everything not listed carries the document.
_CARRIES: dict[EventType, "str | tuple[str, ...]"] = {
    EventType.USER_DELETED: ID,
    EventType.SUPPLIER_DELETED: ID,
    EventType.COMMUNITY_DELETED: ID,
    EventType.PRODUCT_DELETED: ID,
    EventType.POST_DELETED: ID,
    EventType.PROMOTION_DELETED: ID,
    EventType.COMMUNITY_MEMBER_JOINED: ("id", "user_id", "member_count"),
    EventType.COMMUNITY_MEMBER_LEFT: ("id", "user_id", "member_count"),
    EventType.ORDER_CANCELLED: ("id", "order_number", "reason"),
}

TOPICS: tuple[str, ...] = tuple(dict.fromkeys(event.topic for event in EventType))


def make_envelope(event_type: EventType, entity_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """Wrap an event's data in the envelope every consumer expects."""
    return {
        "event_type": EventType(event_type).value,
        "event_id": str(uuid.uuid4()),
        "timestamp": utc_now().isoformat(),
        "entity_id": str(entity_id),
        "data": data,
    }


def envelope_problems(envelope: Any) -> list[str]:
    """What is wrong with an envelope against the catalogue, in plain words (empty: fine)."""
    if not isinstance(envelope, dict):
        return [f"an event must be a dict envelope, got {type(envelope).__name__}"]
    problems = []
    if tuple(envelope) != ENVELOPE_KEYS and set(envelope) != set(ENVELOPE_KEYS):
        problems.append(f"envelope keys must be {list(ENVELOPE_KEYS)}, got {sorted(envelope)}")
    try:
        event_type = EventType(envelope.get("event_type"))
    except ValueError:
        return problems + [f"event type {envelope.get('event_type')!r} is not in the catalogue (shared/events.py)"]
    data, entity_id = envelope.get("data"), envelope.get("entity_id")
    if not isinstance(data, dict):
        return problems + [f"{event_type.value}: data must be a dict, got {type(data).__name__}"]
    carries = event_type.carries
    if carries == ID and data != {"id": entity_id}:
        problems.append(f"{event_type.value}: data must be only {{'id': entity_id}}, got keys {sorted(data)}")
    elif isinstance(carries, tuple) and sorted(data) != sorted(carries):
        problems.append(f"{event_type.value}: data must have exactly the keys {list(carries)}, got {sorted(data)}")
    elif carries == DOCUMENT and data.get("id") != entity_id:
        problems.append(f"{event_type.value}: data must be the document, with 'id' equal to the entity_id")
    leaked = sorted(secret_paths(data))
    if leaked:
        problems.append(f"{event_type.value}: data must not carry secrets, found {leaked}")
    return problems


def secret_paths(value: Any, path: str = "") -> list[str]:
    """Dotted paths of SECRET_KEYS anywhere inside ``value``."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if key in SECRET_KEYS:
                found.append(here)
            found += secret_paths(item, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += secret_paths(item, f"{path}[{index}]")
    return found
