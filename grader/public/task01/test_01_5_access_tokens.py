"""01.5 Access tokens."""

import pytest

from grader.testkit import accounts, expect

pytestmark = pytest.mark.exercise("01.5")


async def test_me_returns_the_tokens_owner(client):
    body = await accounts.active_account(client, "ada@example.com")
    token = await accounts.access_token(client, "ada@example.com")
    response = await client.get("/me", headers={"Authorization": f"Bearer {token}"})
    me = expect.status(response, 200, "GET /me with the access token from POST /login")
    expect.equal(me["id"], body["id"], "GET /me: id of the user")


async def test_a_tampered_token_is_refused(client):
    await accounts.active_account(client, "ada@example.com")
    token = await accounts.access_token(client, "ada@example.com")
    head, payload, signature = token.split(".")
    tampered = ".".join([head, payload, signature[::-1]])
    response = await client.get("/me", headers={"Authorization": f"Bearer {tampered}"})
    expect.error(response, 401, "GET /me with a token whose signature was altered")
