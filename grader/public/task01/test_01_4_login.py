"""01.4 Log in."""

import jwt
import pytest

from grader.testkit import accounts, expect

pytestmark = pytest.mark.exercise("01.4")


async def test_an_active_account_logs_in_and_gets_a_signed_token(client, settings):
    body = await accounts.active_account(client, "ada@example.com")
    response = await accounts.login(client, "ada@example.com")
    token = expect.status(response, 200, "POST /login with the right password for an active account")
    expect.equal(token["token_type"], "bearer", "token_type in the login response")
    try:
        claims = jwt.decode(token["access_token"], settings.jwt_secret, algorithms=["HS256"])
    except jwt.InvalidTokenError as exc:
        raise AssertionError(f"the access token is not an HS256 JWT signed with settings.jwt_secret: {exc}") from None
    expect.equal(claims.get("sub"), body["id"], "the token's 'sub' claim (the user's id)")
    expect.equal(claims.get("type"), "access", "the token's 'type' claim")


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client):
    await accounts.active_account(client, "ada@example.com")
    wrong_password = expect.error(await accounts.login(client, "ada@example.com", "Wrong-Password-1"), 401,
                                  "POST /login with a wrong password")
    unknown_email = expect.error(await accounts.login(client, "nobody@example.com"), 401,
                                 "POST /login with an email nobody registered")
    expect.equal(unknown_email, wrong_password,
                 "the error for an unknown email must be identical to the one for a wrong password "
                 "(otherwise the answer reveals which emails have accounts)")


async def test_a_pending_account_cannot_log_in_yet(client):
    await accounts.registered(client, "ada@example.com")
    response = await accounts.login(client, "ada@example.com")
    expect.error(response, 403, "POST /login with the right password before the email is verified")
