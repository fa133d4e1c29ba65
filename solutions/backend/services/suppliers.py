"""Supplier accounts: registration, email verification, login with access and refresh
tokens, verification documents, the supplier's own profile and the public view.
(Task 02, reference solution.)"""

import base64
import hashlib
from datetime import timedelta
from typing import Any

import bcrypt
import jwt
from beanie import PydanticObjectId, UpdateResponse
from pydantic import BaseModel
from pymongo.errors import DuplicateKeyError

from backend.config import Settings
from backend.events import EventPublisher
from backend.mailer import Mailer
from shared.errors import (
    AccountLockedError,
    AccountStatusError,
    AuthenticationError,
    AuthorizationError,
    DuplicateError,
    NotFoundError,
    StateConflictError,
    TokenError,
    ValidationError,
)
from shared.events import EventType
from shared.identity import SUPPLIER_ROLE, Actor, ActorKind
from shared.models.auth import generate_token, hash_token
from shared.models.supplier import (
    REFRESH_TOKEN_TTL,
    SUPPLIER_EMAIL_VERIFICATION_TTL,
    BankingInfo,
    BusinessInfo,
    CompanyInfo,
    Supplier,
    SupplierContactInfo,
    SupplierEmailToken,
    SupplierRefreshToken,
    SupplierStatus,
    VerificationDocument,
    VerificationStatus,
)
from shared.models.user import LOCKOUT_MINUTES, MAX_FAILED_LOGINS, User
from shared.timeutil import utc_now

INVALID_CREDENTIALS = "Invalid email or password."
INVALID_REFRESH = "The refresh token is not valid; log in again."
TAKEN = "An account with this email already exists."
NOT_A_SUPPLIER = "Only a supplier account has a supplier profile."


def _normalize_email(email: str) -> str:
    return email.strip().lower()


