"""The ``users`` collection: consumers and leaders of the platform."""

from datetime import datetime
from enum import Enum
from typing import Any

import pymongo
from beanie import Document
from pydantic import BaseModel, Field
from pymongo import IndexModel

from shared.timeutil import as_utc, utc_now

DEFAULT_AVATAR = "https://cdn.social-commerce.example/avatars/default.png"
MAX_FAILED_LOGINS = 5
LOCKOUT_MINUTES = 30


class UserRole(str, Enum):
    CONSUMER = "consumer"
    LEADER = "leader"
    ADMIN = "admin"  # platform staff: never self-registered, created by operators


class UserStatus(str, Enum):
    PENDING = "pending"  # registered, email not verified yet
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DELETED = "deleted"


class ContactInfo(BaseModel):
    primary_email: str  # always stored trimmed and lower-cased
    additional_emails: list[str] = Field(default_factory=list)
    phone: str | None = None


class UserProfile(BaseModel):
    display_name: str
    avatar: str = DEFAULT_AVATAR
    bio: str | None = None


class SecurityState(BaseModel):
    failed_login_attempts: int = 0
    locked_until: datetime | None = None
    last_login_at: datetime | None = None


class User(Document):
    password_hash: str
    contact_info: ContactInfo
    profile: UserProfile
    role: UserRole = UserRole.CONSUMER
    status: UserStatus = UserStatus.PENDING
    email_verified_at: datetime | None = None
    security: SecurityState = Field(default_factory=SecurityState)
    deleted_at: datetime | None = None
    version: int = 1
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)

    class Settings:
        name = "users"
        indexes = [
            IndexModel([("contact_info.primary_email", pymongo.ASCENDING)], unique=True, name="uniq_primary_email"),
            IndexModel([("deleted_at", pymongo.ASCENDING), ("created_at", pymongo.DESCENDING)], name="live_by_created"),
        ]

    @property
    def email(self) -> str:
        return self.contact_info.primary_email

    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def is_locked(self, now: datetime | None = None) -> bool:
        """True while a lockout set after too many failed logins is still running."""
        locked_until = self.security.locked_until
        return locked_until is not None and as_utc(locked_until) > (now or utc_now())

    def event_data(self) -> dict[str, Any]:
        """The user as it travels in events: everything but secrets and login bookkeeping."""
        data = self.model_dump(mode="json", exclude={"password_hash", "security", "revision_id"})
        data["id"] = str(self.id)
        return data
