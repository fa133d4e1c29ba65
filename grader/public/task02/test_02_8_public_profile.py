"""02.8 Public profile."""

import pytest
from bson import ObjectId

from grader.testkit import expect
from grader.testkit import suppliers as sup

pytestmark = pytest.mark.exercise("02.8")

PRIVATE = ("email", "additional_emails", "primary_phone", "contact_person_name", "contact_person_email",
           "business_address", "shipping_address", "bank_name", "bank_account_last4", "banking_info",
           "password_hash", "security")


@pytest.mark.weight(2)
async def test_anyone_reads_an_active_supplier_without_its_private_fields(client):
    acme = await sup.seed_supplier(dba_name="Acme")
    body = expect.status(await client.get(f"/suppliers/{acme.id}"), 200, "GET /suppliers/{id} of an active supplier, "
                                                                         "without a token")
    expect.equal((body.get("id"), body.get("legal_name"), body.get("dba_name"), body.get("country")),
                 (str(acme.id), "Acme Trading GmbH", "Acme", "DE"), "GET /suppliers/{id}: (id, legal_name, dba_name, "
                                                                    "country)")
    expect.equal(sorted(key for key in PRIVATE if key in body), [], "private fields in the public GET /suppliers/{id}")
    expect.no_secrets(body, "the GET /suppliers/{id} response", (acme.password_hash, "9876"))


@pytest.mark.weight(2)
async def test_a_missing_deleted_or_unverified_supplier_is_not_found(client):
    acme = await sup.seed_supplier("sales@acme.example")
    gone = await sup.seed_supplier("sales@globex.example", "Globex AG", deleted=True)
    pending = await sup.seed_supplier("sales@initech.example", "Initech", status="pending")
    expect.status(await client.get(f"/suppliers/{acme.id}"), 200, "GET /suppliers/{id} of an active supplier")
    for supplier_id, what in ((str(ObjectId()), "an id no supplier has"), ("abc", "'abc', not an ObjectId"),
                              (str(gone.id), "a soft-deleted supplier"),
                              (str(pending.id), "a supplier whose email is not verified (status pending)")):
        expect.error(await client.get(f"/suppliers/{supplier_id}"), 404, f"GET /suppliers/{{id}} with {what}",
                     code="not_found")
