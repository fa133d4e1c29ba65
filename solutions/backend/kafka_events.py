"""Publishing the platform's events to Kafka.

TASK 09 - you implement everything below. Read tasks/09-kafka.md first.
Useful: confluent_kafka.Producer, shared.events (EventType, make_envelope, TOPICS),
backend.events.EventDeliveryError, asyncio (get_running_loop, Future, call_soon_threadsafe).

The app uses this module when ``EVENT_SINK=kafka``: at start-up it calls ``get_publisher()``
and gives the publisher to every service (they only ever call ``await events.emit(...)``);
at shutdown it calls ``flush()``.
"""

import asyncio
import json
import logging
import os
import threading
from dataclasses import dataclass
from typing import Any, Mapping

from confluent_kafka import KafkaException, Producer

from backend.events import EventDeliveryError
from shared.events import EventType, make_envelope

log = logging.getLogger("backend.kafka_events")

DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092"
DEFAULT_CLIENT_ID = "social-commerce-api"
DELIVERY_SECONDS = 5.0  # how long emit() waits for the broker's confirmation
POLL_SECONDS = 0.1  # how long one poll() of the delivery thread waits for reports


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
        env = os.environ if env is None else env
        return cls(bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS") or cls.bootstrap_servers,
                   client_id=env.get("KAFKA_CLIENT_ID") or cls.client_id,
                   topic_prefix=env.get("KAFKA_TOPIC_PREFIX") or cls.topic_prefix)


def producer_config(settings: KafkaSettings) -> dict[str, Any]:
    """Exercise 09.1. The confluent-kafka producer configuration: ``bootstrap.servers`` and
    ``client.id`` from the settings, ``acks`` = ``"all"``, and ``message.timeout.ms`` =
    ``DELIVERY_SECONDS`` in milliseconds (an int), so the producer gives up on a message it
    cannot deliver instead of retrying for five minutes."""
    return {
        "bootstrap.servers": settings.bootstrap_servers,
        "client.id": settings.client_id,
        "acks": "all",  # confirmed only once every in-sync replica has the message
        "message.timeout.ms": int(DELIVERY_SECONDS * 1000),
    }


def topic_for(event_type: EventType | str, prefix: str = "") -> str:
    """Exercise 09.2. The topic an event goes to: ``prefix`` followed by the part of the
    event type before the dot (``user.created`` -> ``user``; with prefix ``t1.``:
    ``t1.user``). An event type that is not in the catalogue raises ``ValueError``."""
    return prefix + EventType(event_type).topic


def _settle(future: asyncio.Future, error: Any) -> None:
    """In the event loop: hand the delivery report to the emit() that waits for it."""
    if not future.done():  # emit() may have given up already
        future.set_result(error)


class KafkaPublisher:
    """Exercise 09.2. Publishes each event to Kafka; the app's ``EventPublisher``."""

    def __init__(self, settings: KafkaSettings, producer: Any = None):
        """Keep the settings; create the confluent-kafka ``Producer`` from
        ``producer_config(settings)`` unless one is given. Creating it must not wait for
        the broker: the app starts even when Kafka is down."""
        self.settings = settings
        self._producer = producer if producer is not None else Producer(producer_config(settings))
        # Delivery reports arrive only while someone calls poll(): a thread of ours does,
        # for as long as a report is awaited, so nothing blocks the event loop.
        self._lock = threading.Lock()
        self._awaited = 0
        self._poller: threading.Thread | None = None

    async def emit(self, event_type: EventType, entity_id: str, data: dict[str, Any]) -> None:
        """Exercise 09.2. Wrap the event in the catalogue's envelope (``make_envelope``) and
        produce it to ``topic_for(event_type, prefix)``, keyed by ``entity_id`` (UTF-8
        bytes), the value the envelope as UTF-8 JSON. Return only once the broker has
        confirmed delivery; raise ``EventDeliveryError`` naming the event type (its value,
        ``user.created``), the topic and the reason when delivery fails, is not confirmed
        within ``DELIVERY_SECONDS``, or ``produce`` itself raises. Never block the event loop
        while waiting: a future completed from the delivery callback, with ``poll()`` called
        from another thread."""
        name = EventType(event_type).value
        topic = topic_for(event_type, self.settings.topic_prefix)
        envelope = make_envelope(event_type, entity_id, data)
        loop = asyncio.get_running_loop()
        report: asyncio.Future = loop.create_future()

        def on_delivery(error, _message) -> None:  # called by poll(), in the poll's thread
            self._reported()
            try:
                loop.call_soon_threadsafe(_settle, report, error)
            except RuntimeError:  # that event loop is closed: nobody waits any more
                pass

        self._awaiting()
        try:
            self._producer.produce(topic, key=str(entity_id).encode("utf-8"),
                                   value=json.dumps(envelope, ensure_ascii=False).encode("utf-8"),
                                   on_delivery=on_delivery)
        except (BufferError, KafkaException) as exc:  # the local queue is full, or a bad setting
            self._reported()
            raise EventDeliveryError(f"{name} could not be sent to topic {topic}: {exc}") from None
        try:
            error = await asyncio.wait_for(report, DELIVERY_SECONDS + 1)
        except asyncio.TimeoutError:
            raise EventDeliveryError(f"{name} was not confirmed by Kafka on topic {topic} within "
                                     f"{DELIVERY_SECONDS:g} s") from None
        if error is not None:
            raise EventDeliveryError(f"{name} could not be delivered to topic {topic}: {error.str()}")

    def flush(self, timeout: float = 10.0) -> int:
        """Exercise 09.3. Deliver what is still queued, waiting at most ``timeout`` seconds;
        return how many messages are still undelivered (0 when all went out)."""
        return self._producer.flush(timeout)

    # -- the delivery thread --

    def _awaiting(self) -> None:
        with self._lock:
            self._awaited += 1
            if self._poller is None:
                self._poller = threading.Thread(target=self._poll, name="kafka-deliveries", daemon=True)
                self._poller.start()

    def _reported(self) -> None:
        with self._lock:
            self._awaited -= 1

    def _poll(self) -> None:
        """Serve delivery reports until none is awaited, then end (the next emit starts
        another thread), so an idle publisher holds no thread."""
        while True:
            try:
                self._producer.poll(POLL_SECONDS)
            except Exception:  # noqa: BLE001 (a callback raised: keep serving the others)
                log.exception("serving Kafka delivery reports failed")
            with self._lock:
                if self._awaited <= 0:
                    self._poller = None
                    return


_publisher: KafkaPublisher | None = None
_publisher_lock = threading.Lock()


def get_publisher(settings: KafkaSettings | None = None) -> KafkaPublisher:
    """Exercise 09.3. The process's one publisher: created on the first call (from
    ``settings``, or ``KafkaSettings.from_env()`` when None), the same object on every
    later call."""
    global _publisher
    with _publisher_lock:
        if _publisher is None:
            _publisher = KafkaPublisher(settings or KafkaSettings.from_env())
        return _publisher
