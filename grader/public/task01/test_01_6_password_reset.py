"""01.6 Password reset.

The accounts are put straight into the database. To show that a reset really set the new
password, some tests log in with it (your login of exercise 01.4)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, expect, race
from shared.models.auth import PASSWORD_RESET_TTL, PasswordResetToken, hash_token
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("01.6")

NEW_PASSWORD = "Maple-Harbour-88"
OTHER_PASSWORD = "Cedar-Lighthouse-29"


async def _request(client, email: str):
    response = await client.post("/request-password-reset", json={"email": email})
    expect.status(response, 202, f"POST /request-password-reset for {email}")
    return response


async def _reset(client, token: str, password: str):
    return await client.post("/reset-password", json={"token": token, "new_password": password})


async def _logs_in(client, password: str, why: str, email: str = "ada@example.com") -> None:
    expect.status(await accounts.login(client, email, password), 200, f"POST /login as {email} with {why}")


async def test_the_mailed_token_sets_a_new_password_and_the_old_one_stops_working(client, outbox):
    await accounts.seed_user("ada@example.com", "Ada")
    for password in (NEW_PASSWORD, OTHER_PASSWORD):
        await _request(client, "ada@example.com")
        token = accounts.mailed_token(outbox, "reset", "ada@example.com", "after POST /request-password-reset")
        response = await _reset(client, token, password)
        expect.status(response, 200, f"POST /reset-password with the mailed token and the new password {password!r}")
        await _logs_in(client, password, f"the password {password!r} the reset set")
    response = await accounts.login(client, "ada@example.com", NEW_PASSWORD)
    expect.error(response, 401, f"POST /login with {NEW_PASSWORD!r}, the password before the second reset",
                 code="authentication_failed")


@pytest.mark.weight(5)
@pytest.mark.must("a reset request does not reveal whether an account exists")
async def test_a_reset_request_answers_the_same_whether_or_not_the_account_exists(client, outbox, db):
    ada = await accounts.seed_user("ada@example.com", "Ada")
    await accounts.seed_user("grace@example.com", "Grace", deleted=True)
    known = await _request(client, "ada@example.com")
    token = accounts.mailed_token(outbox, "reset", "ada@example.com", "after POST /request-password-reset")
    for email, who in (("nobody@example.com", "an email with no account"),
                       ("grace@example.com", "the email of a soft-deleted account")):
        response = await _request(client, email)
        expect.equal(response.json(), known.json(), f"POST /request-password-reset: the response body for {who} "
                                                    "compared with the one for an existing account")
    expect.equal(sorted({mail.to for mail in outbox.sent if mail.kind == "reset"}), ["ada@example.com"],
                 "the addresses reset emails were sent to after requests for an existing account, an unknown email "
                 "and a soft-deleted account")
    documents = await db["password_reset_tokens"].find({}).to_list(None)
    expect.equal([(doc.get("token_hash"), str(doc.get("user_id"))) for doc in documents], [(hash_token(token), str(ada.id))],
                 "(token_hash, user_id) of the documents in 'password_reset_tokens' after requests for an existing "
                 "account, an unknown email and a soft-deleted account (one token, the mailed one, for the existing "
                 "account)")
    expect.status(await _reset(client, token, NEW_PASSWORD), 200,
                  "POST /reset-password with the token mailed to ada@example.com and a strong password")
    expect.true((await accounts.stored(ada)).password_hash != ada.password_hash,
                "after POST /reset-password with the token mailed to ada@example.com answered 200, her password_hash "
                "is unchanged")
    for status in ("pending", "suspended"):  # an account that cannot log in still exists: the same 202
        await accounts.seed_user(f"{status}@example.com", status=status)
        response = await _request(client, f"{status}@example.com")
        expect.equal(response.json(), known.json(), f"POST /request-password-reset: the response body for a "
                                                    f"{status} account compared with the one for an active account")


@pytest.mark.weight(5)
@pytest.mark.must("a reset token works once and only until it expires")
@pytest.mark.race("a reset token works once, also when it is sent twice at the same moment")
async def test_a_reset_token_works_once_and_only_until_it_expires(client, outbox):
    await accounts.seed_user("ada@example.com", "Ada")
    grace = await accounts.seed_user("grace@example.com", "Grace")
    await _request(client, "ada@example.com")
    token = accounts.mailed_token(outbox, "reset", "ada@example.com", "after POST /request-password-reset")
    await _request(client, "grace@example.com")
    late = accounts.mailed_token(outbox, "reset", "grace@example.com", "after POST /request-password-reset")
    issued = await PasswordResetToken.find_one({"token_hash": hash_token(token)})
    expect.about_now(issued.expires_at if issued else None, "expires_at of the reset token mailed to ada@example.com "
                     "(PASSWORD_RESET_TTL: it works only until then)", from_now=PASSWORD_RESET_TTL)
    record = await PasswordResetToken.find_one({"token_hash": hash_token(late)})
    expect.true(record is not None, "no document in 'password_reset_tokens' has token_hash == "
                                    "hash_token(<the token mailed to grace@example.com>)")
    record.expires_at = utc_now() - timedelta(minutes=1)
    await record.save()

    expect.status(await _reset(client, token, NEW_PASSWORD), 200,
                  "POST /reset-password with the token mailed to ada@example.com, the first time")
    await _logs_in(client, NEW_PASSWORD, "the password set by the first reset")
    again = await _reset(client, token, OTHER_PASSWORD)
    expect.error(again, 400, "POST /reset-password with the same token a second time", code="invalid_token")
    await _logs_in(client, NEW_PASSWORD, "the password of the first reset, after the second was refused (it must "
                                         "change nothing)")
    expired = await _reset(client, late, OTHER_PASSWORD)
    expect.error(expired, 400, "POST /reset-password with grace@example.com's token, whose expires_at was a minute ago",
                 code="invalid_token")
    expect.equal((await accounts.stored(grace)).password_hash, grace.password_hash,
                 "grace@example.com's password_hash after her expired token was refused (it must not change)")
    # The same rule when the requests race: each may read the token unused before one marks it.
    passwords = [NEW_PASSWORD, OTHER_PASSWORD, "Willow-Beacon-71"]
    for round_ in race.rounds():
        await _request(client, "ada@example.com")
        fresh = accounts.mailed_token(outbox, "reset", "ada@example.com", "after POST /request-password-reset")
        responses = await race.at_once(_reset(client, fresh, password) for password in passwords)
        expect.equal(race.statuses(responses), [200, 400, 400], "statuses of 3 POST /reset-password with one token "
                     "sent at the same moment, each with another new password (it works once: mark it used with "
                     f"one conditional update), round {round_}")
        [winner] = [p for p, r in zip(passwords, responses) if r.status_code == 200]
        await _logs_in(client, winner, "the password of the one reset that was accepted")
