"""What the app sent out (events and email), as the tests see it.

embedded: the app is in this process, so recorders stand in for the publisher and mailer.
local / services: the app runs elsewhere and keeps events and mail in two collections of
its database (EVENT_SINK / MAIL_SINK = collection); the readers below read them back.
Both offer the same methods, so a test reads the same way on every stack.
"""

from dataclasses import dataclass
from typing import Any

from shared.events import EventType, envelope_problems, make_envelope

EVENTS_COLLECTION = "_kit_events"  # the names backend/events.py and backend/mailer.py use
MAIL_COLLECTION = "_kit_mail"


class KitError(Exception):
    """A test asked for something the catalogue does not have: a bug in the test, not in
    the learner's code."""


class _EventQueries:
    events: list[dict[str, Any]]

    def of_type(self, event_type: str) -> list[dict[str, Any]]:
        """The events of this type, each checked against the catalogue (shared/events.py):
        envelope, what its data carries, no secrets."""
        try:
            EventType(event_type)
        except ValueError:
            raise KitError(f"kit problem: the test asks for event {event_type!r}, which is not in the "
                           "catalogue (shared/events.py)") from None
        found = [e for e in self.events if e.get("event_type") == event_type]
        for envelope in found:
            problems = envelope_problems(envelope)
            if problems:
                raise AssertionError(f"an emitted {event_type} event breaks the event catalogue "
                                     f"(shared/events.py): {'; '.join(problems)}")
        return found

    def types(self) -> list[str]:
        return [e["event_type"] for e in self.events]


class RecordingPublisher(_EventQueries):
    """Keeps every event the services emit, wrapped in the real envelope."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    async def emit(self, event_type: EventType, entity_id: str, data: dict[str, Any]) -> None:
        self.events.append(make_envelope(event_type, entity_id, data))


class CollectionEvents(_EventQueries):
    """Reads the envelopes the app stored, oldest first (``database`` is a PyMongo database)."""

    def __init__(self, database) -> None:
        self._collection = database[EVENTS_COLLECTION]

    @property
    def events(self) -> list[dict[str, Any]]:
        found = []
        for doc in self._collection.find({}).sort("_id", 1):
            envelope = doc.get("envelope")
            if isinstance(envelope, dict) and isinstance(envelope.get("event_type"), str):
                found.append(envelope)
        return found


@dataclass
class Mail:
    kind: str  # "verification" or "reset"
    to: str
    token: str


class _MailQueries:
    sent: list[Mail]

    def last(self, kind: str, to: str | None = None) -> Mail | None:
        for mail in reversed(self.sent):
            if mail.kind == kind and (to is None or mail.to == to):
                return mail
        return None


class RecordingMailer(_MailQueries):
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    async def send_email_verification(self, email: str, token: str) -> None:
        self.sent.append(Mail("verification", email, token))

    async def send_password_reset(self, email: str, token: str) -> None:
        self.sent.append(Mail("reset", email, token))


class CollectionMail(_MailQueries):
    def __init__(self, database) -> None:
        self._collection = database[MAIL_COLLECTION]

    @property
    def sent(self) -> list[Mail]:
        return [Mail(str(d.get("kind")), str(d.get("to")), str(d.get("token")))
                for d in self._collection.find({}).sort("_id", 1)]
