"""The consumer framework the analytics service runs on.

TASK 09 - you implement everything below. Read tasks/09-kafka.md first.
Useful: confluent_kafka.Consumer (subscribe, poll, commit, close), json, signal, threading,
shared.events (EventType, envelope_problems, TOPICS).

The service (``analytics/service.py``) builds one ``EventConsumer``, registers a handler for
each event type it keeps tables for, installs the signal handlers and calls ``run()``.
A handler takes the decoded envelope (a dict) and returns when the event is applied; it
raises when it could not apply it.
"""

import json
import logging
import os
import signal
import threading
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from confluent_kafka import Consumer, KafkaException

from shared.events import EventType, envelope_problems

log = logging.getLogger("analytics.consumer")

DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092"
DEFAULT_GROUP_ID = "analytics-replica"
DEFAULT_CLIENT_ID = "analytics-replica"
RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0)  # waits between tries of a failing handler; the last repeats
POLL_SECONDS = 0.5  # how long one poll() waits for a message; a stop is seen within it

Handler = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class ConsumerSettings:
    bootstrap_servers: str = DEFAULT_BOOTSTRAP_SERVERS
    group_id: str = DEFAULT_GROUP_ID
    client_id: str = DEFAULT_CLIENT_ID
    topic_prefix: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "ConsumerSettings":
        """Exercise 09.1. Read ``KAFKA_BOOTSTRAP_SERVERS``, ``KAFKA_GROUP_ID``,
        ``KAFKA_CLIENT_ID`` and ``KAFKA_TOPIC_PREFIX`` from ``env`` (``os.environ`` when
        None); a variable that is unset or empty keeps the default above."""
        env = os.environ if env is None else env
        return cls(bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS") or cls.bootstrap_servers,
                   group_id=env.get("KAFKA_GROUP_ID") or cls.group_id,
                   client_id=env.get("KAFKA_CLIENT_ID") or cls.client_id,
                   topic_prefix=env.get("KAFKA_TOPIC_PREFIX") or cls.topic_prefix)


def consumer_config(settings: ConsumerSettings) -> dict[str, Any]:
    """Exercise 09.1. The confluent-kafka consumer configuration: ``bootstrap.servers``,
    ``group.id`` and ``client.id`` from the settings; ``enable.auto.commit`` False (you
    commit yourself, after each handler); ``auto.offset.reset`` ``"earliest"``;
    ``session.timeout.ms`` 6000 and ``heartbeat.interval.ms`` 1000 (a restarted consumer
    rejoins its group in seconds, not the default 45)."""
    return {
        "bootstrap.servers": settings.bootstrap_servers,
        "group.id": settings.group_id,
        "client.id": settings.client_id,
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 1000,
    }


class EventConsumer:
    """Exercises 09.4 to 09.6."""

    def __init__(self, settings: ConsumerSettings, config: Mapping[str, Any] | None = None):
        """Keep the settings and an empty handler table. The confluent-kafka ``Consumer``
        is created in ``run()`` from ``consumer_config(settings)`` updated with ``config``."""
        self.settings = settings
        self.config = {**consumer_config(settings), **(config or {})}
        self.handlers: dict[str, Handler] = {}
        self._stopping = threading.Event()

    def register(self, event_type: str, handler: Handler) -> None:
        """Exercise 09.4. Route events of ``event_type`` (``"user.created"``) to
        ``handler``. A type that is not in the catalogue raises ``ValueError``; registering
        a type twice replaces its handler."""
        self.handlers[EventType(event_type).value] = handler

    def topics(self) -> list[str]:
        """Exercise 09.4. The topics to subscribe to: the prefix followed by the topic of
        each registered event type, each once, sorted."""
        return sorted({self.settings.topic_prefix + EventType(t).topic for t in self.handlers})

    def handle(self, value: bytes | None) -> bool:
        """Exercise 09.4. Decode one message's value and call its handler. Return True when
        the message is done with: handled, or skipped because it has no value, is not UTF-8
        JSON, not a valid envelope (``envelope_problems``) or of a type with no handler (each
        skip logged as a warning with the reason). Return False when the handler raised (log
        the error): the message is not done and must be tried again. Never raise."""
        if value is None:
            log.warning("skipped a message without a value")
            return True
        try:
            envelope = json.loads(value.decode("utf-8"))
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            log.warning("skipped a message that is not UTF-8 JSON (%s): %r", exc, value[:80])
            return True
        problems = envelope_problems(envelope)
        if problems:
            log.warning("skipped a message that is not a valid envelope: %s", "; ".join(problems))
            return True
        handler = self.handlers.get(envelope["event_type"])
        if handler is None:
            log.warning("skipped %s %s: no handler for this event type", envelope["event_type"], envelope["event_id"])
            return True
        try:
            handler(envelope)
        except Exception:  # noqa: BLE001 (any failure: the message is tried again)
            log.exception("the handler of %s failed on event %s", envelope["event_type"], envelope["event_id"])
            return False
        return True

    def run(self) -> None:
        """Exercise 09.5. Subscribe to ``topics()`` and poll (a timeout of at most 1 s) until
        ``stop()``. For each message: ``handle`` it; when that returns False, wait
        (``RETRY_SECONDS``) and handle the same message again, until it returns True or
        ``stop()`` is called. Commit a message's offset synchronously only once it is done
        with, never before. When stopping: finish the message in hand, commit it, close the
        consumer and return (a message still failing is not committed)."""
        consumer = Consumer(self.config)
        try:
            consumer.subscribe(self.topics())
            while not self._stopping.is_set():
                message = consumer.poll(POLL_SECONDS)
                if message is None:
                    continue
                if message.error():
                    log.warning("Kafka reported: %s", message.error())
                    continue
                if not self._until_done(message.value()):
                    break  # stopped while the handler kept failing: not done, not committed
                try:
                    consumer.commit(message=message, asynchronous=False)
                except KafkaException as exc:  # e.g. a rebalance: the message comes again
                    log.warning("could not commit offset %s of %s: %s", message.offset(), message.topic(), exc)
        finally:
            consumer.close()  # leaves the group at once: a restart rejoins in seconds

    def _until_done(self, value: bytes | None) -> bool:
        """Handle one message until it is done (True), or until stop() (False)."""
        tries = 0
        while not self.handle(value):
            wait = RETRY_SECONDS[min(tries, len(RETRY_SECONDS) - 1)]
            tries += 1
            if self._stopping.wait(wait):
                return False
        return True

    def stop(self) -> None:
        """Exercise 09.6. Ask ``run()`` to return (safe to call from a signal handler or
        another thread; calling it twice is harmless)."""
        self._stopping.set()

    def install_signal_handlers(self) -> None:
        """Exercise 09.6. SIGTERM and SIGINT call ``stop()``."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda _signum, _frame: self.stop())
