"""The consumer framework the analytics service runs on.

TASK 09 - you implement everything below. Read tasks/09-kafka.md first.
Useful: confluent_kafka.Consumer (subscribe, poll, commit, close) and KafkaException, json, signal, threading,
shared.events (EventType, envelope_problems, TOPICS).

The service (``analytics/service.py``) builds one ``EventConsumer``, registers a handler for
each event type it keeps tables for, installs the signal handlers and calls ``run()``.
A handler takes the decoded envelope (a dict) and returns when the event is applied; it
raises when it could not apply it.
"""

import logging
from dataclasses import dataclass
from typing import Any, Callable, Mapping

log = logging.getLogger("analytics.consumer")

DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092"
DEFAULT_GROUP_ID = "analytics-replica"
DEFAULT_CLIENT_ID = "analytics-replica"
RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0)  # waits between tries of a failing handler; the last repeats

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
        raise NotImplementedError("ConsumerSettings.from_env")


def consumer_config(settings: ConsumerSettings) -> dict[str, Any]:
    """Exercise 09.1. The confluent-kafka consumer configuration: ``bootstrap.servers``,
    ``group.id`` and ``client.id`` from the settings; ``enable.auto.commit`` False (you
    commit yourself, after each handler); ``auto.offset.reset`` ``"earliest"``;
    ``session.timeout.ms`` 6000 and ``heartbeat.interval.ms`` 1000 (a restarted consumer
    rejoins its group in seconds, not the default 45)."""
    raise NotImplementedError("consumer_config")


class EventConsumer:
    """Exercises 09.4 to 09.6."""

    def __init__(self, settings: ConsumerSettings, config: Mapping[str, Any] | None = None):
        """Keep the settings and an empty handler table. The confluent-kafka ``Consumer``
        is created in ``run()`` from ``consumer_config(settings)`` updated with ``config``."""
        raise NotImplementedError("EventConsumer.__init__")

    def register(self, event_type: str, handler: Handler) -> None:
        """Exercise 09.4. Route events of ``event_type`` (``"user.created"``) to
        ``handler``. A type that is not in the catalogue raises ``ValueError``; registering
        a type twice replaces its handler."""
        raise NotImplementedError("EventConsumer.register")

    def topics(self) -> list[str]:
        """Exercise 09.4. The topics to subscribe to: the prefix followed by the topic of
        each registered event type, each once, sorted."""
        raise NotImplementedError("EventConsumer.topics")

    def handle(self, value: bytes | None) -> bool:
        """Exercise 09.4. Decode one message's value and call its handler. Return True when
        the message is done with: handled, or skipped because it has no value, is not UTF-8
        JSON, not a valid envelope (``envelope_problems``) or of a type with no handler (each
        skip logged as a warning with the reason). Return False when the handler raised (log
        the error): the message is not done and must be tried again. Never raise."""
        raise NotImplementedError("EventConsumer.handle")

    def run(self) -> None:
        """Exercise 09.5. Subscribe to ``topics()`` and poll (a timeout of at most 1 s) until
        ``stop()``. For each message: ``handle`` it; when that returns False, wait
        (``RETRY_SECONDS``) and handle the same message again, until it returns True or
        ``stop()`` is called. Commit a message's offset synchronously only once it is done
        with, never before. When stopping: finish the message in hand, commit it, close the
        consumer and return (a message still failing is not committed)."""
        raise NotImplementedError("EventConsumer.run")

    def stop(self) -> None:
        """Exercise 09.6. Ask ``run()`` to return (safe to call from a signal handler or
        another thread; calling it twice is harmless)."""
        raise NotImplementedError("EventConsumer.stop")

    def install_signal_handlers(self) -> None:
        """Exercise 09.6. SIGTERM and SIGINT call ``stop()``."""
        raise NotImplementedError("EventConsumer.install_signal_handlers")
