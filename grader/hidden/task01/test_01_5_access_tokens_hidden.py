"""01.5 Access tokens (hidden tests).

Each test first shows that a well-formed token for the user is accepted, so a refusal
afterwards is about the one thing the test changed."""

from datetime import timedelta

import pytest
from bson import ObjectId

from grader.testkit import accounts, expect, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("01.5")


async def _me(client, token: str):
    return await client.get("/me", headers=tokens.bearer(token))


async def _seeded_and_accepted(client, settings):
    user = await accounts.seed_user("ada@example.com")
    response = await _me(client, tokens.access_token(user.id, "consumer", settings))
    body = expect.status(response, 200, f"GET /me with a well-formed {settings.jwt_algorithm} access token for an active user "
                                        "(claims sub, role, type='access', iat, exp; signed with settings.jwt_secret)")
    expect.equal(body.get("id"), str(user.id), "GET /me: id of the user the token names")
    return user


async def test_an_expired_token_is_refused(client, settings):
    user = await _seeded_and_accepted(client, settings)
    now = utc_now()
    token = tokens.access_token(user.id, "consumer", settings, iat=now - timedelta(hours=2), exp=now - timedelta(minutes=5))
    expect.error(await _me(client, token), 401, "GET /me with a token whose exp was 5 minutes ago",
                 code="authentication_failed")


async def test_a_token_signed_with_another_secret_or_algorithm_is_refused(client, settings):
    user = await _seeded_and_accepted(client, settings)
    token = tokens.access_token(user.id, "consumer", settings, secret="not-the-" + settings.jwt_secret)
    expect.error(await _me(client, token), 401, "GET /me with a token signed with another secret",
                 code="authentication_failed")
    for algorithm in ("none", "HS512"):
        token = tokens.access_token(user.id, "consumer", settings, algorithm=algorithm)
        expect.error(await _me(client, token), 401,
                     f"GET /me with a token whose header says alg={algorithm!r} (only {settings.jwt_algorithm} "
                     f"is allowed)", code="authentication_failed")


async def test_a_token_that_is_not_an_access_token_of_an_active_user_is_refused(client, settings):
    user = await _seeded_and_accepted(client, settings)
    deleted = await accounts.seed_user("gone@example.com", deleted=True)
    pending = await accounts.seed_user("pending@example.com", status="pending")
    cases = [
        ("a correctly signed token whose type is 'refresh'", tokens.access_token(user.id, "consumer", settings,
                                                                                 type="refresh")),
        ("a correctly signed token whose sub is 'not-an-object-id'",
         tokens.access_token("not-an-object-id", "consumer", settings)),
        ("a correctly signed token for a soft-deleted user", tokens.access_token(deleted.id, "consumer", settings)),
        ("a correctly signed token for a pending user", tokens.access_token(pending.id, "consumer", settings)),
        ("a correctly signed token for an ObjectId no user has", tokens.access_token(ObjectId(), "consumer", settings)),
    ]
    for case, token in cases:
        expect.error(await _me(client, token), 401, f"GET /me with {case}", code="authentication_failed")
