"""02.6 Verification documents.

Suppliers and admins are put straight into the database; the tests act as them with access
tokens made by the testkit, which the app's own guard checks."""

import pytest

from grader.testkit import accounts, expect, race, tokens
from grader.testkit import suppliers as sup

pytestmark = pytest.mark.exercise("02.6")

DOCUMENTS = {"documents": [{"kind": "business_license", "url": "https://files.example/license.pdf"},
                           {"kind": "tax_certificate", "url": "https://files.example/tax.pdf"}]}


async def _submit(client, supplier, settings):
    return await client.post("/suppliers/me/documents", json=DOCUMENTS, headers=sup.as_supplier(supplier, settings))


async def _review(client, supplier, headers, decision: str, reason: str | None = None):
    return await client.post(f"/suppliers/{supplier.id}/review", json={"decision": decision, "reason": reason},
                             headers=headers)


@pytest.mark.race("of document submissions sent at the same moment, exactly one is accepted")
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
    # The same rule when the requests race: each may read 'pending' before one submission is stored.
    urls = [f"https://files.example/license-{n}.pdf" for n in range(1, 6)]
    for round_ in race.rounds():
        initech = await sup.seed_supplier(f"sales{round_}@initech.example", "Initech")
        as_initech = sup.as_supplier(initech, settings)
        responses = await race.at_once(
            client.post("/suppliers/me/documents", json={"documents": [{"kind": "business_license", "url": url}]},
                        headers=as_initech) for url in urls)
        doing = (f"5 POST /suppliers/me/documents by {initech.email} (pending) sent at the same moment, each with one "
                 "document (license-1.pdf to license-5.pdf)")
        expect.equal(race.statuses(responses), [200, 409, 409, 409, 409],
                     f"statuses of {doing} (exactly one moves pending -> under_review; the others find it under "
                     "review: move the status with one conditional update)")
        for response in responses:
            if response.status_code != 200:
                expect.error(response, 409, f"a submission of {doing} that lost the race", code="state_conflict")
        [winner] = [url for url, response in zip(urls, responses) if response.status_code == 200]
        stored = await sup.stored(initech)
        expect.equal(([d.url for d in stored.verification.documents], stored.version),
                     ([winner], initech.version + 1), f"(the stored document urls, version) after {doing} (only the "
                     "accepted submission is kept, counted once)")
        expect.equal(len([e for e in events.of_type("supplier.updated") if e["entity_id"] == str(initech.id)]), 1,
                     f"supplier.updated events for {initech.email} after {doing}")


@pytest.mark.weight(2)
@pytest.mark.race("a review decides once: of reviews sent at the same moment, exactly one is accepted")
async def test_an_admin_verifies_or_rejects_documents_under_review(client, events, settings):
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
    # The same rule when the requests race: each may read 'under_review' before one decision is stored.
    decisions = ("verified", "rejected", "verified", "rejected", "rejected")
    for round_ in race.rounds():
        initech = await sup.seed_supplier(f"sales{round_}@initech.example", "Initech", verification="under_review")
        reasons = ["Blurry scan" if decision == "rejected" else None for decision in decisions]
        responses = await race.at_once(_review(client, initech, as_root, decision, reason)
                                       for decision, reason in zip(decisions, reasons))
        doing = (f"5 POST /suppliers/{{id}}/review of {initech.email} (under review) by an admin sent at the same "
                 f"moment ({', '.join(decisions)})")
        expect.equal(race.statuses(responses), [200, 409, 409, 409, 409], f"statuses of {doing} (a review decides "
                     "once; the others find it decided: move the status with one conditional update)")
        for response in responses:
            if response.status_code != 200:
                expect.error(response, 409, f"a review of {doing} that lost the race", code="state_conflict")
        [winner] = [decision for decision, response in zip(decisions, responses) if response.status_code == 200]
        stored = await sup.stored(initech)
        expect.equal((stored.verification.status.value, stored.version), (winner, initech.version + 1),
                     f"(verification.status, version) after {doing} (the accepted decision, counted once)")
        expect.equal(len([e for e in events.of_type("supplier.updated") if e["entity_id"] == str(initech.id)]), 1,
                     f"supplier.updated events for {initech.email} after {doing}")


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
