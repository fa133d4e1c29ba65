"""Request and response bodies for supplier accounts (Task 02).

Three views of a supplier leave the API, and none carries a secret:
- ``SupplierResponse``: the supplier's own view (registration, /suppliers/me, a review);
  of the banking details only the last four digits of the account number;
- ``PublicSupplierResponse``: what anyone may read: the company, its public contacts and its
  verification status; no personal contact, no address beyond the city, no banking;
- ``SupplierTokenResponse``: the tokens of a login or a refresh.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from shared.models.supplier import (
    CompanyType,
    DocumentKind,
    Supplier,
    SupplierStatus,
    VerificationStatus,
)

# The password policy (10-128 characters, ...) is a service rule; this bound only stops
# absurdly large bodies before they reach bcrypt.
PasswordField = Field(min_length=1, max_length=1024)
CountryField = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2, e.g. 'DE'")
Short = Field(default=None, max_length=200)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AddressBody(_Body):
    street_address_1: str = Field(min_length=1, max_length=200)
    street_address_2: str | None = Short
    city: str = Field(min_length=1, max_length=100)
    state: str | None = Field(default=None, max_length=100)
    zip_code: str = Field(min_length=1, max_length=20)
    country: str = CountryField


class ContactInfoBody(_Body):
    additional_emails: list[EmailStr] = Field(default_factory=list, max_length=5)
    primary_phone: str | None = Field(default=None, max_length=32)
    contact_person_name: str = Field(min_length=1, max_length=100)
    contact_person_title: str | None = Field(default=None, max_length=100)
    contact_person_email: EmailStr | None = None
    contact_person_phone: str | None = Field(default=None, max_length=32)


class CompanyInfoBody(_Body):
    legal_name: str = Field(min_length=1, max_length=200)
    dba_name: str | None = Short
    company_type: CompanyType
    business_address: AddressBody
    shipping_address: AddressBody | None = None


class SocialLinksBody(_Body):
    website_url: str | None = Short
    facebook_url: str | None = Short
    instagram_handle: str | None = Field(default=None, max_length=60)
    twitter_handle: str | None = Field(default=None, max_length=60)
    linkedin_url: str | None = Short


class BusinessInfoBody(_Body):
    support_email: EmailStr | None = None
    support_phone: str | None = Field(default=None, max_length=32)
    timezone: str = Field(default="UTC", min_length=1, max_length=64)
    social_links: SocialLinksBody = Field(default_factory=SocialLinksBody)


class BankingInfoBody(_Body):
    bank_name: str = Field(min_length=1, max_length=100)
    account_holder_name: str = Field(min_length=1, max_length=100)
    account_number: str = Field(pattern=r"^[0-9]{6,34}$", description="the full number: only its last 4 digits are kept")


class SupplierRegisterRequest(_Body):
    email: EmailStr
    password: str = PasswordField
    contact_info: ContactInfoBody
    company_info: CompanyInfoBody
    business_info: BusinessInfoBody = Field(default_factory=BusinessInfoBody)
    banking_info: BankingInfoBody | None = None
    accept_terms: bool
    accept_privacy_policy: bool


class SupplierLoginRequest(_Body):
    email: EmailStr
    password: str = PasswordField


class SupplierTokenRequest(_Body):
    token: str = Field(min_length=1, max_length=512)


class RefreshRequest(_Body):
    refresh_token: str = Field(min_length=1, max_length=512)


class DocumentBody(_Body):
    kind: DocumentKind
    url: str = Field(min_length=1, max_length=500)


class SubmitDocumentsRequest(_Body):
    documents: list[DocumentBody] = Field(min_length=1, max_length=10)


class ReviewRequest(_Body):
    decision: VerificationStatus = Field(description="'verified' or 'rejected'")
    reason: str | None = Field(default=None, max_length=500)


# -- partial updates: every field optional; what is left out (or null) stays as it was ----

class ContactInfoUpdate(_Body):
    primary_phone: str | None = Field(default=None, max_length=32)
    contact_person_name: str | None = Field(default=None, min_length=1, max_length=100)
    contact_person_title: str | None = Field(default=None, max_length=100)
    contact_person_email: EmailStr | None = None
    contact_person_phone: str | None = Field(default=None, max_length=32)


class CompanyInfoUpdate(_Body):
    legal_name: str | None = Field(default=None, min_length=1, max_length=200)
    dba_name: str | None = Short
    business_address: AddressBody | None = None  # an address is replaced as a whole
    shipping_address: AddressBody | None = None


class BusinessInfoUpdate(_Body):
    support_email: EmailStr | None = None
    support_phone: str | None = Field(default=None, max_length=32)
    timezone: str | None = Field(default=None, min_length=1, max_length=64)
    social_links: SocialLinksBody | None = None  # only the links given change


class SupplierUpdateRequest(_Body):
    contact_info: ContactInfoUpdate | None = None
    company_info: CompanyInfoUpdate | None = None
    business_info: BusinessInfoUpdate | None = None

    def changes(self) -> dict:
        """The given fields only, as nested dicts: ``{"company_info": {"dba_name": "..."}}``.
        Inside an address every field is kept (an address is replaced as a whole)."""
        def given(value):
            if isinstance(value, AddressBody):
                return value.model_dump()
            if isinstance(value, BaseModel):
                return {k: given(getattr(value, k)) for k in type(value).model_fields if getattr(value, k) is not None}
            return value
        return given(self)


# -- responses ------------------------------------------------------------------------

class AddressView(BaseModel):
    street_address_1: str
    street_address_2: str | None
    city: str
    state: str | None
    zip_code: str
    country: str


class SocialLinksView(BaseModel):
    website_url: str | None
    facebook_url: str | None
    instagram_handle: str | None
    twitter_handle: str | None
    linkedin_url: str | None


class VerificationView(BaseModel):
    status: VerificationStatus
    document_kinds: list[DocumentKind]
    submitted_at: datetime | None
    reviewed_at: datetime | None
    rejection_reason: str | None


class SupplierResponse(BaseModel):
    id: str
    email: str
    additional_emails: list[str]
    primary_phone: str | None
    contact_person_name: str
    contact_person_title: str | None
    contact_person_email: str | None
    contact_person_phone: str | None
    legal_name: str
    dba_name: str | None
    company_type: CompanyType
    business_address: AddressView
    shipping_address: AddressView | None
    support_email: str | None
    support_phone: str | None
    timezone: str
    social_links: SocialLinksView
    bank_name: str | None
    bank_account_last4: str | None
    status: SupplierStatus
    email_verified: bool
    verification: VerificationView
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, supplier: Supplier) -> "SupplierResponse":
        contact, company, business = supplier.contact_info, supplier.company_info, supplier.business_info
        banking = supplier.banking_info
        return cls(
            id=str(supplier.id),
            email=contact.primary_email,
            additional_emails=contact.additional_emails,
            primary_phone=contact.primary_phone,
            contact_person_name=contact.contact_person_name,
            contact_person_title=contact.contact_person_title,
            contact_person_email=contact.contact_person_email,
            contact_person_phone=contact.contact_person_phone,
            legal_name=company.legal_name,
            dba_name=company.dba_name,
            company_type=company.company_type,
            business_address=AddressView(**company.business_address.model_dump()),
            shipping_address=AddressView(**company.shipping_address.model_dump()) if company.shipping_address else None,
            support_email=business.support_email,
            support_phone=business.support_phone,
            timezone=business.timezone,
            social_links=SocialLinksView(**business.social_links.model_dump()),
            bank_name=banking.bank_name if banking else None,
            bank_account_last4=banking.account_number_last4 if banking else None,
            status=supplier.status,
            email_verified=supplier.email_verified_at is not None,
            verification=_verification(supplier),
            version=supplier.version,
            created_at=supplier.created_at,
            updated_at=supplier.updated_at,
        )


class PublicSupplierResponse(BaseModel):
    id: str
    legal_name: str
    dba_name: str | None
    company_type: CompanyType
    city: str
    state: str | None
    country: str
    support_email: str | None
    support_phone: str | None
    timezone: str
    social_links: SocialLinksView
    verification_status: VerificationStatus
    created_at: datetime

    @classmethod
    def of(cls, supplier: Supplier) -> "PublicSupplierResponse":
        company, business = supplier.company_info, supplier.business_info
        return cls(
            id=str(supplier.id),
            legal_name=company.legal_name,
            dba_name=company.dba_name,
            company_type=company.company_type,
            city=company.business_address.city,
            state=company.business_address.state,
            country=company.business_address.country,
            support_email=business.support_email,
            support_phone=business.support_phone,
            timezone=business.timezone,
            social_links=SocialLinksView(**business.social_links.model_dump()),
            verification_status=supplier.verification.status,
            created_at=supplier.created_at,
        )


def _verification(supplier: Supplier) -> VerificationView:
    verification = supplier.verification
    return VerificationView(
        status=verification.status,
        document_kinds=[d.kind for d in verification.documents],
        submitted_at=verification.submitted_at,
        reviewed_at=verification.reviewed_at,
        rejection_reason=verification.rejection_reason,
    )


class SupplierTokenResponse(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int
