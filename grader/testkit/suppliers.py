"""Supplier accounts for the tests: register, verify and log in through the API when a test
is about those (exercises 02.1 to 02.5), or put suppliers straight into the database when a
test only needs one to start from (then act as them with ``as_supplier``)."""

import copy
from datetime import datetime

import httpx

from grader.testkit import accounts, expect, tokens
from shared.timeutil import utc_now

PASSWORD = "Harbour-Crane-77"
ACCOUNT_NUMBER = "0098765432109876"  # 16 digits: only "9876" may ever be stored
ADDRESS = {"street_address_1": "Hafenstrasse 12", "street_address_2": None, "city": "Hamburg", "state": "HH",
           "zip_code": "20457", "country": "DE"}


def register_body(email: str = "sales@acme.example", password: str = PASSWORD, **overrides) -> dict:
    """A valid registration body; ``overrides`` replace top-level keys (``banking_info=None``...)."""
    body = {
        "email": email,
        "password": password,
        "contact_info": {"additional_emails": [], "primary_phone": "+49 40 555 0100",
                         "contact_person_name": "Greta Hansen", "contact_person_title": "Head of Sales",
                         "contact_person_email": "greta@acme.example", "contact_person_phone": "+49 40 555 0101"},
        "company_info": {"legal_name": "Acme Trading GmbH", "dba_name": "Acme", "company_type": "llc",
                         "business_address": dict(ADDRESS), "shipping_address": None},
        "business_info": {"support_email": "help@acme.example", "support_phone": "+49 40 555 0199",
                          "timezone": "Europe/Berlin",
                          "social_links": {"website_url": "https://acme.example", "facebook_url": None,
                                           "instagram_handle": "@acme", "twitter_handle": None, "linkedin_url": None}},
        "banking_info": {"bank_name": "Hanse Bank", "account_holder_name": "Acme Trading GmbH",
                         "account_number": ACCOUNT_NUMBER},
        "accept_terms": True,
        "accept_privacy_policy": True,
    }
    body.update(copy.deepcopy(overrides))
    return body


async def register(client: httpx.AsyncClient, email: str = "sales@acme.example", password: str = PASSWORD,
                   **overrides) -> httpx.Response:
    return await client.post("/suppliers/register", json=register_body(email, password, **overrides))


async def registered(client: httpx.AsyncClient, email: str = "sales@acme.example", password: str = PASSWORD,
                     **overrides) -> dict:
    """Register and return the response body; fail plainly if registration does not work."""
    response = await register(client, email, password, **overrides)
    return expect.status(response, 201, f"POST /suppliers/register for {email} with a valid body "
                                        "(this test needs supplier registration, exercise 02.1)")


async def activate(email: str) -> None:
    """Mark a registered supplier's email as verified straight in the database, skipping 02.3."""
    from shared.models.supplier import SupplierStatus

    supplier = await stored_supplier(email)
    expect.true(supplier is not None, f"after registering {email}, no document in 'suppliers' has "
                                      f"contact_info.primary_email == {email!r}")
    supplier.status = SupplierStatus.ACTIVE
    supplier.email_verified_at = utc_now()
    await supplier.save()


async def active_supplier(client: httpx.AsyncClient, email: str = "sales@acme.example", password: str = PASSWORD,
                          **overrides) -> dict:
    """Register through the API (the learner's hash, so the password logs in), then activate
    in the database. Returns the registration's response body."""
    body = await registered(client, email, password, **overrides)
    await activate(email)
    return body


async def login(client: httpx.AsyncClient, email: str = "sales@acme.example", password: str = PASSWORD) -> httpx.Response:
    return await client.post("/suppliers/login", json={"email": email, "password": password})


async def logged_in(client: httpx.AsyncClient, email: str = "sales@acme.example", password: str = PASSWORD) -> dict:
    """The body of a successful POST /suppliers/login (access_token, refresh_token, ...)."""
    response = await login(client, email, password)
    return expect.status(response, 200, f"POST /suppliers/login as {email} with the right password for an active "
                                        "supplier (exercise 02.4)")


async def refresh(client: httpx.AsyncClient, refresh_token) -> httpx.Response:
    return await client.post("/suppliers/refresh", json={"refresh_token": refresh_token})


# -- straight into the database: no learner code involved -----------------------------------

async def seed_supplier(email: str = "sales@acme.example", legal_name: str = "Acme Trading GmbH", *,
                        status: str = "active", verification: str = "pending", deleted: bool = False,
                        created_at: datetime | None = None, banking: bool = True, **company):
    """Insert a supplier directly and return the document. ``status``: pending, active,
    suspended; ``verification``: pending, under_review, verified, rejected; ``deleted``
    soft-deletes it; ``company`` overrides company_info fields (``dba_name=...``)."""
    from shared.models.supplier import (
        Address, BankingInfo, BusinessInfo, CompanyInfo, SocialLinks, Supplier, SupplierContactInfo,
        SupplierStatus, Verification, VerificationDocument, VerificationStatus)

    now = utc_now()
    when = created_at or now
    documents = [] if verification == "pending" else [VerificationDocument(kind="business_license",
                                                                           url="https://files.example/license.pdf",
                                                                           submitted_at=when)]
    supplier = Supplier(
        password_hash=accounts.SEEDED_HASH,
        contact_info=SupplierContactInfo(primary_email=email, primary_phone="+49 40 555 0100",
                                         contact_person_name="Greta Hansen", contact_person_email="greta@acme.example"),
        company_info=CompanyInfo(**{"legal_name": legal_name, "dba_name": None, "company_type": "llc",
                                    "business_address": Address(**ADDRESS), **company}),
        business_info=BusinessInfo(support_email="help@acme.example", timezone="Europe/Berlin",
                                   social_links=SocialLinks(instagram_handle="@acme")),
        banking_info=BankingInfo(bank_name="Hanse Bank", account_holder_name=legal_name,
                                 account_number_last4=ACCOUNT_NUMBER[-4:]) if banking else None,
        status=SupplierStatus(status),
        email_verified_at=None if status == "pending" else when,
        verification=Verification(status=VerificationStatus(verification), documents=documents,
                                   submitted_at=None if verification == "pending" else when),
        terms_accepted_at=when,
        privacy_policy_accepted_at=when,
        created_at=when,
        updated_at=when,
        deleted_at=now if deleted else None,
    )
    await supplier.insert()
    return supplier


def as_supplier(supplier, settings, **options) -> dict[str, str]:
    """Headers that act as ``supplier`` (a Supplier document): an access token with the role
    "supplier", made by the testkit; ``options`` as for ``tokens.access_token``."""
    return tokens.bearer(tokens.access_token(supplier.id, "supplier", settings, **options))


async def stored_supplier(email: str):
    """The document in 'suppliers' with this primary email, or None."""
    from shared.models.supplier import Supplier

    return await Supplier.find_one({"contact_info.primary_email": email})


async def stored(supplier):
    """The current state of a supplier document in the database (after the app changed it)."""
    from shared.models.supplier import Supplier

    return await Supplier.get(supplier.id)
