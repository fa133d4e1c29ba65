"""How services send email. The platform has no mail server:

- ``LogMailer`` (the default, for development) writes each message, token included, to the
  log so you can copy it;
- ``CollectionMailer`` stores each message in the ``_kit_mail`` collection of the app's
  database, where the grader reads it when the app runs in its own process.
"""

import logging
from typing import Any, Protocol

log = logging.getLogger("backend.mailer")

MAIL_COLLECTION = "_kit_mail"


class Mailer(Protocol):
    async def send_email_verification(self, email: str, token: str) -> None: ...

    async def send_password_reset(self, email: str, token: str) -> None: ...


class LogMailer:
    async def send_email_verification(self, email: str, token: str) -> None:
        log.warning("DEV MAIL to %s: verify your email with token %s", email, token)

    async def send_password_reset(self, email: str, token: str) -> None:
        log.warning("DEV MAIL to %s: reset your password with token %s", email, token)


class CollectionMailer:
    def __init__(self, database: Any) -> None:
        self._collection = database[MAIL_COLLECTION]

    async def send_email_verification(self, email: str, token: str) -> None:
        await self._collection.insert_one({"kind": "verification", "to": email, "token": token})

    async def send_password_reset(self, email: str, token: str) -> None:
        await self._collection.insert_one({"kind": "reset", "to": email, "token": token})
