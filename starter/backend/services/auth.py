"""Accounts and authentication: registration, email verification, login, access tokens
and password reset.

TASK 01 - you implement every method below. Read tasks/01-user.md first; each method's
docstring names the exercise it belongs to. Useful pieces that already exist:

- shared.models.user: User, ContactInfo, UserProfile, UserRole, UserStatus,
  MAX_FAILED_LOGINS, LOCKOUT_MINUTES, user.is_locked(), user.event_data()
- shared.models.auth: EmailVerificationToken, PasswordResetToken, generate_token(),
  hash_token(), EMAIL_VERIFICATION_TTL, PASSWORD_RESET_TTL
- shared.errors: the exceptions to raise (the app turns them into HTTP errors)
- shared.events.EventType, shared.timeutil.utc_now
- bcrypt and jwt (PyJWT) are installed.
"""

from backend.config import Settings
from backend.events import EventPublisher
from backend.mailer import Mailer
from shared.models.user import User, UserRole


class AuthService:
    def __init__(self, settings: Settings, events: EventPublisher, mailer: Mailer):
        self.settings = settings
        self.events = events
        self.mailer = mailer

    # -- passwords ---------------------------------------------------------------------

    def validate_password(self, password: str, email: str) -> None:
        """Exercise 01.2. Raise ``ValidationError`` unless ``password`` meets the policy:
        8 to 128 characters, at least one upper-case letter, one lower-case letter and one
        digit, and it must not contain the local part of ``email`` (the part before the @),
        compared without regard to case. Return None when the password is acceptable."""
        raise NotImplementedError("AuthService.validate_password")

    def hash_password(self, password: str) -> str:
        """Exercise 01.1. Return a bcrypt hash of ``password`` made with
        ``self.settings.bcrypt_rounds`` rounds. Mind bcrypt's 72-byte input limit: a
        128-character password must still work."""
        raise NotImplementedError("AuthService.hash_password")

    def verify_password(self, password: str, password_hash: str) -> bool:
        """Exercise 01.4 (login uses it). True when ``password`` matches ``password_hash``,
        a hash made by ``hash_password``."""
        raise NotImplementedError("AuthService.verify_password")

    # -- access tokens -----------------------------------------------------------------

    def create_access_token(self, user: User) -> str:
        """Exercise 01.4. A JWT signed with ``self.settings.jwt_secret`` and
        ``self.settings.jwt_algorithm`` (HS256), with the claims ``sub`` (the user id as a
        string), ``role``, ``type`` = "access", ``iat`` and ``exp`` (now +
        ``self.settings.access_token_minutes``)."""
        raise NotImplementedError("AuthService.create_access_token")

    async def authenticate(self, access_token: str) -> User:
        """Exercise 01.5. Return the active user an access token belongs to. Raise
        ``AuthenticationError`` when the token is malformed, badly signed, signed with
        another algorithm, expired, without an "exp" or "sub" claim, not of type "access",
        or names a user who no longer exists, is deleted or is not active."""
        raise NotImplementedError("AuthService.authenticate")

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
        """Exercise 01.1. Create a PENDING account with the given role and return it.

        Normalise the email (trim, lower-case); refuse a weak password (01.2) with
        ``ValidationError`` and an email that is already registered with ``DuplicateError``;
        store only a bcrypt hash of the password. Then create an email-verification token
        (valid ``EMAIL_VERIFICATION_TTL``; store its hash, mail the raw token with
        ``self.mailer.send_email_verification``) and emit ``user.created`` with
        ``user.event_data()``."""
        raise NotImplementedError("AuthService.register")

    async def verify_email(self, token: str) -> User:
        """Exercise 01.3. Verify the email of the account a verification token was issued
        for and return the user: a PENDING account becomes ACTIVE, any other status stays
        as it is. The token works once (also when sent twice at the same moment: mark it
        used with one conditional update) and only until it expires; an unknown,
        expired or used token, or one whose user is gone or deleted, raises ``TokenError``.
        Set ``email_verified_at`` and emit ``user.updated``."""
        raise NotImplementedError("AuthService.verify_email")

    # -- login -------------------------------------------------------------------------

    async def login(self, email: str, password: str) -> str:
        """Exercise 01.4. Check the credentials and return an access token.

        An unknown (or deleted) email and a wrong password raise the same
        ``AuthenticationError`` with the same message. Each wrong password counts (with
        ``$inc``, so failures at the same moment all count); the
        ``MAX_FAILED_LOGINS``-th one still gets that error but also locks the account for
        ``LOCKOUT_MINUTES`` (and the count starts again). While the lock runs, every attempt,
        even with the right password, raises ``AccountLockedError`` and is not counted.
        With the right password, a PENDING account raises ``AccountStatusError`` (code
        "email_not_verified"); an ACTIVE one gets a token (see ``create_access_token``)
        and its failed-attempt count goes back to zero."""
        raise NotImplementedError("AuthService.login")

    # -- password reset ----------------------------------------------------------------

    async def request_password_reset(self, email: str) -> None:
        """Exercise 01.6. When an account has this email, create a password-reset token
        (valid ``PASSWORD_RESET_TTL``; store its hash) and mail the raw token with
        ``self.mailer.send_password_reset``. Whether or not the account exists, behave the
        same way to the caller: return None, raise nothing."""
        raise NotImplementedError("AuthService.request_password_reset")

    async def reset_password(self, token: str, new_password: str) -> None:
        """Exercise 01.6. Set a new password using a reset token. The token works once (also
        when sent twice at the same moment) and only until it expires; an unknown, expired or used token, or one whose user is gone
        or deleted, raises ``TokenError``. The new password must meet the policy
        (``ValidationError``); check it before using up the token, so the user can try
        again with the same link. A reset also lifts a login lockout."""
        raise NotImplementedError("AuthService.reset_password")
