"""Publishing the platform's events to Kafka.

TASK 09 - you implement everything below. Read tasks/09-kafka.md first.
Useful: confluent_kafka.Producer and KafkaException, shared.events (EventType, make_envelope, TOPICS),
backend.events.EventDeliveryError, asyncio (get_running_loop, Future, call_soon_threadsafe).

The app uses this module when ``EVENT_SINK=kafka``: at start-up it calls ``get_publisher()``
and gives the publisher to every service (they only ever call ``await events.emit(...)``);
at shutdown it calls ``flush()``.
"""

import os
from dataclasses import dataclass
from typing import Any, Mapping

from shared.events import EventType

DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092"
DEFAULT_CLIENT_ID = "social-commerce-api"
DELIVERY_SECONDS = 5.0  # how long emit() waits for the broker's confirmation


@dataclass(frozen=True)
class KafkaSettings:
    bootstrap_servers: str = DEFAULT_BOOTSTRAP_SERVERS
    client_id: str = DEFAULT_CLIENT_ID
    topic_prefix: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "KafkaSettings":
        """Exercise 09.1. Read ``KAFKA_BOOTSTRAP_SERVERS``, ``KAFKA_CLIENT_ID`` and
        ``KAFKA_TOPIC_PREFIX`` from ``env`` (``os.environ`` when None); a variable that is
        unset or empty keeps the default above."""
        raise NotImplementedError("KafkaSettings.from_env")


def producer_config(settings: KafkaSettings) -> dict[str, Any]:
    """Exercise 09.1. The confluent-kafka producer configuration: ``bootstrap.servers`` and
    ``client.id`` from the settings, ``acks`` = ``"all"``, and ``message.timeout.ms`` =
    ``DELIVERY_SECONDS`` in milliseconds (an int), so the producer gives up on a message it
    cannot deliver instead of retrying for five minutes."""
    raise NotImplementedError("producer_config")


def topic_for(event_type: EventType | str, prefix: str = "") -> str:
    """Exercise 09.2. The topic an event goes to: ``prefix`` followed by the part of the
    event type before the dot (``user.created`` -> ``user``; with prefix ``t1.``:
    ``t1.user``). An event type that is not in the catalogue raises ``ValueError``."""
    raise NotImplementedError("topic_for")


class KafkaPublisher:
    """Exercise 09.2. Publishes each event to Kafka; the app's ``EventPublisher``."""

    def __init__(self, settings: KafkaSettings, producer: Any = None):
        """Keep the settings; create the confluent-kafka ``Producer`` from
        ``producer_config(settings)`` unless one is given. Creating it must not wait for
        the broker: the app starts even when Kafka is down."""
        raise NotImplementedError("KafkaPublisher.__init__")

    async def emit(self, event_type: EventType, entity_id: str, data: dict[str, Any]) -> None:
        """Exercise 09.2. Wrap the event in the catalogue's envelope (``make_envelope``) and
        produce it to ``topic_for(event_type, prefix)``, keyed by ``entity_id`` (UTF-8
        bytes), the value the envelope as UTF-8 JSON. Return only once the broker has
        confirmed delivery; raise ``EventDeliveryError`` naming the event type (its value,
        ``user.created``), the topic and the reason when delivery fails, is not confirmed
        within ``DELIVERY_SECONDS``, or ``produce`` itself raises. Never block the event loop
        while waiting: a future completed from the delivery callback, with ``poll()`` called
        from another thread."""
        raise NotImplementedError("KafkaPublisher.emit")

    def flush(self, timeout: float = 10.0) -> int:
        """Exercise 09.3. Deliver what is still queued, waiting at most ``timeout`` seconds;
        return how many messages are still undelivered (0 when all went out)."""
        raise NotImplementedError("KafkaPublisher.flush")


def get_publisher(settings: KafkaSettings | None = None) -> KafkaPublisher:
    """Exercise 09.3. The process's one publisher: created on the first call (from
    ``settings``, or ``KafkaSettings.from_env()`` when None), the same object on every
    later call."""
    raise NotImplementedError("get_publisher")
