"""Accounts and authentication: registration, email verification, login, access tokens
and password reset. (Task 01, reference solution.)"""

import base64
import hashlib
from datetime import timedelta

import bcrypt
import jwt
from beanie import PydanticObjectId
from pymongo.errors import DuplicateKeyError

from backend.config import Settings
from backend.events import EventPublisher
from backend.mailer import Mailer
from shared.errors import (
    AccountLockedError,
    AccountStatusError,
    AuthenticationError,
    DuplicateError,
    TokenError,
    ValidationError,
)
from shared.events import EventType
from shared.models.auth import (
    EMAIL_VERIFICATION_TTL,
    PASSWORD_RESET_TTL,
    EmailVerificationToken,
    PasswordResetToken,
    generate_token,
    hash_token,
)
from shared.models.user import (
    LOCKOUT_MINUTES,
    MAX_FAILED_LOGINS,
    ContactInfo,
    User,
    UserProfile,
    UserRole,
    UserStatus,
)
from shared.timeutil import utc_now

INVALID_CREDENTIALS = "Invalid email or password."


def _normalize_email(email: str) -> str:
    return email.strip().lower()


async def _issue_token(model, user: User, ttl: timedelta) -> str:
    """Store a new one-time token (its hash only) for ``user``; return the raw token to mail."""
    raw_token = generate_token()
    await model(user_id=user.id, token_hash=hash_token(raw_token), expires_at=utc_now() + ttl).insert()
    return raw_token


async def _redeemable(model, raw_token: str, kind: str):
    """The token record and its live user, or TokenError if either is unusable."""
    record = await model.find_one({"token_hash": hash_token(raw_token)})
    user = None if record is None or record.is_used() or record.is_expired() else await User.get(record.user_id)
    if user is None or user.is_deleted():
        raise TokenError(f"This {kind} link is invalid or has expired.")
    return record, user


async def _claim(model, record, kind: str, now) -> None:
    """Mark the token used in one conditional update: of two requests that read it unused at
    the same moment, only one matches ``used_at: None``; the other gets TokenError."""
    claimed = await model.find_one({"_id": record.id, "used_at": None}).update({"$set": {"used_at": now}})
    if claimed.modified_count != 1:
        raise TokenError(f"This {kind} link is invalid or has expired.")


