"""01.1 Register consumers and leaders (hidden tests)."""

import pytest

from grader.testkit import accounts, expect
from shared.models.auth import EMAIL_VERIFICATION_TTL, hash_token

pytestmark = pytest.mark.exercise("01.1")


async def test_the_verification_token_is_stored_only_as_a_hash_for_6_hours(client, outbox, db):
    body = await accounts.registered(client, "ada@example.com")
    token = accounts.mailed_token(outbox, "verification", "ada@example.com", "after POST /register")
    documents = await db["email_verification_tokens"].find({}).to_list(None)
    expect.equal(len(documents), 1, "documents in 'email_verification_tokens' after one registration")
    expect.true(token not in str(documents[0]),
                "the raw token from the verification email is stored in 'email_verification_tokens'; "
                "store only hash_token(raw) in token_hash")
    expect.equal(documents[0].get("token_hash"), hash_token(token),
                 "token_hash of the stored verification token (hash_token(<the mailed token>))")
    expect.equal(str(documents[0].get("user_id")), body["id"], "user_id of the stored verification token")
    expect.about_now(documents[0].get("expires_at"), "expires_at of the verification token stored at registration "
                     "(EMAIL_VERIFICATION_TTL)", from_now=EMAIL_VERIFICATION_TTL)
