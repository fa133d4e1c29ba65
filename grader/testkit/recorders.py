"""Test doubles for the app's outgoing edges: events and email."""

from dataclasses import dataclass
from typing import Any

from shared.events import EventType, make_envelope


class RecordingPublisher:
    """Keeps every event the services emit, wrapped in the real envelope."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def emit(self, event_type: EventType, entity_id: str, data: dict[str, Any]) -> None:
        self.events.append(make_envelope(event_type, entity_id, data))

    def of_type(self, event_type: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event_type"] == event_type]

    def types(self) -> list[str]:
        return [e["event_type"] for e in self.events]


@dataclass
class Mail:
    kind: str  # "verification" or "reset"
    to: str
    token: str


class RecordingMailer:
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    async def send_email_verification(self, email: str, token: str) -> None:
        self.sent.append(Mail("verification", email, token))

    async def send_password_reset(self, email: str, token: str) -> None:
        self.sent.append(Mail("reset", email, token))

    def last(self, kind: str, to: str | None = None) -> Mail | None:
        for mail in reversed(self.sent):
            if mail.kind == kind and (to is None or mail.to == to):
                return mail
        return None
