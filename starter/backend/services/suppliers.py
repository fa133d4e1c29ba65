"""Supplier accounts: registration, email verification, login with access and refresh
tokens, verification documents, the supplier's own profile and the public view.

TASK 02 - you implement every method below. Read tasks/02-supplier.md first; each method's
docstring names the exercise it belongs to. Useful pieces that already exist:

- shared.models.supplier: Supplier and its parts (SupplierContactInfo, CompanyInfo,
  BusinessInfo, BankingInfo, VerificationDocument), SupplierStatus, VerificationStatus,
  SupplierEmailToken, SupplierRefreshToken, SUPPLIER_EMAIL_VERIFICATION_TTL,
  REFRESH_TOKEN_TTL, supplier.is_locked(), supplier.can_act(), supplier.event_data()
- shared.models.auth: generate_token(), hash_token()
- shared.models.user: User (emails are unique across users and suppliers),
  MAX_FAILED_LOGINS, LOCKOUT_MINUTES
- shared.identity: Actor, ActorKind, SUPPLIER_ROLE
- shared.errors: the exceptions to raise (the app turns them into HTTP errors)
- shared.events.EventType, shared.timeutil.utc_now
- bcrypt and jwt (PyJWT) are installed.
"""

from typing import Any

from backend.config import Settings
from backend.events import EventPublisher
from backend.mailer import Mailer
from shared.identity import Actor
from shared.models.supplier import Supplier, VerificationStatus


