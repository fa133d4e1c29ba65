"""02.3 Verify the supplier's email (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, expect
from grader.testkit import suppliers as sup
from shared.models.auth import EmailVerificationToken, generate_token, hash_token
from shared.models.supplier import SupplierEmailToken
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("02.3")


async def test_verifying_emits_supplier_updated_and_moves_updated_at(client, events, outbox):
    body = await sup.registered(client)
    stored = await sup.stored_supplier("sales@acme.example")
    stored.updated_at = stored.created_at = utc_now() - timedelta(hours=1)
    await stored.save()
    token = accounts.mailed_token(outbox, "verification", "sales@acme.example", "after POST /suppliers/register")
    expect.status(await client.post("/suppliers/verify-email", json={"token": token}), 200,
                  "POST /suppliers/verify-email with the mailed token")
    expect.about_now((await sup.stored_supplier("sales@acme.example")).updated_at,
                     "updated_at after verifying (it was an hour ago)")
    updated = events.of_type("supplier.updated")
    expect.equal([e["entity_id"] for e in updated], [body.get("id")], "supplier.updated events after verifying")
    expect.equal(updated[0]["data"].get("status"), "active", "status in the supplier.updated data")


async def test_a_deleted_suppliers_token_and_a_users_token_are_refused(client, outbox):
    await sup.registered(client, "sales@acme.example")
    await sup.registered(client, "sales@globex.example")
    first = accounts.mailed_token(outbox, "verification", "sales@acme.example", "after POST /suppliers/register")
    gone = accounts.mailed_token(outbox, "verification", "sales@globex.example", "after POST /suppliers/register")
    expect.status(await client.post("/suppliers/verify-email", json={"token": first}), 200,
                  "POST /suppliers/verify-email with sales@acme.example's token")
    globex = await sup.stored_supplier("sales@globex.example")
    globex.deleted_at = utc_now()
    await globex.save()
    response = await client.post("/suppliers/verify-email", json={"token": gone})
    expect.error(response, 400, "POST /suppliers/verify-email with the token of a supplier deleted since",
                 code="invalid_token")
    ada = await accounts.seed_user("ada@example.com", status="pending")
    raw = generate_token()
    await EmailVerificationToken(user_id=ada.id, token_hash=hash_token(raw), expires_at=utc_now() + timedelta(hours=1)).insert()
    response = await client.post("/suppliers/verify-email", json={"token": raw})
    expect.error(response, 400, "POST /suppliers/verify-email with a user's (not a supplier's) verification token",
                 code="invalid_token")


async def test_verifying_the_email_does_not_lift_a_suspension(client):
    await sup.registered(client, "sales@acme.example")
    suspended = await sup.seed_supplier("sales@globex.example", "Globex AG", status="suspended")
    raw = generate_token()
    await SupplierEmailToken(supplier_id=suspended.id, token_hash=hash_token(raw),
                             expires_at=utc_now() + timedelta(hours=1)).insert()
    body = expect.status(await client.post("/suppliers/verify-email", json={"token": raw}), 200,
                         "POST /suppliers/verify-email with a valid token of a suspended supplier")
    expect.equal((body.get("status"), body.get("email_verified")), ("suspended", True),
                 "(status, email_verified) of a suspended supplier after verifying its email (only a pending supplier "
                 "becomes active)")
