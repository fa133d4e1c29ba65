"""02.3 Verify the supplier's email.

The tokens these tests send arrive by mail from your registration (exercise 02.1)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, expect, race
from grader.testkit import suppliers as sup
from shared.models.auth import hash_token
from shared.models.supplier import SupplierEmailToken
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("02.3")


async def _mailed_token(client, outbox, email: str = "sales@acme.example") -> str:
    await sup.registered(client, email)
    return accounts.mailed_token(outbox, "verification", email, f"after POST /suppliers/register for {email} "
                                                                "(exercise 02.1)")


async def _verify(client, token: str):
    return await client.post("/suppliers/verify-email", json={"token": token})


async def test_the_mailed_token_activates_the_supplier(client, outbox):
    token = await _mailed_token(client, outbox)
    body = expect.status(await _verify(client, token), 200, "POST /suppliers/verify-email with the mailed token")
    expect.equal((body.get("status"), body.get("email_verified")), ("active", True),
                 "(status, email_verified) after verifying the email")
    stored = await sup.stored_supplier("sales@acme.example")
    expect.equal((stored.status.value, stored.email_verified_at is not None), ("active", True),
                 "(status, email_verified_at is set) of the stored supplier after verifying the email")


async def test_an_unknown_token_is_refused(client, outbox):
    token = await _mailed_token(client, outbox)
    expect.status(await _verify(client, token), 200, "POST /suppliers/verify-email with the mailed token")
    response = await _verify(client, "not-a-token-we-issued")
    expect.error(response, 400, "POST /suppliers/verify-email with a token that was never issued", code="invalid_token")


@pytest.mark.weight(5)
@pytest.mark.must("a verification token works once and only until it expires")
@pytest.mark.race("a verification token works once, also when it is sent several times at the same moment")
async def test_a_verification_token_works_once_and_only_until_it_expires(client, outbox, events):
    token = await _mailed_token(client, outbox, "sales@acme.example")
    late = await _mailed_token(client, outbox, "sales@globex.example")
    record = await SupplierEmailToken.find_one({"token_hash": hash_token(late)})
    expect.true(record is not None, "no document in 'supplier_email_tokens' has token_hash == "
                                    "hash_token(<the token mailed to sales@globex.example>) (exercise 02.1)")
    expect.about_now(record.expires_at, "expires_at of a new supplier verification token",
                     from_now=timedelta(hours=6))
    record.expires_at = utc_now() - timedelta(minutes=1)
    await record.save()

    expect.status(await _verify(client, token), 200,
                  "POST /suppliers/verify-email with the token mailed to sales@acme.example, the first time")
    acme = await sup.stored_supplier("sales@acme.example")
    for event in events.of_type("supplier.updated"):  # no secret travels with the account, verified or not
        expect.no_secrets(event["data"], "the supplier.updated event data after verifying",
                          (sup.PASSWORD, token, acme.password_hash if acme else "", sup.ACCOUNT_NUMBER))
    again = await _verify(client, token)
    expect.error(again, 400, "POST /suppliers/verify-email with the same token a second time", code="invalid_token")
    expired = await _verify(client, late)
    expect.error(expired, 400, "POST /suppliers/verify-email with sales@globex.example's token, whose expires_at was "
                               "a minute ago", code="invalid_token")
    globex = await sup.stored_supplier("sales@globex.example")
    expect.equal((globex.status.value, globex.email_verified_at), ("pending", None),
                 "(status, email_verified_at) of sales@globex.example after its expired token was refused")
    # The same rule when the requests race: each may read the token unused before one marks it.
    for round_ in race.rounds():
        email = f"sales{round_}@initech.example"
        fresh = await _mailed_token(client, outbox, email)
        responses = await race.at_once(_verify(client, fresh) for _ in range(5))
        expect.equal(race.statuses(responses), [200, 400, 400, 400, 400], f"statuses of 5 POST /suppliers/verify-email "
                     f"with {email}'s token sent at the same moment (it works once: mark it used with one conditional "
                     "update)")
        initech = await sup.stored_supplier(email)
        updates = [e for e in events.of_type("supplier.updated") if e["entity_id"] == str(initech.id)]
        expect.equal(len(updates), 1, f"supplier.updated events for {email} after 5 verifications at the same moment")
