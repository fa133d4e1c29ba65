"""01.5 Access tokens (hidden tests).

Each test first shows that a well-formed token for the user is accepted, so a refusal
afterwards is about the one thing the test changed."""

import warnings
from datetime import timedelta

import jwt
import pytest
from bson import ObjectId

from grader.testkit import accounts, expect
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("01.5")


def _craft(settings, sub: str, *, secret: str | None = None, algorithm: str = "HS256", **overrides) -> str:
    """A token with the claims login hands out, changed by ``overrides`` (None drops a claim)."""
    now = utc_now()
    claims = {"sub": sub, "role": "consumer", "type": "access", "iat": now,
              "exp": now + timedelta(minutes=settings.access_token_minutes)}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    key = None if algorithm == "none" else (secret or settings.jwt_secret)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short HMAC keys for HS384/HS512
        return jwt.encode(claims, key, algorithm=algorithm)


async def _me(client, token: str):
    return await client.get("/me", headers={"Authorization": f"Bearer {token}"})


async def _accepted_first(client, settings, user) -> None:
    response = await _me(client, _craft(settings, str(user.id)))
    body = expect.status(response, 200, "GET /me with a well-formed HS256 access token for an active user "
                                        "(claims sub, role, type='access', iat, exp; signed with settings.jwt_secret)")
    expect.equal(body["id"], str(user.id), "GET /me: id of the user the token names")


async def test_an_expired_token_is_refused(client, settings):
    user = await accounts.seed_user("ada@example.com")
    await _accepted_first(client, settings, user)
    now = utc_now()
    token = _craft(settings, str(user.id), iat=now - timedelta(hours=2), exp=now - timedelta(minutes=5))
    expect.error(await _me(client, token), 401, "GET /me with a token whose exp was 5 minutes ago",
                 code="authentication_failed")


async def test_a_token_signed_with_another_secret_is_refused(client, settings):
    user = await accounts.seed_user("ada@example.com")
    await _accepted_first(client, settings, user)
    token = _craft(settings, str(user.id), secret="not-the-" + settings.jwt_secret)
    expect.error(await _me(client, token), 401, "GET /me with a token signed with another secret",
                 code="authentication_failed")


async def test_a_token_signed_with_another_algorithm_is_refused(client, settings):
    user = await accounts.seed_user("ada@example.com")
    await _accepted_first(client, settings, user)
    for algorithm in ("none", "HS512"):
        token = _craft(settings, str(user.id), algorithm=algorithm)
        expect.error(await _me(client, token), 401,
                     f"GET /me with a token whose header says alg={algorithm!r} (only {settings.jwt_algorithm} "
                     f"is allowed)", code="authentication_failed")


async def test_a_token_that_is_not_an_access_token_is_refused(client, settings):
    user = await accounts.seed_user("ada@example.com")
    await _accepted_first(client, settings, user)
    token = _craft(settings, str(user.id), type="refresh")
    expect.error(await _me(client, token), 401, "GET /me with a correctly signed token whose type is 'refresh'",
                 code="authentication_failed")


async def test_a_token_whose_sub_is_not_an_object_id_is_refused(client, settings):
    user = await accounts.seed_user("ada@example.com")
    await _accepted_first(client, settings, user)
    token = _craft(settings, "not-an-object-id")
    expect.error(await _me(client, token), 401,
                 "GET /me with a correctly signed token whose sub is 'not-an-object-id' (not a valid user id)",
                 code="authentication_failed")


async def test_a_token_for_a_user_who_is_gone_or_not_active_is_refused(client, settings):
    user = await accounts.seed_user("ada@example.com")
    await _accepted_first(client, settings, user)
    deleted = await accounts.seed_user("gone@example.com", deleted=True)
    pending = await accounts.seed_user("pending@example.com", active=False)
    for sub, who in [(str(deleted.id), "a soft-deleted user"), (str(pending.id), "a pending user"),
                     (str(ObjectId()), "an ObjectId no user has")]:
        expect.error(await _me(client, _craft(settings, sub)), 401, f"GET /me with a correctly signed token for {who}",
                     code="authentication_failed")
