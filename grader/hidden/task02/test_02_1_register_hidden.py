"""02.1 Register suppliers (hidden tests)."""

import pytest

from grader.testkit import expect
from grader.testkit import suppliers as sup

pytestmark = pytest.mark.exercise("02.1")


async def test_a_refused_registration_stores_mails_and_emits_nothing(client, db, events, outbox):
    await sup.registered(client, "sales@acme.example")
    refused = ((sup.register(client, "sales@acme.example"), 409, "the email of an existing supplier"),
               (sup.register(client, "sales@globex.example", "weakpass"), 422, "the weak password 'weakpass'"),
               (sup.register(client, "sales@globex.example", accept_terms=False), 422, "accept_terms false"))
    for request, code, what in refused:
        expect.error(await request, code, f"POST /suppliers/register for a second supplier with {what}")
    expect.equal((await db["suppliers"].count_documents({}), await db["supplier_email_tokens"].count_documents({})),
                 (1, 1), "documents in ('suppliers', 'supplier_email_tokens') after one registration and three refused")
    expect.equal(events.types(), ["supplier.created"], "events after one registration and three refused ones")
    expect.equal([m.to for m in outbox.sent], ["sales@acme.example"], "emails sent after one registration and three "
                                                                       "refused ones")


async def test_additional_emails_are_normalised_and_then_taken(client):
    contact = dict(sup.register_body()["contact_info"], additional_emails=[" Orders@ACME.example", "orders@acme.example"])
    body = await sup.registered(client, "sales@acme.example", contact_info=contact)
    expect.equal(body.get("additional_emails"), ["orders@acme.example"],
                 "additional_emails after registering with [' Orders@ACME.example', 'orders@acme.example'] (trimmed, "
                 "lower-cased, once)")
    response = await sup.register(client, "ORDERS@acme.example")
    expect.error(response, 409, "POST /suppliers/register with the additional email of an existing supplier as primary "
                                "email", code="duplicate")
    contact = dict(sup.register_body()["contact_info"], additional_emails=["orders@acme.example"])
    response = await sup.register(client, "sales@globex.example", contact_info=contact)
    expect.error(response, 409, "POST /suppliers/register with the additional email of an existing supplier as "
                                "additional email", code="duplicate")
    expect.status(await sup.register(client, "sales@globex.example"), 201,
                  "POST /suppliers/register for sales@globex.example without additional emails")


async def test_an_unknown_company_type_or_country_code_is_refused(client, db):
    await sup.registered(client, "sales@acme.example")
    company = sup.register_body()["company_info"]
    for changed, what in ((dict(company, company_type="empire"), "company_type 'empire'"),
                          (dict(company, business_address=dict(sup.ADDRESS, country="DEU")), "country 'DEU'")):
        response = await sup.register(client, "sales@globex.example", company_info=changed)
        expect.error(response, 422, f"POST /suppliers/register with {what}", code="validation_error")
    expect.equal(await db["suppliers"].count_documents({}), 1, "documents in 'suppliers' after the refused registrations")
