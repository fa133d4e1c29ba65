"""How services send email. The platform has no mail server; in development the
``LogMailer`` writes each message (token included) to the log so you can copy it."""

import logging
from typing import Protocol

log = logging.getLogger("backend.mailer")


class Mailer(Protocol):
    async def send_email_verification(self, email: str, token: str) -> None: ...

    async def send_password_reset(self, email: str, token: str) -> None: ...


class LogMailer:
    async def send_email_verification(self, email: str, token: str) -> None:
        log.warning("DEV MAIL to %s: verify your email with token %s", email, token)

    async def send_password_reset(self, email: str, token: str) -> None:
        log.warning("DEV MAIL to %s: reset your password with token %s", email, token)