class AuthService:
    def __init__(self, settings: Settings, events: EventPublisher, mailer: Mailer):
        self.settings = settings
        self.events = events
        self.mailer = mailer

    # -- passwords ---------------------------------------------------------------------

    def validate_password(self, password: str, email: str) -> None:
        """Raise ValidationError unless ``password`` meets the password policy."""
        problems = []
        if not 8 <= len(password) <= 128:
            problems.append("be 8 to 128 characters long")
        if not any(c.isupper() for c in password):
            problems.append("contain an upper-case letter")
        if not any(c.islower() for c in password):
            problems.append("contain a lower-case letter")
        if not any(c.isdigit() for c in password):
            problems.append("contain a digit")
        local_part = _normalize_email(email).split("@", 1)[0]
        if local_part and local_part in password.lower():
            problems.append("not contain the name part of your email address")
        if problems:
            raise ValidationError("The password must " + ", ".join(problems) + ".", details={"field": "password"})

    @staticmethod
    def _bcrypt_input(password: str) -> bytes:
        # bcrypt reads at most 72 bytes (and bcrypt>=5 refuses more), so long passwords are
        # pre-hashed; base64 keeps NUL bytes out of bcrypt's input.
        return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())

    def hash_password(self, password: str) -> str:
        salt = bcrypt.gensalt(rounds=self.settings.bcrypt_rounds)
        return bcrypt.hashpw(self._bcrypt_input(password), salt).decode("ascii")

    def verify_password(self, password: str, password_hash: str) -> bool:
        return bcrypt.checkpw(self._bcrypt_input(password), password_hash.encode("ascii"))

    # -- access tokens -----------------------------------------------------------------

    def create_access_token(self, user: User) -> str:
        now = utc_now()
        claims = {
            "sub": str(user.id),
            "role": user.role.value,
            "type": "access",
            "iat": now,
            "exp": now + timedelta(minutes=self.settings.access_token_minutes),
        }
        return jwt.encode(claims, self.settings.jwt_secret, algorithm=self.settings.jwt_algorithm)

    async def authenticate(self, access_token: str) -> User:
        try:
            claims = jwt.decode(
                access_token,
                self.settings.jwt_secret,
                algorithms=[self.settings.jwt_algorithm],
                options={"require": ["sub", "exp"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthenticationError("Your access token has expired; log in again.") from None
        except jwt.InvalidTokenError:
            raise AuthenticationError("The access token is not valid.") from None
        if claims.get("type") != "access" or not PydanticObjectId.is_valid(claims["sub"]):
            raise AuthenticationError("The access token is not valid.")
        user = await User.get(PydanticObjectId(claims["sub"]))
        if user is None or user.is_deleted() or user.status != UserStatus.ACTIVE:
            raise AuthenticationError("The access token is not valid.")
        return user

    # -- registration and verification -------------------------------------------------

    async def register(
        self,
        email: str,
        password: str,
        display_name: str,
        role: UserRole = UserRole.CONSUMER,
        phone: str | None = None,
        bio: str | None = None,
    ) -> User:
        email = _normalize_email(email)
        self.validate_password(password, email)
        if await User.find_one({"contact_info.primary_email": email}) is not None:
            raise DuplicateError("An account with this email already exists.")
        user = User(
            password_hash=self.hash_password(password),
            contact_info=ContactInfo(primary_email=email, phone=phone),
            profile=UserProfile(display_name=display_name, bio=bio),
            role=role,
            status=UserStatus.PENDING,
        )
        try:
            await user.insert()
        except DuplicateKeyError:  # a concurrent registration won the race
            raise DuplicateError("An account with this email already exists.") from None

        raw_token = await _issue_token(EmailVerificationToken, user, EMAIL_VERIFICATION_TTL)
        await self.mailer.send_email_verification(email, raw_token)
        await self.events.emit(EventType.USER_CREATED, str(user.id), user.event_data())
        return user

    async def verify_email(self, token: str) -> User:
        record, user = await _redeemable(EmailVerificationToken, token, "verification")
        now = utc_now()
        await _claim(EmailVerificationToken, record, "verification", now)
        if user.status == UserStatus.PENDING:
            user.status = UserStatus.ACTIVE
        user.email_verified_at = now
        user.updated_at = now
        await user.save()
        await self.events.emit(EventType.USER_UPDATED, str(user.id), user.event_data())
        return user

    # -- login -------------------------------------------------------------------------

    async def login(self, email: str, password: str) -> str:
        user = await User.find_one({"contact_info.primary_email": _normalize_email(email), "deleted_at": None})
        if user is None:
            raise AuthenticationError(INVALID_CREDENTIALS)
        now = utc_now()
        if user.is_locked(now):
            raise AccountLockedError(
                f"Too many failed logins: this account is locked for up to {LOCKOUT_MINUTES} minutes."
            )
        if not self.verify_password(password, user.password_hash):
            # $inc, not read-add-save: failures sent at the same moment each count
            await user.update({"$inc": {"security.failed_login_attempts": 1}})
            if user.security.failed_login_attempts >= MAX_FAILED_LOGINS:
                await user.update({"$set": {"security.failed_login_attempts": 0,
                                            "security.locked_until": now + timedelta(minutes=LOCKOUT_MINUTES)}})
            raise AuthenticationError(INVALID_CREDENTIALS)
        if user.status == UserStatus.PENDING:
            raise AccountStatusError("Verify your email address before logging in.", code="email_not_verified")
        if user.status != UserStatus.ACTIVE:
            raise AccountStatusError(f"This account is {user.status.value}.")
        user.security.failed_login_attempts = 0
        user.security.locked_until = None
        user.security.last_login_at = now
        await user.save()
        return self.create_access_token(user)

    # -- password reset ----------------------------------------------------------------

    async def request_password_reset(self, email: str) -> None:
        user = await User.find_one({"contact_info.primary_email": _normalize_email(email), "deleted_at": None})
        if user is None:
            return  # say nothing: the response must not reveal whether the account exists
        raw_token = await _issue_token(PasswordResetToken, user, PASSWORD_RESET_TTL)
        await self.mailer.send_password_reset(user.email, raw_token)

    async def reset_password(self, token: str, new_password: str) -> None:
        record, user = await _redeemable(PasswordResetToken, token, "reset")
        self.validate_password(new_password, user.email)
        now = utc_now()
        await _claim(PasswordResetToken, record, "reset", now)
        user.password_hash = self.hash_password(new_password)
        user.security.failed_login_attempts = 0
        user.security.locked_until = None
        user.updated_at = now
        await user.save()
