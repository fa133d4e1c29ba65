"""01.3 Verify the email address."""

import pytest

from grader.testkit import accounts, expect

pytestmark = pytest.mark.exercise("01.3")


async def test_the_mailed_token_activates_the_account(client, outbox):
    await accounts.registered(client, "ada@example.com")
    mail = outbox.last("verification", "ada@example.com")
    expect.true(mail is not None, "no verification email was sent on registration (exercise 01.1)")
    response = await client.post("/verify-email", json={"token": mail.token})
    body = expect.status(response, 200, "POST /verify-email with the token from the verification email")
    expect.equal(body["status"], "active", "status after verifying the email")
    expect.equal(body["email_verified"], True, "email_verified after verifying the email")


async def test_an_unknown_token_is_refused(client):
    await accounts.registered(client, "ada@example.com")
    response = await client.post("/verify-email", json={"token": "not-a-token-we-issued"})
    expect.error(response, 400, "POST /verify-email with a token that was never issued", code="invalid_token")
