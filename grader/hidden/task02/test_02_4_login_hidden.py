"""02.4 Supplier login (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import expect
from grader.testkit import suppliers as sup
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("02.4")

WRONG = "Wrong-Password-1"


async def test_the_email_is_normalised_at_login(client):
    await sup.active_supplier(client, "sales@acme.example")
    await sup.logged_in(client, "  Sales@ACME.example ")


async def test_a_success_resets_the_count_and_records_the_login(client):
    await sup.active_supplier(client)
    for _ in range(3):
        expect.error(await sup.login(client, password=WRONG), 401, "POST /suppliers/login with a wrong password",
                     code="authentication_failed")
    expect.equal((await sup.stored_supplier("sales@acme.example")).security.failed_login_attempts, 3,
                 "security.failed_login_attempts after three wrong passwords")
    await sup.logged_in(client)
    stored = await sup.stored_supplier("sales@acme.example")
    expect.equal(stored.security.failed_login_attempts, 0, "security.failed_login_attempts after a success")
    expect.about_now(stored.security.last_login_at, "security.last_login_at after a success")


async def test_the_status_is_checked_after_the_password(client):
    await sup.active_supplier(client, "sales@acme.example")
    await sup.logged_in(client, "sales@acme.example")
    await sup.active_supplier(client, "sales@globex.example")
    globex = await sup.stored_supplier("sales@globex.example")
    globex.status = "suspended"
    await globex.save()
    expect.error(await sup.login(client, "sales@globex.example"), 403,
                 "POST /suppliers/login with the right password of a suspended supplier", code="account_status")
    await sup.registered(client, "sales@initech.example")
    expect.error(await sup.login(client, "sales@initech.example", WRONG), 401,
                 "POST /suppliers/login with a wrong password for a pending supplier", code="authentication_failed")


async def test_a_lock_ends_after_its_time_and_attempts_during_it_do_not_count(client):
    await sup.active_supplier(client)
    await sup.logged_in(client)
    for _ in range(5):
        await sup.login(client, password=WRONG)
    expect.error(await sup.login(client), 403, "POST /suppliers/login after five wrong passwords", code="account_locked")
    for _ in range(3):
        await sup.login(client, password=WRONG)
    stored = await sup.stored_supplier("sales@acme.example")
    expect.equal(stored.security.failed_login_attempts, 0,
                 "security.failed_login_attempts after wrong passwords during a lockout (they do not count, and the "
                 "count starts from zero when a lock begins)")
    stored.security.locked_until = utc_now() - timedelta(minutes=1)
    await stored.save()
    await sup.logged_in(client)
    expect.equal((await sup.stored_supplier("sales@acme.example")).security.locked_until, None,
                 "security.locked_until after a successful login once the lock ran out")
