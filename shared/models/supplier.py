"""The ``suppliers`` collection: companies that sell on the platform, and their one-time
email tokens and refresh tokens.

Suppliers log in on their own (Task 02) and act with access tokens whose ``role`` is
"supplier" (``shared.identity.SUPPLIER_ROLE``); the kit's guard (``backend/identity.py``)
accepts such a token while ``supplier.is_deleted()`` is False and ``supplier.can_act()`` is
True.

Secrets never leave a supplier document: ``event_data()`` leaves out the password hash, the
login bookkeeping (``security``) and the banking details. Even the stored banking details
hold only the last four digits of the account number.
"""

from datetime import datetime, timedelta
from enum import Enum
from typing import Any

import pymongo
from beanie import Document, PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import IndexModel

from shared.models.auth import OneTimeToken
from shared.models.user import SecurityState
from shared.timeutil import as_utc, utc_now

SUPPLIER_EMAIL_VERIFICATION_TTL = timedelta(hours=6)
REFRESH_TOKEN_TTL = timedelta(days=7)


class SupplierStatus(str, Enum):
    PENDING = "pending"  # registered, email not verified yet
    ACTIVE = "active"
    SUSPENDED = "suspended"


class CompanyType(str, Enum):
    SOLE_PROPRIETORSHIP = "sole_proprietorship"
    PARTNERSHIP = "partnership"
    LLC = "llc"
    CORPORATION = "corporation"
    NONPROFIT = "nonprofit"


class VerificationStatus(str, Enum):
    PENDING = "pending"  # no documents yet
    UNDER_REVIEW = "under_review"  # documents submitted, waiting for an admin
    VERIFIED = "verified"
    REJECTED = "rejected"  # the supplier may submit again


class DocumentKind(str, Enum):
    BUSINESS_LICENSE = "business_license"
    TAX_CERTIFICATE = "tax_certificate"
    IDENTITY_DOCUMENT = "identity_document"
    BANK_STATEMENT = "bank_statement"


class Address(BaseModel):
    street_address_1: str
    street_address_2: str | None = None
    city: str
    state: str | None = None
    zip_code: str
    country: str  # ISO 3166-1 alpha-2, two capital letters ("DE", "US")


class SupplierContactInfo(BaseModel):
    primary_email: str  # the login; always stored trimmed and lower-cased
    additional_emails: list[str] = Field(default_factory=list)  # also trimmed and lower-cased
    primary_phone: str | None = None
    contact_person_name: str
    contact_person_title: str | None = None
    contact_person_email: str | None = None
    contact_person_phone: str | None = None


class CompanyInfo(BaseModel):
    legal_name: str
    dba_name: str | None = None  # "doing business as"
    company_type: CompanyType
    business_address: Address
    shipping_address: Address | None = None


class SocialLinks(BaseModel):
    website_url: str | None = None
    facebook_url: str | None = None
    instagram_handle: str | None = None
    twitter_handle: str | None = None
    linkedin_url: str | None = None


class BusinessInfo(BaseModel):
    support_email: str | None = None
    support_phone: str | None = None
    timezone: str = "UTC"  # an IANA name such as "Europe/Berlin"
    social_links: SocialLinks = Field(default_factory=SocialLinks)


class BankingInfo(BaseModel):
    bank_name: str
    account_holder_name: str
    account_number_last4: str  # never the full number


class VerificationDocument(BaseModel):
    kind: DocumentKind
    url: str
    submitted_at: datetime = Field(default_factory=utc_now)


class Verification(BaseModel):
    status: VerificationStatus = VerificationStatus.PENDING
    documents: list[VerificationDocument] = Field(default_factory=list)
    submitted_at: datetime | None = None
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None  # the id of the admin who decided
    rejection_reason: str | None = None


class Supplier(Document):
    password_hash: str
    contact_info: SupplierContactInfo
    company_info: CompanyInfo
    business_info: BusinessInfo = Field(default_factory=BusinessInfo)
    banking_info: BankingInfo | None = None
    status: SupplierStatus = SupplierStatus.PENDING
    email_verified_at: datetime | None = None
    verification: Verification = Field(default_factory=Verification)
    terms_accepted_at: datetime
    privacy_policy_accepted_at: datetime
    security: SecurityState = Field(default_factory=SecurityState)
    product_ids: list[PydanticObjectId] = Field(default_factory=list)  # filled by the product task
    deleted_at: datetime | None = None
    version: int = 1
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)

    class Settings:
        name = "suppliers"
        indexes = [
            IndexModel([("contact_info.primary_email", pymongo.ASCENDING)], unique=True, name="uniq_primary_email"),
            IndexModel([("contact_info.additional_emails", pymongo.ASCENDING)], name="by_additional_email"),
            IndexModel([("company_info.business_address.country", pymongo.ASCENDING),
                        ("company_info.business_address.state", pymongo.ASCENDING),
                        ("company_info.business_address.city", pymongo.ASCENDING)], name="by_location"),
            IndexModel([("deleted_at", pymongo.ASCENDING), ("created_at", pymongo.DESCENDING)], name="live_by_created"),
        ]

    @property
    def email(self) -> str:
        return self.contact_info.primary_email

    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def can_act(self) -> bool:
        """True when the supplier may use the platform: the email is verified and the account
        is not suspended. (Selling may also need verified documents; later tasks say.)"""
        return self.status == SupplierStatus.ACTIVE

    def is_verified(self) -> bool:
        """True once an admin accepted the supplier's documents."""
        return self.verification.status == VerificationStatus.VERIFIED

    def is_locked(self, now: datetime | None = None) -> bool:
        """True while a lockout set after too many failed logins is still running."""
        locked_until = self.security.locked_until
        return locked_until is not None and as_utc(locked_until) > (now or utc_now())

    def event_data(self) -> dict[str, Any]:
        """The supplier as it travels in events: everything but the password hash, the login
        bookkeeping and the banking details."""
        data = self.model_dump(mode="json", exclude={"password_hash", "security", "banking_info", "revision_id"})
        data["id"] = str(self.id)
        return data


class _SupplierToken(OneTimeToken):
    """A token of which only a SHA-256 hash (``shared.models.auth.hash_token``) is stored."""

    supplier_id: PydanticObjectId


class SupplierEmailToken(_SupplierToken):
    """A supplier's email-verification token (valid SUPPLIER_EMAIL_VERIFICATION_TTL, once)."""

    class Settings:
        name = "supplier_email_tokens"
        indexes = [
            IndexModel([("token_hash", pymongo.ASCENDING)], unique=True, name="uniq_token_hash"),
            IndexModel([("supplier_id", pymongo.ASCENDING)], name="by_supplier"),
        ]


class SupplierRefreshToken(_SupplierToken):
    """An opaque refresh token (valid REFRESH_TOKEN_TTL, once: each use issues a new one)."""

    class Settings:
        name = "supplier_refresh_tokens"
        indexes = [
            IndexModel([("token_hash", pymongo.ASCENDING)], unique=True, name="uniq_token_hash"),
            IndexModel([("supplier_id", pymongo.ASCENDING)], name="by_supplier"),
        ]