class SupplierService:
    def __init__(self, settings: Settings, events: EventPublisher, mailer: Mailer):
        self.settings = settings
        self.events = events
        self.mailer = mailer

    # -- passwords ---------------------------------------------------------------------

    def validate_password(self, password: str) -> None:
        """Exercise 02.2. Raise ``ValidationError`` unless ``password`` meets the supplier
        policy: 10 to 128 characters, at least one upper-case letter, one lower-case letter,
        one digit and one special character (neither a letter, nor a digit, nor a space).
        Return None when the password is acceptable."""
        raise NotImplementedError("SupplierService.validate_password")

    def hash_password(self, password: str) -> str:
        """Exercise 02.1. Return a bcrypt hash of ``password`` made with
        ``self.settings.bcrypt_rounds`` rounds. A 128-character password must work (bcrypt
        reads only 72 bytes)."""
        raise NotImplementedError("SupplierService.hash_password")

    def verify_password(self, password: str, password_hash: str) -> bool:
        """Exercise 02.4 (login uses it). True when ``password`` matches ``password_hash``,
        a hash made by ``hash_password``."""
        raise NotImplementedError("SupplierService.verify_password")

    # -- registration and verification -------------------------------------------------

    async def register(
        self,
        email: str,
        password: str,
        contact_info: dict[str, Any],
        company_info: dict[str, Any],
        business_info: dict[str, Any],
        banking_info: dict[str, Any] | None,
        accept_terms: bool,
        accept_privacy_policy: bool,
    ) -> Supplier:
        """Exercise 02.1. Register a supplier and return it (status ``pending``).

        Raise ``ValidationError`` unless both ``accept_terms`` and ``accept_privacy_policy``
        are true, or when the password breaks the policy (``validate_password``); raise
        ``DuplicateError`` when the email (trimmed, lower-cased) or one of
        ``contact_info["additional_emails"]`` is already a primary or an additional email of
        any user or supplier. A refused registration stores nothing, mails nothing and emits
        nothing. Build ``SupplierContactInfo`` (the normalised email as ``primary_email``),
        ``CompanyInfo``, ``BusinessInfo`` and, when ``banking_info`` is given,
        ``BankingInfo`` with only the last 4 digits of ``banking_info["account_number"]``
        (the full number is never stored). Store only a bcrypt hash of the password, set
        ``terms_accepted_at`` and ``privacy_policy_accepted_at``, insert, store a
        ``SupplierEmailToken`` (its hash, valid SUPPLIER_EMAIL_VERIFICATION_TTL), mail the
        raw token with ``self.mailer.send_email_verification`` and emit
        ``supplier.created`` with ``supplier.event_data()``."""
        raise NotImplementedError("SupplierService.register")

    async def verify_email(self, token: str) -> Supplier:
        """Exercise 02.3. Redeem a verification token: a ``pending`` supplier becomes
        ``active`` (any other status stays as it is) and ``email_verified_at`` is set;
        ``updated_at`` moves; emit ``supplier.updated``. Raise ``TokenError`` when the token
        is unknown, expired or already used, or its supplier is gone or deleted. A token
        works once, also when it is sent several times at the same moment."""
        raise NotImplementedError("SupplierService.verify_email")

    # -- login and tokens --------------------------------------------------------------

    def create_access_token(self, supplier: Supplier) -> str:
        """Exercise 02.4. A JWT following Task 01's token contract: signed with
        ``self.settings.jwt_secret`` and ``self.settings.jwt_algorithm``, with the claims
        ``sub`` (the supplier id as a string), ``role`` = "supplier", ``type`` = "access",
        ``iat`` and ``exp`` (now + ``self.settings.access_token_minutes``)."""
        raise NotImplementedError("SupplierService.create_access_token")

    async def login(self, email: str, password: str) -> tuple[str, str]:
        """Exercise 02.4. Return ``(access_token, refresh_token)``.

        Raise ``AuthenticationError`` with one and the same message for an unknown email, a
        deleted supplier and a wrong password; the fifth wrong password in a row locks the
        account for LOCKOUT_MINUTES (``security.locked_until``), and while it is locked
        raise ``AccountLockedError``, even for the right password. With the right password,
        raise ``AccountStatusError`` (code "email_not_verified") for a pending supplier and
        ``AccountStatusError`` for any status but active. A success resets the failure
        count, clears the lock, records ``security.last_login_at`` and issues a new refresh
        token (see ``refresh``)."""
        raise NotImplementedError("SupplierService.login")

    async def refresh(self, refresh_token: str) -> tuple[str, str]:
        """Exercise 02.5. Trade a refresh token for a new ``(access_token, refresh_token)``.

        A refresh token is an opaque random string (``generate_token()``); only its hash is
        stored, in a ``SupplierRefreshToken`` valid REFRESH_TOKEN_TTL. It works once: mark it
        used and issue a new one (rotation). Raise ``AuthenticationError`` when the token is
        unknown, expired or already used, or its supplier is deleted or cannot act
        (``supplier.can_act()``)."""
        raise NotImplementedError("SupplierService.refresh")

    # -- verification documents --------------------------------------------------------

    async def submit_documents(self, actor: Actor, documents: list[dict[str, Any]]) -> Supplier:
        """Exercise 02.6. The supplier ``actor`` submits documents (each ``{"kind", "url"}``):
        they replace any earlier ones, verification moves to ``under_review`` and
        ``verification.submitted_at`` is set. Raise ``AuthorizationError`` when the actor is
        not a supplier, ``NotFoundError`` when their account is gone, and
        ``StateConflictError`` unless verification is ``pending`` or ``rejected``.
        ``updated_at`` and ``version`` move; emit ``supplier.updated``."""
        raise NotImplementedError("SupplierService.submit_documents")

    async def review_documents(self, actor: Actor, supplier_id: str, decision: VerificationStatus | str,
                               reason: str | None = None) -> Supplier:
        """Exercise 02.6. An admin decides on a supplier's documents: ``decision`` is
        ``verified`` or ``rejected`` (a rejection keeps ``reason`` as
        ``verification.rejection_reason``). Raise ``NotFoundError`` when no live supplier
        has the id (checked first), ``AuthorizationError`` when the actor is not an admin,
        ``ValidationError`` for another decision and ``StateConflictError`` unless
        verification is ``under_review``. Set ``reviewed_at`` and ``reviewed_by`` (the
        admin's id); ``updated_at`` and ``version`` move; emit ``supplier.updated``."""
        raise NotImplementedError("SupplierService.review_documents")

    # -- profiles ----------------------------------------------------------------------

    async def get_own_profile(self, actor: Actor) -> Supplier:
        """Exercise 02.7. The supplier ``actor`` is. Raise ``AuthorizationError`` when the
        actor is a user (users have no supplier profile), ``NotFoundError`` when the
        supplier is gone or deleted."""
        raise NotImplementedError("SupplierService.get_own_profile")

    async def update_profile(self, actor: Actor, changes: dict[str, Any]) -> Supplier:
        """Exercise 02.7. Apply ``changes`` to the actor's own profile. ``changes`` holds only
        the given fields, nested as in the document, e.g.
        ``{"company_info": {"dba_name": "Acme"}, "business_info": {"social_links":
        {"instagram_handle": "@acme"}}}``: change exactly those fields, at any depth, and
        keep every other one. Raise ``AuthorizationError`` when the actor is a user,
        ``NotFoundError`` when the supplier is gone. ``updated_at`` moves, ``version`` goes
        up by one; emit ``supplier.updated`` with ``supplier.event_data()``."""
        raise NotImplementedError("SupplierService.update_profile")

    async def delete_account(self, actor: Actor) -> None:
        """Exercise 02.7. Soft-delete the actor's own account: set ``deleted_at`` and
        ``updated_at``; emit ``supplier.deleted`` with only ``{"id": ...}``. Raise
        ``AuthorizationError`` when the actor is a user, ``NotFoundError`` when the
        supplier is gone."""
        raise NotImplementedError("SupplierService.delete_account")

    async def get_public(self, supplier_id: str) -> Supplier:
        """Exercise 02.8. The supplier anyone may look up. Raise ``NotFoundError`` when the id
        is not an ObjectId, no supplier has it, the supplier is deleted, or its status is not
        ``active`` (unverified and suspended suppliers are not shown)."""
        raise NotImplementedError("SupplierService.get_public")
