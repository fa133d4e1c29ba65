"""01.3 Verify the email address (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, expect
from shared.models.auth import EmailVerificationToken, hash_token
from shared.timeutil import as_utc, utc_now

pytestmark = pytest.mark.exercise("01.3")

TOLERANCE = timedelta(minutes=1)


async def _mailed_token(client, outbox, email: str = "ada@example.com") -> str:
    await accounts.registered(client, email)
    mail = outbox.last("verification", email)
    expect.true(mail is not None, f"after POST /register no verification email was sent to {email} (exercise 01.1)")
    return mail.token


async def _stored_token(raw: str) -> EmailVerificationToken:
    record = await EmailVerificationToken.find_one({"token_hash": hash_token(raw)})
    expect.true(record is not None, "no document in 'email_verification_tokens' has token_hash == "
                                    "hash_token(<the mailed token>) (exercise 01.1)")
    return record


async def test_a_token_works_only_once(client, outbox):
    token = await _mailed_token(client, outbox)
    expect.status(await client.post("/verify-email", json={"token": token}), 200,
                  "POST /verify-email with the mailed token, the first time")
    again = await client.post("/verify-email", json={"token": token})
    expect.error(again, 400, "POST /verify-email with the same token a second time", code="invalid_token")


async def test_an_expired_token_is_refused_and_the_account_stays_pending(client, outbox):
    token = await _mailed_token(client, outbox)
    record = await _stored_token(token)
    record.expires_at = utc_now() - timedelta(minutes=1)
    await record.save()
    response = await client.post("/verify-email", json={"token": token})
    expect.error(response, 400, "POST /verify-email with a token whose expires_at was a minute ago", code="invalid_token")
    user = await accounts.stored_user("ada@example.com")
    expect.equal(user.status.value, "pending", "status of the account after an expired token was refused")


async def test_the_token_is_valid_for_6_hours(client, outbox):
    before = utc_now()
    token = await _mailed_token(client, outbox)
    after = utc_now()
    record = await _stored_token(token)
    expires_at = as_utc(record.expires_at)
    expect.true(before + timedelta(hours=6) - TOLERANCE <= expires_at <= after + timedelta(hours=6) + TOLERANCE,
                f"registering at {before.isoformat()}: expected the verification token's expires_at about 6 hours "
                f"later (EMAIL_VERIFICATION_TTL), got {expires_at.isoformat()}")


async def test_a_token_for_a_deleted_account_is_refused(client, outbox):
    token = await _mailed_token(client, outbox)
    user = await accounts.stored_user("ada@example.com")
    user.deleted_at = utc_now()
    await user.save()
    response = await client.post("/verify-email", json={"token": token})
    expect.error(response, 400, "POST /verify-email with a valid token whose account was soft-deleted since",
                 code="invalid_token")


async def test_verification_refreshes_updated_at_and_emits_user_updated(client, outbox, events):
    token = await _mailed_token(client, outbox)
    user = await accounts.stored_user("ada@example.com")
    long_ago = utc_now() - timedelta(days=1)
    user.updated_at = long_ago
    await user.save()
    started = utc_now()
    body = expect.status(await client.post("/verify-email", json={"token": token}), 200,
                         "POST /verify-email with the mailed token")
    stored = await accounts.stored_user("ada@example.com")
    expect.true(as_utc(stored.updated_at) >= started - TOLERANCE,
                f"updated_at was set to {long_ago.isoformat()} before verifying; after POST /verify-email it should "
                f"be refreshed to now, got {as_utc(stored.updated_at).isoformat()}")
    updated = events.of_type("user.updated")
    expect.equal(len(updated), 1, "user.updated events after POST /verify-email")
    expect.equal(updated[0]["entity_id"], body["id"], "user.updated entity_id (the verified user's id)")
    expect.equal(updated[0]["data"].get("status"), "active", "status in the user.updated event data (user.event_data())")
    expect.true("password_hash" not in updated[0]["data"],
                "the user.updated event data contains 'password_hash'; emit user.event_data()")
