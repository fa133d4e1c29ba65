"""How services publish domain events.

Services call ``await events.emit(EventType.USER_CREATED, user_id, data)``. Publishing is
awaitable from the start because a real Kafka producer is (the Kafka task plugs one in
without changing any service). Until then:

- ``LoggingPublisher`` (the default) logs each event and drops it;
- ``CollectionPublisher`` stores each envelope in the ``_kit_events`` collection of the
  app's database, where the grader reads it when the app runs in its own process.

With ``EVENT_SINK=kafka`` the app uses your ``backend.kafka_events.KafkaPublisher`` (Task 09);
``EVENT_SINK=collection,kafka`` (the compose stack) sends every event to both.
"""

import logging
from typing import Any, Protocol

from shared.events import EventType, make_envelope

log = logging.getLogger("backend.events")

EVENTS_COLLECTION = "_kit_events"


class EventDeliveryError(RuntimeError):
    """An event could not be delivered (the broker is down, refused it, or did not confirm
    in time). The app answers 503 with this message."""


class EventPublisher(Protocol):
    async def emit(self, event_type: EventType, entity_id: str, data: dict[str, Any]) -> None: ...


class LoggingPublisher:
    """Stand-in for the Kafka producer: logs events, delivers nothing."""

    def __init__(self) -> None:
        self._warned = False

    async def emit(self, event_type: EventType, entity_id: str, data: dict[str, Any]) -> None:
        if not self._warned:
            log.warning("No Kafka producer is configured: events are logged and dropped.")
            self._warned = True
        envelope = make_envelope(event_type, entity_id, data)
        log.info("event %s key=%s id=%s", envelope["event_type"], envelope["entity_id"], envelope["event_id"])


class CollectionPublisher:
    """Keeps every envelope in a collection of the app's database (``EVENT_SINK=collection``)."""

    def __init__(self, database: Any) -> None:
        self._collection = database[EVENTS_COLLECTION]

    async def emit(self, event_type: EventType, entity_id: str, data: dict[str, Any]) -> None:
        envelope = make_envelope(event_type, entity_id, data)
        await self._collection.insert_one({"envelope": envelope})


class FanOutPublisher:
    """Every event to each of several publishers, in order (``EVENT_SINK=collection,kafka``)."""

    def __init__(self, publishers: list[Any]) -> None:
        self.publishers = publishers

    async def emit(self, event_type: EventType, entity_id: str, data: dict[str, Any]) -> None:
        for publisher in self.publishers:
            await publisher.emit(event_type, entity_id, data)

    def flush(self, timeout: float = 10.0) -> int:
        return sum(p.flush(timeout) for p in self.publishers if callable(getattr(p, "flush", None)))
