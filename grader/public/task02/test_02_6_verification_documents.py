"""02.6 Verification documents.

Suppliers and admins are put straight into the database; the tests act as them with access
tokens made by the testkit, which the app's own guard checks."""

import pytest

from grader.testkit import accounts, expect, tokens
from grader.testkit import suppliers as sup

pytestmark = pytest.mark.exercise("02.6")

DOCUMENTS = {"documents": [{"kind": "business_license", "url": "https://files.example/license.pdf"},
                           {"kind": "tax_certificate", "url": "https://files.example/tax.pdf"}]}


async def _submit(client, supplier, settings):
    return await client.post("/suppliers/me/documents", json=DOCUMENTS, headers=sup.as_supplier(supplier, settings))


async def _review(client, supplier, headers, decision: str, reason: str | None = None):
    return await client.post(f"/suppliers/{supplier.id}/review", json={"decision": decision, "reason": reason},
                             headers=headers)


async def test_submitted_documents_put_the_supplier_under_review(client, events, settings):
    acme = await sup.seed_supplier()
    body = expect.status(await _submit(client, acme, settings), 200,
                         "POST /suppliers/me/documents by a supplier whose verification is pending")
    verification = body.get("verification") or {}
    expect.equal((verification.get("status"), verification.get("document_kinds")),
                 ("under_review", ["business_license", "tax_certificate"]),
                 "(verification.status, verification.document_kinds) after submitting two documents")
    stored = await sup.stored(acme)
    expect.about_now(stored.verification.submitted_at, "verification.submitted_at after submitting documents")
    expect.equal(stored.version, acme.version + 1, "version after submitting documents (it goes up by one)")
    updated = events.of_type("supplier.updated")
    expect.equal([e["entity_id"] for e in updated], [str(acme.id)], "supplier.updated events after one submission")


@pytest.mark.weight(2)
async def test_an_admin_verifies_or_rejects_documents_under_review(client, settings):
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    as_root = tokens.as_user(root, settings)
    acme = await sup.seed_supplier("sales@acme.example", verification="under_review")
    globex = await sup.seed_supplier("sales@globex.example", "Globex AG", verification="under_review")
    body = expect.status(await _review(client, acme, as_root, "verified"), 200,
                         "POST /suppliers/{id}/review with decision 'verified' by an admin")
    expect.equal((body.get("verification") or {}).get("status"), "verified", "verification.status after 'verified'")
    body = expect.status(await _review(client, globex, as_root, "rejected", "The licence is unreadable."), 200,
                         "POST /suppliers/{id}/review with decision 'rejected' by an admin")
    expect.equal(((body.get("verification") or {}).get("status"), (body.get("verification") or {}).get("rejection_reason")),
                 ("rejected", "The licence is unreadable."), "(verification.status, rejection_reason) after 'rejected'")
    stored = await sup.stored(acme)
    expect.equal(stored.verification.reviewed_by, str(root.id), "verification.reviewed_by (the admin's id)")


@pytest.mark.weight(2)
async def test_only_the_allowed_transitions_happen(client, settings):
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    as_root = tokens.as_user(root, settings)
    acme = await sup.seed_supplier()
    expect.error(await _review(client, acme, as_root, "verified"), 409,
                 "POST /suppliers/{id}/review by an admin while verification is pending (no documents yet)",
                 code="state_conflict")
    expect.status(await _submit(client, acme, settings), 200, "POST /suppliers/me/documents (pending -> under_review)")
    expect.error(await _submit(client, acme, settings), 409,
                 "POST /suppliers/me/documents again while the documents are under review", code="state_conflict")
    expect.status(await _review(client, acme, as_root, "rejected", "Expired licence"), 200,
                  "POST /suppliers/{id}/review 'rejected' by an admin (under_review -> rejected)")
    expect.error(await _review(client, acme, as_root, "verified"), 409,
                 "POST /suppliers/{id}/review 'verified' after a rejection, without new documents", code="state_conflict")
    expect.status(await _submit(client, acme, settings), 200,
                  "POST /suppliers/me/documents after a rejection (rejected -> under_review)")
    expect.status(await _review(client, acme, as_root, "verified"), 200,
                  "POST /suppliers/{id}/review 'verified' by an admin (under_review -> verified)")
    expect.error(await _submit(client, acme, settings), 409, "POST /suppliers/me/documents once verified",
                 code="state_conflict")
    expect.equal((await sup.stored(acme)).verification.status.value, "verified",
                 "verification.status after the refused submission")


@pytest.mark.weight(5)
@pytest.mark.must("only an admin may review verification documents")
async def test_only_an_admin_may_review_verification_documents(client, events, settings):
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    acme = await sup.seed_supplier("sales@acme.example", verification="under_review")
    globex = await sup.seed_supplier("sales@globex.example", "Globex AG", verification="under_review")
    expect.status(await _review(client, globex, tokens.as_user(root, settings), "verified"), 200,
                  "POST /suppliers/{id}/review 'verified' of sales@globex.example by an admin")
    before = await sup.stored(acme)
    for headers, who in ((tokens.as_user(ada, settings), "a consumer"), (tokens.as_user(lea, settings), "a leader"),
                         (sup.as_supplier(acme, settings), "the supplier themself"),
                         (sup.as_supplier(globex, settings), "another supplier")):
        for decision in ("verified", "rejected"):
            response = await _review(client, acme, headers, decision)
            expect.error(response, 403, f"POST /suppliers/{{id}}/review {decision!r} of sales@acme.example by {who}",
                         code="forbidden")
    after = await sup.stored(acme)
    expect.equal((after.verification.status.value, after.version, after.updated_at),
                 ("under_review", before.version, before.updated_at),
                 "sales@acme.example's (verification.status, version, updated_at) after only refused reviews")
    expect.equal([e["entity_id"] for e in events.of_type("supplier.updated")], [str(globex.id)],
                 "supplier.updated events after one admin review and only refused ones since")
