"""01.4 Log in (hidden tests)."""

from datetime import timedelta

import jwt
import pytest

from grader.testkit import accounts, expect
from shared.models.user import UserStatus
from shared.timeutil import as_utc, utc_now

pytestmark = pytest.mark.exercise("01.4")

WRONG = "Wrong-Password-1"
TOLERANCE = timedelta(minutes=1)


async def _fail_logins(client, count: int, email: str = "ada@example.com") -> None:
    for attempt in range(1, count + 1):
        response = await accounts.login(client, email, WRONG)
        expect.error(response, 401, f"POST /login for {email} with a wrong password (failure {attempt} in a row; "
                                    f"the fifth failure is still a 401)", code="authentication_failed")


async def test_five_failures_lock_the_account_even_for_the_right_password(client):
    await accounts.active_account(client, "ada@example.com")
    await _fail_logins(client, 5)
    response = await accounts.login(client, "ada@example.com")
    expect.error(response, 403, "POST /login with the right password after 5 wrong ones in a row",
                 code="account_locked")


async def test_the_lock_lasts_30_minutes(client):
    await accounts.active_account(client, "ada@example.com")
    before = utc_now()
    await _fail_logins(client, 5)
    user = await accounts.stored_user("ada@example.com")
    locked_until = user.security.locked_until
    expect.true(locked_until is not None, "after 5 wrong passwords in a row, security.locked_until is still empty")
    locked_until = as_utc(locked_until)
    expected = before + timedelta(minutes=30)
    expect.true(expected - TOLERANCE <= locked_until <= expected + TOLERANCE,
                f"after 5 wrong passwords at {before.isoformat()}: expected security.locked_until about 30 minutes "
                f"later (LOCKOUT_MINUTES), got {locked_until.isoformat()}")


async def test_attempts_during_a_lockout_are_not_counted(client):
    await accounts.active_account(client, "ada@example.com")
    await _fail_logins(client, 5)
    counted = (await accounts.stored_user("ada@example.com")).security.failed_login_attempts
    for attempt in range(1, 4):
        response = await accounts.login(client, "ada@example.com", WRONG)
        expect.error(response, 403, f"POST /login with a wrong password while the account is locked (try {attempt})",
                     code="account_locked")
    after = (await accounts.stored_user("ada@example.com")).security.failed_login_attempts
    expect.equal(after, counted,
                 "security.failed_login_attempts after 3 more wrong passwords during the lockout (they must not count)")


async def test_the_right_password_works_again_once_the_lock_has_run_out(client):
    await accounts.active_account(client, "ada@example.com")
    await _fail_logins(client, 5)
    expect.error(await accounts.login(client, "ada@example.com"), 403, "POST /login right after the lockout began",
                 code="account_locked")
    user = await accounts.stored_user("ada@example.com")
    user.security.locked_until = utc_now() - timedelta(minutes=1)
    await user.save()
    response = await accounts.login(client, "ada@example.com")
    expect.status(response, 200, "POST /login with the right password once security.locked_until is a minute in the past")


async def test_a_successful_login_starts_the_count_again(client):
    await accounts.active_account(client, "ada@example.com")
    await _fail_logins(client, 4)
    expect.status(await accounts.login(client, "ada@example.com"), 200, "POST /login with the right password after 4 wrong ones")
    user = await accounts.stored_user("ada@example.com")
    expect.equal(user.security.failed_login_attempts, 0, "security.failed_login_attempts after a successful login")
    await _fail_logins(client, 4)
    response = await accounts.login(client, "ada@example.com")
    expect.status(response, 200, "POST /login with the right password after 4 wrong, 1 right and 4 more wrong ones "
                                 "(the success must reset the count, so the account is not locked)")


async def test_an_operator_in_place_of_the_email_is_refused(client):
    await accounts.active_account(client, "ada@example.com")
    response = await client.post("/login", json={"email": {"$ne": None}, "password": accounts.PASSWORD})
    expect.error(response, 422, 'POST /login with the body {"email": {"$ne": null}, "password": ...}',
                 code="validation_error")
    expect.status(await accounts.login(client, "ada@example.com"), 200,
                  "POST /login with the real email and password after the refused injection attempt")


async def test_the_login_email_is_normalised(client):
    await accounts.active_account(client, "ada@example.com")
    response = await accounts.login(client, "ADA@Example.COM")
    expect.status(response, 200, "POST /login as 'ADA@Example.COM' for the account registered as ada@example.com")


async def test_the_token_carries_the_role_and_lives_access_token_minutes(client, settings):
    await accounts.registered(client, "grace@example.com", leader=True, display_name="Grace")
    await accounts.activate("grace@example.com")
    token = await accounts.access_token(client, "grace@example.com")
    try:
        claims = jwt.decode(token, settings.jwt_secret, algorithms=["HS256"], options={"verify_exp": False})
    except jwt.InvalidTokenError as exc:
        raise AssertionError(f"the access token is not an HS256 JWT signed with settings.jwt_secret: {exc}") from None
    expect.equal(claims.get("role"), "leader", "the 'role' claim of a leader's access token")
    iat, exp = claims.get("iat"), claims.get("exp")
    expect.true(isinstance(iat, (int, float)) and isinstance(exp, (int, float)),
                f"the access token needs numeric 'iat' and 'exp' claims, got iat={iat!r}, exp={exp!r}")
    expected = settings.access_token_minutes * 60
    expect.true(abs((exp - iat) - expected) <= 1,
                f"exp - iat of the access token: expected {expected} seconds (settings.access_token_minutes is "
                f"{settings.access_token_minutes}), got {exp - iat}")

async def test_a_deleted_account_is_treated_as_unknown(client):
    await accounts.active_account(client, "ada@example.com")
    user = await accounts.stored_user("ada@example.com")
    user.deleted_at = utc_now()
    await user.save()
    deleted = expect.error(await accounts.login(client, "ada@example.com"), 401,
                           "POST /login with the right password for a soft-deleted account")
    unknown = expect.error(await accounts.login(client, "nobody@example.com"), 401,
                           "POST /login with an email nobody registered")
    expect.equal(deleted, unknown, "the error for a deleted account compared with the one for an unknown email")


async def test_an_account_that_is_not_active_gets_the_code_for_its_status(client):
    await accounts.registered(client, "ada@example.com")
    await accounts.active_account(client, "grace@example.com")
    user = await accounts.stored_user("grace@example.com")
    user.status = UserStatus.SUSPENDED
    await user.save()
    pending = await accounts.login(client, "ada@example.com")
    expect.error(pending, 403, "POST /login with the right password for a pending account (email not verified)",
                 code="email_not_verified")
    suspended = await accounts.login(client, "grace@example.com")
    expect.error(suspended, 403, "POST /login with the right password for a suspended account", code="account_status")
