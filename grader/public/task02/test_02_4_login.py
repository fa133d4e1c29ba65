"""02.4 Supplier login.

Suppliers are registered with your registration (exercise 02.1), so that your password hash
is the one login checks, and activated straight in the database. Every test first logs in
with the right password."""

from datetime import timedelta

import pytest

from grader.testkit import expect, race, tokens
from grader.testkit import suppliers as sup
from shared.models.user import LOCKOUT_MINUTES

pytestmark = pytest.mark.exercise("02.4")

WRONG = "Wrong-Password-1"


@pytest.mark.weight(3)
async def test_an_active_supplier_logs_in_and_gets_a_supplier_access_token(client, settings):
    body = await sup.active_supplier(client)
    login = await sup.logged_in(client)
    expect.equal((login.get("token_type"), login.get("expires_in")), ("bearer", settings.access_token_minutes * 60),
                 "(token_type, expires_in) in the login response")
    claims = tokens.claims_of(login.get("access_token"), settings)
    expect.equal((claims.get("sub"), claims.get("role"), claims.get("type")), (body.get("id"), "supplier", "access"),
                 "the access token's (sub, role, type) claims")
    expect.about_now(claims.get("exp"), f"the token's 'exp' claim (settings.access_token_minutes is "
                                        f"{settings.access_token_minutes})",
                     from_now=timedelta(minutes=settings.access_token_minutes))
    refresh = login.get("refresh_token")
    expect.true(isinstance(refresh, str) and len(refresh) >= 20 and refresh != login.get("access_token"),
                f"refresh_token in the login response: expected a long random string, got {refresh!r}")


@pytest.mark.weight(2)
async def test_the_access_token_opens_the_suppliers_own_profile(client):
    body = await sup.active_supplier(client)
    login = await sup.logged_in(client)
    response = await client.get("/suppliers/me", headers=tokens.bearer(login.get("access_token")))
    me = expect.status(response, 200, "GET /suppliers/me with the access token from POST /suppliers/login (the kit's "
                                      "guard checks it against Task 01's token contract)")
    expect.equal(me.get("id"), body.get("id"), "GET /suppliers/me: id")


async def test_a_pending_supplier_cannot_log_in_yet(client):
    await sup.active_supplier(client, "sales@globex.example")
    await sup.logged_in(client, "sales@globex.example")
    await sup.registered(client, "sales@acme.example")
    response = await sup.login(client, "sales@acme.example")
    expect.error(response, 403, "POST /suppliers/login with the right password for a supplier whose email is not "
                                "verified yet", code="email_not_verified")


@pytest.mark.weight(5)
@pytest.mark.must("no account enumeration at login")
async def test_a_wrong_password_an_unknown_email_and_a_deleted_supplier_get_the_same_answer(client):
    await sup.active_supplier(client, "sales@acme.example")
    await sup.active_supplier(client, "sales@globex.example")
    await sup.logged_in(client, "sales@acme.example")
    await sup.logged_in(client, "sales@globex.example")
    globex = await sup.stored_supplier("sales@globex.example")
    globex.deleted_at = globex.updated_at
    await globex.save()
    await sup.registered(client, "sales@initech.example")  # pending: its email is not verified
    answers = {
        "a wrong password for sales@acme.example": await sup.login(client, "sales@acme.example", WRONG),
        "a wrong password for the pending sales@initech.example (the status is checked after the password)":
            await sup.login(client, "sales@initech.example", WRONG),
        "an email nobody registered": await sup.login(client, "nobody@acme.example"),
        "the right password of the soft-deleted sales@globex.example": await sup.login(client, "sales@globex.example"),
    }
    errors = {case: expect.error(response, 401, f"POST /suppliers/login with {case}", code="authentication_failed")
              for case, response in answers.items()}
    (first_case, first), *others = errors.items()
    for case, error in others:
        expect.equal(error, first, f"the error for {case} compared with the one for {first_case} (identical "
                                   "answers, or they reveal which emails have accounts)")


@pytest.mark.weight(5)
@pytest.mark.must("five failures lock the account for 30 minutes")
@pytest.mark.race("failures sent at the same moment each count toward the lock")
async def test_five_failures_in_a_row_lock_the_account_for_30_minutes(client):
    await sup.active_supplier(client)
    await sup.logged_in(client)
    for attempt in range(1, 5):
        expect.error(await sup.login(client, password=WRONG), 401,
                     f"POST /suppliers/login with a wrong password (failure {attempt} in a row)",
                     code="authentication_failed")
    await sup.logged_in(client)  # four failures do not lock, and a success starts the count again
    for attempt in range(1, 6):
        expect.error(await sup.login(client, password=WRONG), 401,
                     f"POST /suppliers/login with a wrong password after a success (failure {attempt} in a row; the "
                     "fifth is still a 401)", code="authentication_failed")
    expect.error(await sup.login(client), 403, "POST /suppliers/login with the right password after 5 wrong ones in "
                                               "a row", code="account_locked")
    supplier = await sup.stored_supplier("sales@acme.example")
    expect.about_now(supplier.security.locked_until, "security.locked_until after the fifth wrong password in a row "
                     "(LOCKOUT_MINUTES)", from_now=timedelta(minutes=LOCKOUT_MINUTES))
    expect.equal(supplier.security.failed_login_attempts, 0, "security.failed_login_attempts once the lock has "
                 "begun (the count starts again from zero, or the first failure after the lock locks again)")
    expect.error(await sup.login(client, password=WRONG), 403,
                 "POST /suppliers/login with a wrong password while the account is locked", code="account_locked")
    await sup.registered(client, "sales@initech.example")  # pending: its failures count too
    for attempt in range(1, 6):
        expect.error(await sup.login(client, "sales@initech.example", WRONG), 401,
                     f"POST /suppliers/login with a wrong password for the pending sales@initech.example (failure "
                     f"{attempt})", code="authentication_failed")
    expect.error(await sup.login(client, "sales@initech.example"), 403, "POST /suppliers/login with the right password "
                 "for the pending sales@initech.example after 5 wrong ones (every account's failures count)",
                 code="account_locked")
    # The same rule when the requests race: five guesses at once must lock as five in a row do.
    for round_ in race.rounds():
        email = f"sales{round_}@umbrella.example"
        await sup.active_supplier(client, email)
        await sup.logged_in(client, email)
        responses = await race.at_once(sup.login(client, email, WRONG) for _ in range(5))
        expect.true(all(r.status_code in (401, 403) for r in responses),
                    f"statuses of 5 POST /suppliers/login with a wrong password for {email} sent at the same moment: "
                    f"expected 401 (or 403 once locked), got {race.statuses(responses)}")
        expect.error(await sup.login(client, email), 403, f"POST /suppliers/login with the right password for {email} "
                     "after 5 wrong ones sent at the same moment (each failure counts: add it with $inc, not read, "
                     "add one and save)", code="account_locked")
