"""01.4 Log in.

Accounts are registered with your registration (exercise 01.1), so that your password hash
is the one login checks, and activated straight in the database. Every test first logs in
with the right password."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, expect, race, tokens
from shared.models.user import LOCKOUT_MINUTES

pytestmark = pytest.mark.exercise("01.4")

WRONG = "Wrong-Password-1"


async def _logs_in(client, email: str = "ada@example.com", password: str = accounts.PASSWORD) -> dict:
    response = await accounts.login(client, email, password)
    return expect.status(response, 200, f"POST /login as {email} with the right password for an active account")


async def test_an_active_account_logs_in_and_gets_a_signed_token(client, settings):
    body = await accounts.active_account(client, "ada@example.com")
    token = await _logs_in(client)
    expect.equal(token.get("token_type"), "bearer", "token_type in the login response")
    claims = tokens.claims_of(token.get("access_token"), settings)
    expect.equal(claims.get("sub"), body["id"], "the token's 'sub' claim (the user's id)")
    expect.equal(claims.get("type"), "access", "the token's 'type' claim")
    expect.equal(claims.get("role"), "consumer", "the token's 'role' claim for a consumer")


async def test_a_pending_account_cannot_log_in_yet(client):
    await accounts.active_account(client, "grace@example.com")
    await _logs_in(client, "grace@example.com")
    await accounts.registered(client, "ada@example.com")
    response = await accounts.login(client, "ada@example.com")
    expect.error(response, 403, "POST /login with the right password for an account whose email is not verified yet")


@pytest.mark.weight(5)
@pytest.mark.must("no account enumeration at login")
async def test_a_wrong_password_an_unknown_email_and_a_deleted_account_get_the_same_answer(client):
    await accounts.active_account(client, "ada@example.com")
    await accounts.active_account(client, "grace@example.com")
    await _logs_in(client, "ada@example.com")
    await _logs_in(client, "grace@example.com")
    await accounts.soft_delete("grace@example.com")
    await accounts.registered(client, "alan@example.com")  # pending: not verified yet
    await accounts.active_account(client, "joan@example.com")
    joan = await accounts.stored_user("joan@example.com")
    joan.status = "suspended"
    await joan.save()
    answers = {
        "a wrong password for ada@example.com": await accounts.login(client, "ada@example.com", WRONG),
        "a wrong password for the pending alan@example.com (the status is checked after the password)":
            await accounts.login(client, "alan@example.com", WRONG),
        "a wrong password for the suspended joan@example.com": await accounts.login(client, "joan@example.com", WRONG),
        "an email nobody registered": await accounts.login(client, "nobody@example.com"),
        "the right password of the soft-deleted grace@example.com": await accounts.login(client, "grace@example.com"),
    }
    errors = {case: expect.error(response, 401, f"POST /login with {case}", code="authentication_failed")
              for case, response in answers.items()}
    (first_case, first), *others = errors.items()
    for case, error in others:
        expect.equal(error, first, f"the error for {case} compared with the one for {first_case} (identical "
                                   "answers, or they reveal which emails have accounts)")


@pytest.mark.weight(5)
@pytest.mark.must("five failures lock the account for 30 minutes")
@pytest.mark.race("failures sent at the same moment each count toward the lock")
async def test_five_failures_in_a_row_lock_the_account_for_30_minutes(client):
    await accounts.active_account(client, "ada@example.com")
    await _logs_in(client)
    for attempt in range(1, 5):
        expect.error(await accounts.login(client, "ada@example.com", WRONG), 401,
                     f"POST /login with a wrong password (failure {attempt} in a row)", code="authentication_failed")
    await _logs_in(client)  # four failures do not lock, and a success starts the count again
    for attempt in range(1, 6):
        expect.error(await accounts.login(client, "ada@example.com", WRONG), 401,
                     f"POST /login with a wrong password after a success (failure {attempt} in a row; the fifth "
                     "is still a 401)", code="authentication_failed")
    expect.error(await accounts.login(client, "ada@example.com"), 403,
                 "POST /login with the right password after 5 wrong ones in a row", code="account_locked")
    user = await accounts.stored_user("ada@example.com")
    expect.about_now(user.security.locked_until, "security.locked_until after the fifth wrong password in a row "
                     "(LOCKOUT_MINUTES)", from_now=timedelta(minutes=LOCKOUT_MINUTES))
    expect.equal(user.security.failed_login_attempts, 0, "security.failed_login_attempts once the lock has begun "
                 "(the count starts again from zero, or the first failure after the lock locks again)")
    expect.error(await accounts.login(client, "ada@example.com", WRONG), 403,
                 "POST /login with a wrong password while the account is locked", code="account_locked")
    await accounts.registered(client, "alan@example.com")  # pending: its failures count too
    for attempt in range(1, 6):
        expect.error(await accounts.login(client, "alan@example.com", WRONG), 401,
                     f"POST /login with a wrong password for the pending alan@example.com (failure {attempt})",
                     code="authentication_failed")
    expect.error(await accounts.login(client, "alan@example.com"), 403, "POST /login with the right password for the "
                 "pending alan@example.com after 5 wrong ones (every account's failures count)", code="account_locked")
    # The same rule when the requests race: five guesses at once must lock as five in a row do.
    for round_ in race.rounds():
        email = f"linus{round_}@example.com"
        await accounts.active_account(client, email)
        await _logs_in(client, email)
        responses = await race.at_once(accounts.login(client, email, WRONG) for _ in range(5))
        expect.true(all(r.status_code in (401, 403) for r in responses),
                    f"statuses of 5 POST /login with a wrong password for {email} sent at the same moment: expected "
                    f"401 (or 403 once locked), got {race.statuses(responses)}")
        expect.error(await accounts.login(client, email), 403, f"POST /login with the right password for {email} after "
                     "5 wrong ones sent at the same moment (each failure counts: add it with $inc, not read, add "
                     "one and save)", code="account_locked")


@pytest.mark.weight(5)
@pytest.mark.must("access tokens expire")
async def test_the_access_token_expires_access_token_minutes_after_it_is_issued(client, settings):
    await accounts.active_account(client, "ada@example.com")
    body = await _logs_in(client)
    expect.equal(body.get("expires_in"), settings.access_token_minutes * 60, "expires_in in the login response")
    claims = tokens.claims_of(body.get("access_token"), settings, verify_exp=False)
    iat, exp = claims.get("iat"), claims.get("exp")
    expect.true(isinstance(iat, (int, float)) and isinstance(exp, (int, float)),
                f"the access token needs numeric 'iat' and 'exp' claims (seconds since 1970; PyJWT turns datetimes "
                f"into them), got iat={iat!r}, exp={exp!r}")
    expect.about_now(iat, "the token's 'iat' claim (issued at)")
    expect.about_now(exp, f"the token's 'exp' claim (settings.access_token_minutes is {settings.access_token_minutes})",
                     from_now=timedelta(minutes=settings.access_token_minutes))
    expect.true(abs((exp - iat) - settings.access_token_minutes * 60) <= 1,
                f"exp - iat of the access token: expected {settings.access_token_minutes * 60} seconds "
                f"(settings.access_token_minutes), got {exp - iat}")
