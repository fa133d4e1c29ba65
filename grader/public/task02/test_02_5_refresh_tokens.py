"""02.5 Refresh tokens.

Suppliers are registered with your registration (02.1), activated in the database and logged
in with your login (02.4), which hands out the first refresh token."""

from datetime import timedelta

import pytest

from grader.testkit import expect, race, tokens
from grader.testkit import suppliers as sup
from shared.models.auth import hash_token
from shared.models.supplier import REFRESH_TOKEN_TTL, SupplierRefreshToken
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("02.5")


async def _first_pair(client, email: str = "sales@acme.example") -> dict:
    await sup.active_supplier(client, email)
    return await sup.logged_in(client, email)


@pytest.mark.weight(2)
async def test_a_refresh_token_buys_a_new_working_pair(client, settings):
    body = await _first_pair(client)
    response = await sup.refresh(client, body.get("refresh_token"))
    pair = expect.status(response, 200, "POST /suppliers/refresh with the refresh token from POST /suppliers/login")
    claims = tokens.claims_of(pair.get("access_token"), settings)
    expect.equal((claims.get("role"), claims.get("type")), ("supplier", "access"),
                 "(role, type) claims of the access token from POST /suppliers/refresh")
    expect.true(isinstance(pair.get("refresh_token"), str) and pair.get("refresh_token") != body.get("refresh_token"),
                "POST /suppliers/refresh must hand out a new refresh token (rotation), got "
                f"{pair.get('refresh_token')!r}")
    me = await client.get("/suppliers/me", headers=tokens.bearer(pair.get("access_token")))
    expect.status(me, 200, "GET /suppliers/me with the access token from POST /suppliers/refresh")


@pytest.mark.weight(5)
@pytest.mark.must("a refresh token works once and only until it expires")
@pytest.mark.race("a refresh token works once, also when it is sent several times at the same moment")
async def test_a_refresh_token_works_once_and_only_until_it_expires(client):
    first = await _first_pair(client, "sales@acme.example")
    late = await _first_pair(client, "sales@globex.example")
    record = await SupplierRefreshToken.find_one({"token_hash": hash_token(late.get("refresh_token"))})
    expect.true(record is not None, "no document in 'supplier_refresh_tokens' has token_hash == "
                                    "hash_token(<the refresh token of sales@globex.example's login>)")
    expect.about_now(record.expires_at, "expires_at of a new refresh token (REFRESH_TOKEN_TTL: it works only until "
                     "then)", from_now=REFRESH_TOKEN_TTL)
    record.expires_at = utc_now() - timedelta(minutes=1)
    await record.save()

    expect.status(await sup.refresh(client, first.get("refresh_token")), 200,
                  "POST /suppliers/refresh with sales@acme.example's refresh token, the first time")
    again = await sup.refresh(client, first.get("refresh_token"))
    expect.error(again, 401, "POST /suppliers/refresh with the same refresh token a second time (rotation: a used one "
                             "is refused)", code="authentication_failed")
    expired = await sup.refresh(client, late.get("refresh_token"))
    expect.error(expired, 401, "POST /suppliers/refresh with sales@globex.example's refresh token, whose expires_at "
                               "was a minute ago", code="authentication_failed")
    # The same rule when the requests race: each may read the token unused before one marks it.
    for round_ in race.rounds():
        email = f"sales{round_}@initech.example"
        fresh = (await _first_pair(client, email)).get("refresh_token")
        responses = await race.at_once(sup.refresh(client, fresh) for _ in range(5))
        expect.equal(race.statuses(responses), [200, 401, 401, 401, 401],
                     f"statuses of 5 POST /suppliers/refresh with {email}'s refresh token sent at the same moment (it "
                     "works once: mark it used with one conditional update)")
        [winner] = race.winners(responses)
        expect.status(await sup.refresh(client, winner.json().get("refresh_token")), 200,
                      f"POST /suppliers/refresh with the new refresh token of the one refresh of {email} that won")
