"""01.5 Access tokens.

GET /me runs your authenticate. The first test logs in with your login (01.4); the others put
the user straight into the database and make the tokens themselves, following the token
contract of 01.4 (grader/testkit/tokens.py). Every refusal test first shows that a good token
for the same user works."""

import pytest
from bson import ObjectId

from grader.testkit import accounts, expect, tokens

pytestmark = pytest.mark.exercise("01.5")


async def _me(client, token: str):
    return await client.get("/me", headers=tokens.bearer(token))


async def _accepted(client, token: str, user_id: str, how: str) -> None:
    body = expect.status(await _me(client, token), 200, f"GET /me with {how}")
    expect.equal(body.get("id"), user_id, f"GET /me with {how}: id of the user")


async def test_me_returns_the_tokens_owner(client):
    body = await accounts.active_account(client, "ada@example.com")
    token = await accounts.access_token(client, "ada@example.com")
    await _accepted(client, token, body["id"], "the access token from POST /login")


async def test_a_tampered_token_is_refused(client, settings):
    ada = await accounts.seed_user("ada@example.com", "Ada")
    token = tokens.access_token(ada.id, "consumer", settings)
    await _accepted(client, token, str(ada.id), "a well-formed access token for the active user ada@example.com")
    response = await _me(client, tokens.with_bad_signature(token))
    expect.error(response, 401, "GET /me with that token, its signature altered", code="authentication_failed")


@pytest.mark.weight(5)
@pytest.mark.must("only valid, unexpired access tokens of active users are accepted")
async def test_only_valid_unexpired_access_tokens_of_active_users_are_accepted(client, settings):
    ada = await accounts.seed_user("ada@example.com", "Ada")
    await _accepted(client, tokens.access_token(ada.id, "consumer", settings), str(ada.id),
                    "a well-formed access token for the active user ada@example.com")
    deleted = await accounts.seed_user("gone@example.com", deleted=True)
    pending = await accounts.seed_user("pending@example.com", status="pending")
    suspended = await accounts.seed_user("suspended@example.com", status="suspended")
    good = tokens.access_token(ada.id, "consumer", settings)
    refused = {
        "a string that is not a JWT at all": "not-a-jwt",
        "a token whose signature was altered": tokens.with_bad_signature(good),
        "a token signed with another secret": tokens.access_token(ada.id, "consumer", settings,
                                                                   secret="not-the-" + settings.jwt_secret),
        "an unsigned token (alg 'none')": tokens.access_token(ada.id, "consumer", settings, algorithm="none"),
        f"a token signed with HS512 (only {settings.jwt_algorithm} is allowed)":
            tokens.access_token(ada.id, "consumer", settings, algorithm="HS512"),
        "a token whose exp was 5 minutes ago": tokens.access_token(ada.id, "consumer", settings, minutes=-5),
        "a token whose type is 'refresh'": tokens.access_token(ada.id, "consumer", settings, type="refresh"),
        "a token without a type claim": tokens.access_token(ada.id, "consumer", settings, type=None),
        "a token without a sub claim": tokens.access_token(ada.id, "consumer", settings, sub=None),
        "a token without an exp claim (it would never expire)": tokens.access_token(ada.id, "consumer", settings,
                                                                                   exp=None),
        "a token whose sub is 'not-an-object-id'": tokens.access_token("not-an-object-id", "consumer", settings),
        "a token for an id no user has": tokens.access_token(ObjectId(), "consumer", settings),
        "a token for a soft-deleted user": tokens.access_token(deleted.id, "consumer", settings),
        "a token for a pending user": tokens.access_token(pending.id, "consumer", settings),
        "a token for a suspended user": tokens.access_token(suspended.id, "consumer", settings),
    }
    for case, token in refused.items():
        expect.error(await _me(client, token), 401, f"GET /me with {case}", code="authentication_failed")
