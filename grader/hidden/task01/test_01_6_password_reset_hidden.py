"""01.6 Password reset (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, expect
from shared.models.auth import PASSWORD_RESET_TTL, hash_token
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("01.6")

NEW_PASSWORD = "Maple-Harbour-88"


async def _reset_token(client, outbox, email: str = "ada@example.com") -> str:
    response = await client.post("/request-password-reset", json={"email": email})
    expect.status(response, 202, f"POST /request-password-reset for {email}")
    return accounts.mailed_token(outbox, "reset", email, "after POST /request-password-reset")


async def _reset(client, token: str, password: str):
    return await client.post("/reset-password", json={"token": token, "new_password": password})


async def _reset_works(client, token: str, user, why: str) -> None:
    expect.status(await _reset(client, token, NEW_PASSWORD), 200,
                  f"POST /reset-password with the mailed token and the strong password {NEW_PASSWORD!r}{why}")
    stored = await accounts.stored(user)
    expect.true(stored.password_hash != user.password_hash and expect.BCRYPT_HASH.match(stored.password_hash),
                f"after POST /reset-password answered 200, password_hash should be a new bcrypt hash, "
                f"got {stored.password_hash[:12]!r}... (it was {user.password_hash[:12]!r}...)")


async def test_a_refused_new_password_does_not_use_up_the_token(client, outbox):
    user = await accounts.seed_user("ada@example.com", "Ada")
    token = await _reset_token(client, outbox)
    weak = await _reset(client, token, "weakpass")
    expect.error(weak, 422, "POST /reset-password with the weak new password 'weakpass'", code="validation_error")
    await _reset_works(client, token, user, ", after the weak one was refused with the same token")


async def test_the_new_password_is_checked_against_the_accounts_email(client, outbox):
    user = await accounts.seed_user("ada@example.com", "Ada")
    token = await _reset_token(client, outbox)
    response = await _reset(client, token, "Canada-2024")
    expect.error(response, 422, "POST /reset-password for ada@example.com with new password 'Canada-2024' "
                                "(contains the email's local part 'ada')", code="validation_error")
    await _reset_works(client, token, user, ", after 'Canada-2024' was refused")


async def test_a_reset_lifts_a_lockout_and_refreshes_updated_at(client, outbox):
    user = await accounts.seed_user("ada@example.com", "Ada", created_at=utc_now() - timedelta(days=1))
    user.security.failed_login_attempts = 3
    user.security.locked_until = utc_now() + timedelta(minutes=20)
    await user.save()
    token = await _reset_token(client, outbox)
    expect.status(await _reset(client, token, NEW_PASSWORD), 200,
                  "POST /reset-password for an account locked for 20 more minutes")
    stored = await accounts.stored(user)
    expect.true(not stored.is_locked(), f"security.locked_until after a reset of a locked account: expected it "
                                        f"cleared, got {stored.security.locked_until}")
    expect.equal(stored.security.failed_login_attempts, 0, "security.failed_login_attempts after a reset")
    expect.about_now(stored.updated_at, "updated_at after a reset (the account was last updated a day ago)")


async def test_only_a_hash_of_the_reset_token_is_stored_for_1_hour(client, outbox, db):
    user = await accounts.seed_user("ada@example.com", "Ada")
    token = await _reset_token(client, outbox)
    documents = await db["password_reset_tokens"].find({}).to_list(None)
    expect.equal(len(documents), 1, "documents in 'password_reset_tokens' after one reset request")
    expect.true(token not in str(documents[0]),
                "the raw token from the reset email is stored in 'password_reset_tokens'; store only hash_token(raw)")
    expect.equal(documents[0].get("token_hash"), hash_token(token), "token_hash of the stored reset token")
    expect.equal(str(documents[0].get("user_id")), str(user.id), "user_id of the stored reset token")
    expect.about_now(documents[0].get("expires_at"), "expires_at of the reset token (PASSWORD_RESET_TTL)",
                     from_now=PASSWORD_RESET_TTL)
    await _reset_works(client, token, user, "")
