"""02.6 Verification documents (hidden tests)."""

import pytest
from bson import ObjectId

from grader.testkit import accounts, expect, tokens
from grader.testkit import suppliers as sup

pytestmark = pytest.mark.exercise("02.6")

DOCUMENTS = {"documents": [{"kind": "identity_document", "url": "https://files.example/id.pdf"}]}


async def test_a_review_of_a_missing_or_deleted_supplier_is_not_found(client, settings):
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    acme = await sup.seed_supplier(verification="under_review")
    gone = await sup.seed_supplier("sales@globex.example", "Globex AG", verification="under_review", deleted=True)
    expect.status(await client.post(f"/suppliers/{acme.id}/review", json={"decision": "verified"},
                                    headers=tokens.as_user(root, settings)), 200, "POST /suppliers/{id}/review by an admin")
    for supplier_id, what in ((str(ObjectId()), "an id no supplier has"), ("abc", "'abc'"), (str(gone.id), "a deleted supplier")):
        for user, who in ((root, "an admin"), (ada, "a consumer (404 before 403)")):
            response = await client.post(f"/suppliers/{supplier_id}/review", json={"decision": "verified"},
                                         headers=tokens.as_user(user, settings))
            expect.error(response, 404, f"POST /suppliers/{{id}}/review with {what}, by {who}", code="not_found")


async def test_a_user_cannot_submit_documents(client, settings):
    acme = await sup.seed_supplier()
    expect.status(await client.post("/suppliers/me/documents", json=DOCUMENTS, headers=sup.as_supplier(acme, settings)),
                  200, "POST /suppliers/me/documents by a supplier")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    response = await client.post("/suppliers/me/documents", json=DOCUMENTS, headers=tokens.as_user(root, settings))
    expect.error(response, 403, "POST /suppliers/me/documents by an admin user (users have no supplier profile)",
                 code="forbidden")


async def test_a_review_records_who_decided_and_when(client, events, settings):
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    acme = await sup.seed_supplier(verification="under_review")
    response = await client.post(f"/suppliers/{acme.id}/review", json={"decision": "rejected", "reason": "Blurry scan"},
                                 headers=tokens.as_user(root, settings))
    expect.status(response, 200, "POST /suppliers/{id}/review 'rejected' by an admin")
    stored = await sup.stored(acme)
    expect.about_now(stored.verification.reviewed_at, "verification.reviewed_at after a review")
    expect.about_now(stored.updated_at, "updated_at after a review")
    expect.equal((stored.verification.reviewed_by, stored.version), (str(root.id), acme.version + 1),
                 "(verification.reviewed_by, version) after a review")
    updated = events.of_type("supplier.updated")
    expect.equal([(e["entity_id"], e["data"]["verification"]["status"]) for e in updated], [(str(acme.id), "rejected")],
                 "(entity_id, verification.status) of the supplier.updated events after one review")


async def test_a_resubmission_replaces_the_documents_and_clears_the_last_decision(client, settings):
    acme = await sup.seed_supplier(verification="rejected")
    acme.verification.rejection_reason = "Blurry scan"
    await acme.save()
    body = expect.status(await client.post("/suppliers/me/documents", json=DOCUMENTS,
                                           headers=sup.as_supplier(acme, settings)), 200,
                         "POST /suppliers/me/documents after a rejection")
    verification = body.get("verification") or {}
    expect.equal((verification.get("status"), verification.get("document_kinds"), verification.get("rejection_reason")),
                 ("under_review", ["identity_document"], None),
                 "(status, document_kinds, rejection_reason) of verification after a resubmission")


async def test_a_decision_other_than_verified_or_rejected_is_refused(client, settings):
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    acme = await sup.seed_supplier("sales@acme.example", verification="under_review")
    globex = await sup.seed_supplier("sales@globex.example", "Globex AG", verification="under_review")
    as_root = tokens.as_user(root, settings)
    expect.status(await client.post(f"/suppliers/{acme.id}/review", json={"decision": "verified"}, headers=as_root),
                  200, "POST /suppliers/{id}/review 'verified' by an admin")
    for decision in ("pending", "under_review"):
        response = await client.post(f"/suppliers/{globex.id}/review", json={"decision": decision}, headers=as_root)
        expect.error(response, 422, f"POST /suppliers/{{id}}/review with the decision {decision!r}",
                     code="validation_error")
    expect.equal((await sup.stored(globex)).verification.status.value, "under_review",
                 "verification.status after the refused decisions")
