"""01.6 Password reset (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, expect
from shared.models.auth import PasswordResetToken, hash_token
from shared.timeutil import as_utc, utc_now

pytestmark = pytest.mark.exercise("01.6")

NEW_PASSWORD = "Maple-Harbour-88"
OTHER_PASSWORD = "Cedar-Lighthouse-29"
TOLERANCE = timedelta(minutes=1)


async def _reset_token(client, outbox, email: str = "ada@example.com") -> str:
    response = await client.post("/request-password-reset", json={"email": email})
    expect.status(response, 202, f"POST /request-password-reset for {email}")
    mail = outbox.last("reset", email)
    expect.true(mail is not None, f"after POST /request-password-reset no reset email was sent to {email} "
                                  "(self.mailer.send_password_reset)")
    return mail.token


async def _reset(client, token: str, password: str):
    return await client.post("/reset-password", json={"token": token, "new_password": password})


async def test_a_reset_token_works_only_once(client, outbox):
    await accounts.active_account(client, "ada@example.com")
    token = await _reset_token(client, outbox)
    expect.status(await _reset(client, token, NEW_PASSWORD), 200, "POST /reset-password with the mailed token, the first time")
    again = await _reset(client, token, OTHER_PASSWORD)
    expect.error(again, 400, "POST /reset-password with the same token a second time", code="invalid_token")
    expect.status(await accounts.login(client, "ada@example.com", NEW_PASSWORD), 200,
                  "POST /login with the password set by the first reset (the refused second reset must change nothing)")


async def test_an_expired_reset_token_is_refused(client, outbox):
    await accounts.active_account(client, "ada@example.com")
    token = await _reset_token(client, outbox)
    record = await PasswordResetToken.find_one({"token_hash": hash_token(token)})
    expect.true(record is not None, "no document in 'password_reset_tokens' has token_hash == hash_token(<the mailed token>)")
    record.expires_at = utc_now() - timedelta(minutes=1)
    await record.save()
    response = await _reset(client, token, NEW_PASSWORD)
    expect.error(response, 400, "POST /reset-password with a token whose expires_at was a minute ago", code="invalid_token")
    expect.status(await accounts.login(client, "ada@example.com"), 200,
                  "POST /login with the old password after the expired token was refused")


async def test_a_refused_new_password_does_not_use_up_the_token(client, outbox):
    await accounts.active_account(client, "ada@example.com")
    token = await _reset_token(client, outbox)
    weak = await _reset(client, token, "weakpass")
    expect.error(weak, 422, "POST /reset-password with the weak new password 'weakpass'", code="validation_error")
    expect.status(await _reset(client, token, NEW_PASSWORD), 200,
                  "POST /reset-password with the same token and a strong password, after the weak one was refused")


async def test_the_new_password_is_checked_against_the_accounts_email(client, outbox):
    await accounts.active_account(client, "ada@example.com")
    token = await _reset_token(client, outbox)
    response = await _reset(client, token, "Canada-2024")
    expect.error(response, 422, "POST /reset-password for ada@example.com with new password 'Canada-2024' "
                                "(contains the email's local part 'ada')", code="validation_error")


async def test_a_reset_lifts_a_lockout(client, outbox):
    await accounts.active_account(client, "ada@example.com")
    for _ in range(5):
        await accounts.login(client, "ada@example.com", "Wrong-Password-1")
    expect.error(await accounts.login(client, "ada@example.com"), 403,
                 "POST /login with the right password after 5 wrong ones (exercise 01.4)", code="account_locked")
    token = await _reset_token(client, outbox)
    expect.status(await _reset(client, token, NEW_PASSWORD), 200, "POST /reset-password on a locked account")
    response = await accounts.login(client, "ada@example.com", NEW_PASSWORD)
    expect.status(response, 200, "POST /login with the new password right after a reset on a locked account")


async def test_only_a_hash_of_the_reset_token_is_stored_for_1_hour(client, outbox, db):
    body = await accounts.active_account(client, "ada@example.com")
    before = utc_now()
    token = await _reset_token(client, outbox)
    after = utc_now()
    documents = await db["password_reset_tokens"].find({}).to_list(None)
    expect.equal(len(documents), 1, "documents in 'password_reset_tokens' after one reset request")
    expect.true(token not in str(documents[0]),
                "the raw token from the reset email is stored in 'password_reset_tokens'; store only hash_token(raw)")
    expect.equal(documents[0].get("token_hash"), hash_token(token), "token_hash of the stored reset token")
    expect.equal(str(documents[0].get("user_id")), body["id"], "user_id of the stored reset token")
    expires_at = as_utc(documents[0]["expires_at"])
    expect.true(before + timedelta(hours=1) - TOLERANCE <= expires_at <= after + timedelta(hours=1) + TOLERANCE,
                f"requesting a reset at {before.isoformat()}: expected the token's expires_at about 1 hour later "
                f"(PASSWORD_RESET_TTL), got {expires_at.isoformat()}")


async def test_a_deleted_account_gets_no_reset_mail(client, outbox):
    await accounts.active_account(client, "ada@example.com")
    await accounts.active_account(client, "grace@example.com")
    user = await accounts.stored_user("ada@example.com")
    user.deleted_at = utc_now()
    await user.save()
    for email in ("ada@example.com", "grace@example.com"):
        response = await client.post("/request-password-reset", json={"email": email})
        expect.status(response, 202, f"POST /request-password-reset for {email}")
    expect.true(outbox.last("reset", "grace@example.com") is not None,
                "no reset email was sent to grace@example.com, whose account is live")
    expect.true(outbox.last("reset", "ada@example.com") is None,
                "a reset email was sent to ada@example.com, whose account is soft-deleted")

