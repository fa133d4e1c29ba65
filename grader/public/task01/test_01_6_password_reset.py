"""01.6 Password reset."""

import pytest

from grader.testkit import accounts, expect

pytestmark = pytest.mark.exercise("01.6")

NEW_PASSWORD = "Maple-Harbour-88"


async def test_the_answer_is_the_same_whether_or_not_the_account_exists(client, outbox):
    await accounts.active_account(client, "ada@example.com")
    known = await client.post("/request-password-reset", json={"email": "ada@example.com"})
    unknown = await client.post("/request-password-reset", json={"email": "nobody@example.com"})
    expect.status(known, 202, "POST /request-password-reset for an existing account")
    expect.status(unknown, 202, "POST /request-password-reset for an email with no account")
    expect.equal(unknown.json(), known.json(), "response body for an unknown email vs an existing one")
    expect.true(outbox.last("reset", "ada@example.com") is not None,
                "no reset email was sent to ada@example.com (self.mailer.send_password_reset)")
    expect.true(outbox.last("reset", "nobody@example.com") is None, "a reset email was sent to an address with no account")


async def test_the_mailed_token_sets_a_new_password(client, outbox):
    await accounts.active_account(client, "ada@example.com")
    await client.post("/request-password-reset", json={"email": "ada@example.com"})
    mail = outbox.last("reset", "ada@example.com")
    expect.true(mail is not None, "no reset email was sent to ada@example.com")
    response = await client.post("/reset-password", json={"token": mail.token, "new_password": NEW_PASSWORD})
    expect.status(response, 200, "POST /reset-password with the mailed token and a strong password")
    expect.status(await accounts.login(client, "ada@example.com", NEW_PASSWORD), 200, "logging in with the new password")
    expect.error(await accounts.login(client, "ada@example.com", accounts.PASSWORD), 401, "logging in with the old password")
