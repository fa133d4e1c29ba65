"""One-time tokens for email verification and password reset.

Only a SHA-256 hash of a token is stored: the raw token goes to the user by email, so a
leaked database does not leak usable tokens.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

import pymongo
from beanie import Document, PydanticObjectId
from pydantic import Field
from pymongo import IndexModel

from shared.timeutil import as_utc, utc_now

EMAIL_VERIFICATION_TTL = timedelta(hours=6)
PASSWORD_RESET_TTL = timedelta(hours=1)


def generate_token() -> str:
    """A fresh random token, safe to put in a URL."""
    return secrets.token_urlsafe(32)


def hash_token(raw_token: str) -> str:
    """The value stored in ``token_hash`` for ``raw_token``."""
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


class OneTimeToken(Document):
    """What every stored one-time token has, whoever it belongs to: its hash, its expiry,
    and when it was used. Subclasses add the owner's id and their collection."""

    token_hash: str
    expires_at: datetime
    used_at: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)

    def is_expired(self, now: datetime | None = None) -> bool:
        return as_utc(self.expires_at) <= (now or utc_now())

    def is_used(self) -> bool:
        return self.used_at is not None


class _OneTimeToken(OneTimeToken):
    user_id: PydanticObjectId


class EmailVerificationToken(_OneTimeToken):
    class Settings:
        name = "email_verification_tokens"
        indexes = [
            IndexModel([("token_hash", pymongo.ASCENDING)], unique=True, name="uniq_token_hash"),
            IndexModel([("user_id", pymongo.ASCENDING)], name="by_user"),
        ]


class PasswordResetToken(_OneTimeToken):
    class Settings:
        name = "password_reset_tokens"
        indexes = [
            IndexModel([("token_hash", pymongo.ASCENDING)], unique=True, name="uniq_token_hash"),
            IndexModel([("user_id", pymongo.ASCENDING)], name="by_user"),
        ]
