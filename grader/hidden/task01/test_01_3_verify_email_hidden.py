"""01.3 Verify the email address (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, expect
from shared.models.auth import (
    EmailVerificationToken,
    PasswordResetToken,
    generate_token,
    hash_token,
)
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("01.3")


async def _mailed_token(client, outbox, email: str) -> str:
    await accounts.registered(client, email)
    return accounts.mailed_token(outbox, "verification", email, f"after POST /register for {email} (exercise 01.1)")


async def _verify(client, token: str):
    return await client.post("/verify-email", json={"token": token})


async def test_a_token_whose_account_is_deleted_or_gone_is_refused(client, outbox):
    control = await _mailed_token(client, outbox, "grace@example.com")
    deleted = await _mailed_token(client, outbox, "ada@example.com")
    gone = await _mailed_token(client, outbox, "alan@example.com")
    expect.status(await _verify(client, control), 200, "POST /verify-email with the token mailed to grace@example.com")
    await accounts.soft_delete("ada@example.com")
    expect.error(await _verify(client, deleted), 400,
                 "POST /verify-email with a valid token whose account was soft-deleted since", code="invalid_token")
    await (await accounts.stored_user("alan@example.com")).delete()
    expect.error(await _verify(client, gone), 400,
                 "POST /verify-email with a valid token whose user document no longer exists", code="invalid_token")


async def test_verification_refreshes_updated_at_emits_user_updated_and_lifts_no_suspension(client, outbox, events):
    token = await _mailed_token(client, outbox, "ada@example.com")
    user = await accounts.stored_user("ada@example.com")
    user.updated_at = utc_now() - timedelta(days=1)
    await user.save()
    body = expect.status(await _verify(client, token), 200, "POST /verify-email with the mailed token")
    stored = await accounts.stored_user("ada@example.com")
    expect.about_now(stored.updated_at, "updated_at after POST /verify-email (it was set to a day ago before)")
    updated = events.of_type("user.updated")
    expect.equal(len(updated), 1, "user.updated events after POST /verify-email")
    expect.equal(updated[0]["entity_id"], body["id"], "user.updated entity_id (the verified user's id)")
    expect.equal(updated[0]["data"].get("status"), "active", "status in the user.updated event data (user.event_data())")
    expect.no_secrets(updated[0]["data"], "the user.updated event data", (token, accounts.PASSWORD))
    suspended = await _mailed_token(client, outbox, "grace@example.com")
    grace = await accounts.stored_user("grace@example.com")
    grace.status = "suspended"
    await grace.save()
    body = expect.status(await _verify(client, suspended), 200,
                         "POST /verify-email with an unused token of an account suspended since it registered")
    expect.equal((body["status"], body["email_verified"]), ("suspended", True),
                 "(status, email_verified) after verifying the email of a suspended account: only a pending "
                 "account becomes active")


async def test_only_the_raw_mailed_token_verifies(client, outbox):
    control = await _mailed_token(client, outbox, "grace@example.com")
    expect.status(await _verify(client, control), 200, "POST /verify-email with the token mailed to grace@example.com")
    token = await _mailed_token(client, outbox, "ada@example.com")
    record = await EmailVerificationToken.find_one({"token_hash": hash_token(token)})
    expect.true(record is not None, "no document in 'email_verification_tokens' has token_hash == "
                                    "hash_token(<the mailed token>) (exercise 01.1)")
    expect.error(await _verify(client, record.token_hash), 400,
                 "POST /verify-email with the token_hash stored in the database instead of the mailed token "
                 "(look the token up by hash_token(token))", code="invalid_token")
    reset = generate_token()
    await PasswordResetToken(user_id=record.user_id, token_hash=hash_token(reset),
                             expires_at=utc_now() + timedelta(hours=1)).insert()
    expect.error(await _verify(client, reset), 400,
                 "POST /verify-email with a valid password-reset token of the same user (not a verification token)",
                 code="invalid_token")
    expect.status(await _verify(client, token), 200,
                  "POST /verify-email with the mailed token, after the refused attempts")
