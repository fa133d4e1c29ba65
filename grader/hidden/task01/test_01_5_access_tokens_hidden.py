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


@pytest.mark.parametrize("algorithm", ["none", "HS512"])
async def test_a_token_with_another_algorithm_is_refused(client, settings, algorithm):
    user = await accounts.seed_user("ada@example.com")
    await _accepted_first(client, settings, user)
    token = _craft(settings, str(user.id), algorithm=algorithm)
    expect.error(await _me(client, token), 401,
                 f"GET /me with a token whose header says alg={algorithm!r} (only {settings.jwt_algorithm} is allowed)",
                 code="authentication_failed")


@pytest.mark.parametrize("token_type", ["refresh", None])
async def test_a_token_that_is_not_an_access_token_is_refused(client, settings, token_type):
    user = await accounts.seed_user("ada@example.com")
    await _accepted_first(client, settings, user)
    token = _craft(settings, str(user.id), type=token_type)
    what = "without a 'type' claim" if token_type is None else f"with type={token_type!r}"
    expect.error(await _me(client, token), 401, f"GET /me with a correctly signed token {what}",
                 code="authentication_failed")


@pytest.mark.parametrize("sub", ["not-an-object-id", "unknown"])
async def test_a_token_whose_sub_names_no_user_is_refused(client, settings, sub):
    user = await accounts.seed_user("ada@example.com")
    await _accepted_first(client, settings, user)
    value = str(ObjectId()) if sub == "unknown" else sub
    what = "an ObjectId no user has" if sub == "unknown" else f"{value!r}, which is not an ObjectId"
    expect.error(await _me(client, _craft(settings, value)), 401, f"GET /me with a correctly signed token whose sub is {what}",
                 code="authentication_failed")


@pytest.mark.parametrize("state", ["soft-deleted", "pending"])
async def test_a_token_for_a_user_who_is_not_active_is_refused(client, settings, state):
    user = await accounts.seed_user("ada@example.com")
    await _accepted_first(client, settings, user)
    other = await accounts.seed_user("grace@example.com", deleted=state == "soft-deleted", active=state != "pending")
    expect.error(await _me(client, _craft(settings, str(other.id))), 401,
                 f"GET /me with a correctly signed token for a {state} user", code="authentication_failed")


async def test_a_string_that_is_not_a_jwt_is_refused(client, settings):
    user = await accounts.seed_user("ada@example.com")
    await _accepted_first(client, settings, user)
    expect.error(await _me(client, "this-is-not-a-jwt"), 401, "GET /me with 'Bearer this-is-not-a-jwt'",
                 code="authentication_failed")
