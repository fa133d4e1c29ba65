"""01.3 Verify the email address.

The tokens these tests send arrive by mail from your registration (exercise 01.1)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, expect, race
from shared.models.auth import EMAIL_VERIFICATION_TTL, EmailVerificationToken, hash_token
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("01.3")


async def _mailed_token(client, outbox, email: str = "ada@example.com") -> str:
    await accounts.registered(client, email)
    return accounts.mailed_token(outbox, "verification", email, f"after POST /register for {email} (exercise 01.1)")


async def _verify(client, token: str):
    return await client.post("/verify-email", json={"token": token})


async def test_the_mailed_token_activates_the_account(client, outbox):
    token = await _mailed_token(client, outbox)
    body = expect.status(await _verify(client, token), 200, "POST /verify-email with the token from the verification email")
    expect.equal(body["status"], "active", "status after verifying the email")
    expect.equal(body["email_verified"], True, "email_verified after verifying the email")
    stored = await accounts.stored_user("ada@example.com")
    expect.equal((stored.status.value, stored.email_verified_at is not None), ("active", True),
                 "(status, email_verified_at is set) of the stored user after verifying the email")


async def test_an_unknown_token_is_refused(client, outbox):
    token = await _mailed_token(client, outbox)
    expect.status(await _verify(client, token), 200, "POST /verify-email with the token from the verification email")
    response = await _verify(client, "not-a-token-we-issued")
    expect.error(response, 400, "POST /verify-email with a token that was never issued", code="invalid_token")


@pytest.mark.weight(5)
@pytest.mark.must("a verification token works once and only until it expires")
@pytest.mark.race("a verification token works once, also when it is sent twice at the same moment")
async def test_a_verification_token_works_once_and_only_until_it_expires(client, outbox, events):
    token = await _mailed_token(client, outbox, "ada@example.com")
    late = await _mailed_token(client, outbox, "grace@example.com")
    issued = await EmailVerificationToken.find_one({"token_hash": hash_token(token)})
    expect.about_now(issued.expires_at if issued else None, "expires_at of the verification token mailed to "
                     "ada@example.com (EMAIL_VERIFICATION_TTL: it works only until then)",
                     from_now=EMAIL_VERIFICATION_TTL)
    record = await EmailVerificationToken.find_one({"token_hash": hash_token(late)})
    expect.true(record is not None, "no document in 'email_verification_tokens' has token_hash == "
                                    "hash_token(<the token mailed to grace@example.com>) (exercise 01.1)")
    record.expires_at = utc_now() - timedelta(minutes=1)
    await record.save()

    first = await _verify(client, token)
    expect.status(first, 200, "POST /verify-email with the token mailed to ada@example.com, the first time")
    ada = await accounts.stored_user("ada@example.com")
    for event in events.of_type("user.updated"):  # no secret travels with the account, verified or not
        expect.no_secrets(event["data"], "the user.updated event data after verifying",
                          (accounts.PASSWORD, token, ada.password_hash if ada else ""))
    again = await _verify(client, token)
    expect.error(again, 400, "POST /verify-email with the same token a second time", code="invalid_token")
    expired = await _verify(client, late)
    expect.error(expired, 400, "POST /verify-email with grace@example.com's token, whose expires_at was a minute ago",
                 code="invalid_token")
    grace = await accounts.stored_user("grace@example.com")
    expect.equal((grace.status.value, grace.email_verified_at), ("pending", None),
                 "(status, email_verified_at) of grace@example.com after her expired token was refused")
    # The same rule when the requests race: each may read the token unused before one marks it.
    for round_ in race.rounds():
        email = f"linus{round_}@example.com"
        fresh = await _mailed_token(client, outbox, email)
        responses = await race.at_once(_verify(client, fresh) for _ in range(3))
        expect.equal(race.statuses(responses), [200, 400, 400], f"statuses of 3 POST /verify-email with {email}'s "
                     "token sent at the same moment (it works once: mark it used with one conditional update)")
        linus = await accounts.stored_user(email)
        updates = [e for e in events.of_type("user.updated") if e["entity_id"] == str(linus.id)]
        expect.equal(len(updates), 1, f"user.updated events for {email} after 3 verifications at the same moment")