def _paths(model: BaseModel, changes: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``changes`` as dotted paths for one ``$set``: a dict for a part that exists (a model now)
    changes it field by field; any other value (an address given whole) replaces what is there."""
    paths = {}
    for key, value in changes.items():
        current = getattr(model, key, None)
        if isinstance(value, dict) and isinstance(current, BaseModel):
            paths.update(_paths(current, value, f"{prefix}{key}."))
        else:
            paths[f"{prefix}{key}"] = value
    return paths


async def _claimed(model, record, now) -> bool:
    """Mark a one-time token used in one conditional update: of requests that read it unused at
    the same moment, only one matches ``used_at: None`` (True for it, False for the others)."""
    result = await model.find_one({"_id": record.id, "used_at": None}).update({"$set": {"used_at": now}})
    return result.modified_count == 1


class SupplierService:
    def __init__(self, settings: Settings, events: EventPublisher, mailer: Mailer):
        self.settings = settings
        self.events = events
        self.mailer = mailer

    # -- passwords ---------------------------------------------------------------------

    def validate_password(self, password: str) -> None:
        problems = []
        if not 10 <= len(password) <= 128:
            problems.append("be 10 to 128 characters long")
        if not any(c.isupper() for c in password):
            problems.append("contain an upper-case letter")
        if not any(c.islower() for c in password):
            problems.append("contain a lower-case letter")
        if not any(c.isdigit() for c in password):
            problems.append("contain a digit")
        if not any(not c.isalnum() and not c.isspace() for c in password):
            problems.append("contain a special character")
        if problems:
            raise ValidationError("The password must " + ", ".join(problems) + ".")

    @staticmethod
    def _bcrypt_input(password: str) -> bytes:
        # bcrypt reads at most 72 bytes, so the password is pre-hashed (base64: no NUL bytes).
        return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())

    def hash_password(self, password: str) -> str:
        salt = bcrypt.gensalt(rounds=self.settings.bcrypt_rounds)
        return bcrypt.hashpw(self._bcrypt_input(password), salt).decode("ascii")

    def verify_password(self, password: str, password_hash: str) -> bool:
        return bcrypt.checkpw(self._bcrypt_input(password), password_hash.encode("ascii"))

    # -- registration and verification -------------------------------------------------

    async def _email_taken(self, emails: list[str]) -> bool:
        query = {"$or": [{"contact_info.primary_email": {"$in": emails}},
                         {"contact_info.additional_emails": {"$in": emails}}]}
        return await User.find_one(query) is not None or await Supplier.find_one(query) is not None

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
        email = _normalize_email(email)
        if not (accept_terms and accept_privacy_policy):
            raise ValidationError("Accept the terms of service and the privacy policy to register.")
        self.validate_password(password)
        additional = []
        for extra in contact_info.get("additional_emails") or []:
            extra = _normalize_email(extra)
            if extra != email and extra not in additional:
                additional.append(extra)
        if await self._email_taken([email, *additional]):
            raise DuplicateError(TAKEN)
        banking = None
        if banking_info:
            banking = BankingInfo(bank_name=banking_info["bank_name"],
                                  account_holder_name=banking_info["account_holder_name"],
                                  account_number_last4=str(banking_info["account_number"])[-4:])
        now = utc_now()
        supplier = Supplier(
            password_hash=self.hash_password(password),
            contact_info=SupplierContactInfo(**{**contact_info, "primary_email": email, "additional_emails": additional}),
            company_info=CompanyInfo(**company_info),
            business_info=BusinessInfo(**business_info),
            banking_info=banking,
            terms_accepted_at=now,
            privacy_policy_accepted_at=now,
        )
        try:
            await supplier.insert()
        except DuplicateKeyError:  # a concurrent registration won the race
            raise DuplicateError(TAKEN) from None
        raw_token = generate_token()
        await SupplierEmailToken(supplier_id=supplier.id, token_hash=hash_token(raw_token),
                                 expires_at=now + SUPPLIER_EMAIL_VERIFICATION_TTL).insert()
        await self.mailer.send_email_verification(email, raw_token)
        await self.events.emit(EventType.SUPPLIER_CREATED, str(supplier.id), supplier.event_data())
        return supplier

    async def verify_email(self, token: str) -> Supplier:
        record = await SupplierEmailToken.find_one({"token_hash": hash_token(token)})
        supplier = None
        if record is not None and not record.is_used() and not record.is_expired():
            supplier = await Supplier.get(record.supplier_id)
        if supplier is None or supplier.is_deleted():
            raise TokenError("This verification link is invalid or has expired.")
        now = utc_now()
        if not await _claimed(SupplierEmailToken, record, now):
            raise TokenError("This verification link is invalid or has expired.")
        changes = {"email_verified_at": now, "updated_at": now}
        if supplier.status == SupplierStatus.PENDING:  # any other status stays (a suspension too)
            changes["status"] = SupplierStatus.ACTIVE
        await supplier.update({"$set": changes})
        await self.events.emit(EventType.SUPPLIER_UPDATED, str(supplier.id), supplier.event_data())
        return supplier

    # -- login and tokens --------------------------------------------------------------

    def create_access_token(self, supplier: Supplier) -> str:
        now = utc_now()
        claims = {
            "sub": str(supplier.id),
            "role": SUPPLIER_ROLE,
            "type": "access",
            "iat": now,
            "exp": now + timedelta(minutes=self.settings.access_token_minutes),
        }
        return jwt.encode(claims, self.settings.jwt_secret, algorithm=self.settings.jwt_algorithm)

    async def _token_pair(self, supplier: Supplier) -> tuple[str, str]:
        raw_refresh = generate_token()
        await SupplierRefreshToken(supplier_id=supplier.id, token_hash=hash_token(raw_refresh),
                                   expires_at=utc_now() + REFRESH_TOKEN_TTL).insert()
        return self.create_access_token(supplier), raw_refresh

    async def login(self, email: str, password: str) -> tuple[str, str]:
        supplier = await Supplier.find_one({"contact_info.primary_email": _normalize_email(email), "deleted_at": None})
        if supplier is None:
            raise AuthenticationError(INVALID_CREDENTIALS)
        now = utc_now()
        if supplier.is_locked(now):
            raise AccountLockedError(
                f"Too many failed logins: this account is locked for up to {LOCKOUT_MINUTES} minutes.")
        if not self.verify_password(password, supplier.password_hash):
            # $inc, not read-add-save: failures sent at the same moment each count
            await supplier.update({"$inc": {"security.failed_login_attempts": 1}})
            if supplier.security.failed_login_attempts >= MAX_FAILED_LOGINS:
                await supplier.update({"$set": {"security.failed_login_attempts": 0,
                                                "security.locked_until": now + timedelta(minutes=LOCKOUT_MINUTES)}})
            raise AuthenticationError(INVALID_CREDENTIALS)
        if supplier.status == SupplierStatus.PENDING:
            raise AccountStatusError("Verify your email address before logging in.", code="email_not_verified")
        if supplier.status != SupplierStatus.ACTIVE:
            raise AccountStatusError(f"This account is {supplier.status.value}.")
        await supplier.update({"$set": {"security.failed_login_attempts": 0, "security.locked_until": None,
                                        "security.last_login_at": now}})
        return await self._token_pair(supplier)

    async def refresh(self, refresh_token: str) -> tuple[str, str]:
        record = await SupplierRefreshToken.find_one({"token_hash": hash_token(refresh_token)})
        if record is None or record.is_used() or record.is_expired():
            raise AuthenticationError(INVALID_REFRESH)
        if not await _claimed(SupplierRefreshToken, record, utc_now()):
            raise AuthenticationError(INVALID_REFRESH)
        supplier = await Supplier.get(record.supplier_id)
        if supplier is None or supplier.is_deleted() or not supplier.can_act():
            raise AuthenticationError(INVALID_REFRESH)
        return await self._token_pair(supplier)

    # -- verification documents --------------------------------------------------------

    async def _own(self, actor: Actor) -> Supplier:
        if actor.kind is not ActorKind.SUPPLIER:
            raise AuthorizationError(NOT_A_SUPPLIER)
        supplier = await Supplier.get(PydanticObjectId(actor.id)) if PydanticObjectId.is_valid(actor.id) else None
        if supplier is None or supplier.is_deleted():
            raise NotFoundError("Your supplier account no longer exists.")
        return supplier

    async def _changed(self, supplier: Supplier, changes: dict[str, Any],
                       when: dict[str, Any] | None = None) -> Supplier | None:
        """One update: ``$set`` the changes and ``updated_at``, ``$inc`` the version, and only
        while the document still matches ``when`` (a state move); None when it no longer does."""
        update = {"$set": {**changes, "updated_at": utc_now()}, "$inc": {"version": 1}}
        changed = await Supplier.find_one({"_id": supplier.id, **(when or {})}).update(
            update, response_type=UpdateResponse.NEW_DOCUMENT)
        if changed is not None:
            await self.events.emit(EventType.SUPPLIER_UPDATED, str(changed.id), changed.event_data())
        return changed

    async def _move(self, supplier: Supplier, allowed: tuple[VerificationStatus, ...], doing: str,
                    changes: dict[str, Any]) -> Supplier:
        """A move of the verification status: checked on what was read (for the message), and
        kept in the update's filter, so of moves sent at the same moment only one happens."""
        if supplier.verification.status not in allowed:
            raise StateConflictError(f"{doing} is not possible while verification is "
                                     f"{supplier.verification.status.value}.")
        changed = await self._changed(supplier, changes, {"verification.status": {"$in": [s.value for s in allowed]}})
        if changed is None:
            raise StateConflictError(f"{doing} is not possible: the verification changed meanwhile.")
        return changed

    async def submit_documents(self, actor: Actor, documents: list[dict[str, Any]]) -> Supplier:
        supplier = await self._own(actor)
        now = utc_now()
        changes = {
            "verification.documents": [VerificationDocument(kind=d["kind"], url=d["url"], submitted_at=now)
                                       for d in documents],
            "verification.status": VerificationStatus.UNDER_REVIEW,
            "verification.submitted_at": now,
            "verification.reviewed_at": None, "verification.reviewed_by": None, "verification.rejection_reason": None,
        }
        return await self._move(supplier, (VerificationStatus.PENDING, VerificationStatus.REJECTED),
                                "Submitting documents", changes)

    async def review_documents(self, actor: Actor, supplier_id: str, decision: VerificationStatus | str,
                               reason: str | None = None) -> Supplier:
        supplier = await Supplier.get(PydanticObjectId(supplier_id)) if PydanticObjectId.is_valid(supplier_id) else None
        if supplier is None or supplier.is_deleted():
            raise NotFoundError(f"No supplier with id {supplier_id!r}.")
        if not actor.is_admin:
            raise AuthorizationError("Only an admin may review a supplier's documents.")
        if decision not in (VerificationStatus.VERIFIED, VerificationStatus.REJECTED):
            raise ValidationError("The decision must be 'verified' or 'rejected'.")
        changes = {
            "verification.status": VerificationStatus(decision),
            "verification.reviewed_at": utc_now(),
            "verification.reviewed_by": actor.id,
            "verification.rejection_reason": reason if decision == VerificationStatus.REJECTED else None,
        }
        return await self._move(supplier, (VerificationStatus.UNDER_REVIEW,), "A review", changes)

    # -- profiles ----------------------------------------------------------------------

    async def get_own_profile(self, actor: Actor) -> Supplier:
        return await self._own(actor)

    async def update_profile(self, actor: Actor, changes: dict[str, Any]) -> Supplier:
        supplier = await self._own(actor)
        # $set of the given paths and $inc of the version: updates sent at the same moment each
        # count and keep each other's changes (a save() would write back the whole document)
        changed = await self._changed(supplier, _paths(supplier, changes))
        if changed is None:
            raise NotFoundError("Your supplier account no longer exists.")
        return changed

    async def delete_account(self, actor: Actor) -> None:
        supplier = await self._own(actor)
        now = utc_now()
        await supplier.update({"$set": {"deleted_at": now, "updated_at": now}})
        await self.events.emit(EventType.SUPPLIER_DELETED, str(supplier.id), {"id": str(supplier.id)})

    async def get_public(self, supplier_id: str) -> Supplier:
        supplier = await Supplier.get(PydanticObjectId(supplier_id)) if PydanticObjectId.is_valid(supplier_id) else None
        if supplier is None or supplier.is_deleted() or supplier.status != SupplierStatus.ACTIVE:
            raise NotFoundError(f"No supplier with id {supplier_id!r}.")
        return supplier
