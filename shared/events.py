"""The event catalogue: every event type the platform emits, and the envelope they travel in.

The topic of an event is the part of its type before the dot (``user.created`` -> ``user``);
the message key is the entity id. This module is the one list of events: docs and tests
are checked against it.
"""

import uuid
from enum import Enum
from typing import Any

from shared.timeutil import utc_now


class EventType(str, Enum):
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"
    USER_DELETED = "user.deleted"

    SUPPLIER_CREATED = "supplier.created"
    SUPPLIER_UPDATED = "supplier.updated"
    SUPPLIER_DELETED = "supplier.deleted"

    PRODUCT_CREATED = "product.created"
    PRODUCT_UPDATED = "product.updated"
    PRODUCT_PUBLISHED = "product.published"
    PRODUCT_DISCONTINUED = "product.discontinued"
    PRODUCT_OUT_OF_STOCK = "product.out_of_stock"
    PRODUCT_RESTORED = "product.restored"
    PRODUCT_DELETED = "product.deleted"

    ORDER_CREATED = "order.created"
    ORDER_CANCELLED = "order.cancelled"

    POST_CREATED = "post.created"
    POST_UPDATED = "post.updated"
    POST_PUBLISHED = "post.published"
    POST_DELETED = "post.deleted"

    @property
    def topic(self) -> str:
        return self.value.split(".", 1)[0]


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
