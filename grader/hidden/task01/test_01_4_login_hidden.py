"""01.4 Log in (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, expect, tokens
from shared.models.user import UserStatus
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("01.4")

WRONG = "Wrong-Password-1"
# 128 characters, the longest the policy allows; far beyond bcrypt's 72-byte limit.
LONG_PASSWORD = ("Lovelace-1815-" * 10)[:127] + "Z"
# The same first 127 characters: an implementation that cuts the input at 72 bytes
# cannot tell the two apart.
LONG_PASSWORD_OTHER_END = LONG_PASSWORD[:-1] + "Q"


async def _logs_in(client, email: str = "ada@example.com", password: str = accounts.PASSWORD, why: str = "") -> dict:
    response = await accounts.login(client, email, password)
    return expect.status(response, 200, f"POST /login as {email} with the right password{why}")


async def _fail_logins(client, count: int, email: str = "ada@example.com") -> None:
    for attempt in range(1, count + 1):
        response = await accounts.login(client, email, WRONG)
        expect.error(response, 401, f"POST /login for {email} with a wrong password (failure {attempt} in a row; "
                                    f"the fifth failure is still a 401)", code="authentication_failed")


async def test_attempts_during_a_lockout_are_not_counted(client):
    await accounts.active_account(client, "ada@example.com")
    await _logs_in(client)
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
    await _logs_in(client)
    await _fail_logins(client, 5)
    expect.error(await accounts.login(client, "ada@example.com"), 403, "POST /login right after the lockout began",
                 code="account_locked")
    user = await accounts.stored_user("ada@example.com")
    user.security.locked_until = utc_now() - timedelta(minutes=1)
    await user.save()
    for attempt in range(1, 5):
        response = await accounts.login(client, "ada@example.com", WRONG)
        expect.error(response, 401, f"POST /login with a wrong password once the lock has run out (failure {attempt}; "
                                    "the count starts again when the lock begins)", code="authentication_failed")
    await _logs_in(client, why=" once the lock has run out, after 4 new wrong ones (not yet 5 in a row)")
    user = await accounts.stored_user("ada@example.com")
    expect.equal((user.security.locked_until, user.security.failed_login_attempts), (None, 0),
                 "(security.locked_until, security.failed_login_attempts) after a successful login once the lock "
                 "ran out (a success clears the lock and the count)")


async def test_a_successful_login_starts_the_count_again(client):
    await accounts.active_account(client, "ada@example.com")
    await _fail_logins(client, 4)
    await _logs_in(client, why=" after 4 wrong ones")
    user = await accounts.stored_user("ada@example.com")
    expect.equal(user.security.failed_login_attempts, 0, "security.failed_login_attempts after a successful login")
    await _fail_logins(client, 4)
    await _logs_in(client, why=" after 4 wrong, 1 right and 4 more wrong ones (the success must reset the count, "
                               "so the account is not locked)")


async def test_an_operator_in_place_of_the_email_is_refused(client):
    await accounts.active_account(client, "ada@example.com")
    await _logs_in(client)
    response = await client.post("/login", json={"email": {"$ne": None}, "password": accounts.PASSWORD})
    expect.error(response, 422, 'POST /login with the body {"email": {"$ne": null}, "password": ...}',
                 code="validation_error")


async def test_the_login_email_is_normalised(client):
    await accounts.active_account(client, "ada@example.com")
    await _logs_in(client, "ADA@Example.COM", why=" (the account was registered as ada@example.com)")


async def test_an_account_that_is_not_active_gets_the_code_for_its_status(client):
    await accounts.registered(client, "ada@example.com")
    await accounts.active_account(client, "grace@example.com")
    await _logs_in(client, "grace@example.com")
    user = await accounts.stored_user("grace@example.com")
    user.status = UserStatus.SUSPENDED
    await user.save()
    expect.error(await accounts.login(client, "ada@example.com", WRONG), 401,
                 "POST /login with a wrong password for a pending account (the password is checked before the status)",
                 code="authentication_failed")
    pending = await accounts.login(client, "ada@example.com")
    expect.error(pending, 403, "POST /login with the right password for a pending account (email not verified)",
                 code="email_not_verified")
    suspended = await accounts.login(client, "grace@example.com")
    expect.error(suspended, 403, "POST /login with the right password for a suspended account", code="account_status")


async def test_a_long_password_is_checked_in_full(client):
    response = await accounts.register(client, "ada@example.com", LONG_PASSWORD)
    expect.status(response, 201, "POST /register with a 128-character password that meets every rule (exercise 01.1)")
    await accounts.activate("ada@example.com")
    await _logs_in(client, password=LONG_PASSWORD, why=" of 128 characters (bcrypt reads only 72 bytes; see "
                                                        "'Passwords and bcrypt')")
    response = await accounts.login(client, "ada@example.com", LONG_PASSWORD_OTHER_END)
    expect.error(response, 401, "POST /login with a password that differs from the 128-character one only in its last "
                                "character (a password cut at bcrypt's 72 bytes lets it in)",
                 code="authentication_failed")


async def test_the_token_carries_the_role_and_the_login_is_recorded(client, settings):
    body = await accounts.active_account(client, "grace@example.com", leader=True, display_name="Grace")
    token = await _logs_in(client, "grace@example.com")
    claims = tokens.claims_of(token.get("access_token"), settings)
    expect.equal((claims.get("sub"), claims.get("role")), (body["id"], "leader"),
                 "the (sub, role) claims of a leader's access token")
    user = await accounts.stored_user("grace@example.com")
    expect.about_now(user.security.last_login_at, "security.last_login_at after a successful login")
