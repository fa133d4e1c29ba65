"""01.1 Register consumers and leaders (hidden tests)."""

import pytest

from grader.testkit import accounts, expect
from shared.models.auth import hash_token
from shared.models.user import User

pytestmark = pytest.mark.exercise("01.1")

# 128 characters, the longest the policy allows; far beyond bcrypt's 72-byte limit.
LONG_PASSWORD = ("Lovelace-1815-" * 10)[:127] + "Z"
# The same first 127 characters: an implementation that cuts the input at 72 bytes
# cannot tell the two apart.
LONG_PASSWORD_OTHER_END = LONG_PASSWORD[:-1] + "Q"


async def test_user_created_event_carries_no_password_hash_or_login_bookkeeping(client, events):
    body = await accounts.registered(client, "ada@example.com")
    created = events.of_type("user.created")
    expect.equal(len(created), 1, "number of user.created events after one POST /register")
    data = created[0]["data"]
    expect.true("password_hash" not in data,
                f"the user.created event data contains 'password_hash'; emit user.event_data(), which leaves it out "
                f"(data keys: {sorted(data)})")
    expect.true("security" not in data,
                f"the user.created event data contains 'security' (login bookkeeping); emit user.event_data() "
                f"(data keys: {sorted(data)})")
    expect.equal(data.get("id"), body["id"], "user.created data['id'] (the new user's id, as user.event_data() gives)")


async def test_a_128_character_password_registers_and_logs_in(client):
    response = await accounts.register(client, "ada@example.com", LONG_PASSWORD)
    expect.status(response, 201, "POST /register with a 128-character password that meets every rule")
    await accounts.activate("ada@example.com")
    login = await accounts.login(client, "ada@example.com", LONG_PASSWORD)
    expect.status(login, 200, "registering with a 128-character password, activating the account, then POST /login "
                              "with that same password (bcrypt reads only 72 bytes; see 'Passwords and bcrypt')")


async def test_a_long_password_is_checked_in_full_not_just_its_first_72_bytes(client):
    await accounts.registered(client, "ada@example.com", LONG_PASSWORD)
    await accounts.activate("ada@example.com")
    response = await accounts.login(client, "ada@example.com", LONG_PASSWORD_OTHER_END)
    expect.error(response, 401, "registering with a 128-character password, then POST /login with a password that "
                                "differs only in its last character (a password cut at bcrypt's 72 bytes lets it in)",
                 code="authentication_failed")
    expect.status(await accounts.login(client, "ada@example.com", LONG_PASSWORD), 200,
                  "then POST /login with the right 128-character password")


async def test_only_a_hash_of_the_verification_token_is_stored(client, outbox, db):
    body = await accounts.registered(client, "ada@example.com")
    mail = outbox.last("verification", "ada@example.com")
    expect.true(mail is not None, "after POST /register no verification email was sent to ada@example.com")
    documents = await db["email_verification_tokens"].find({}).to_list(None)
    expect.equal(len(documents), 1, "documents in 'email_verification_tokens' after one registration")
    expect.true(all(mail.token not in str(doc) for doc in documents),
                "the raw token from the verification email is stored in 'email_verification_tokens'; "
                "store only hash_token(raw) in token_hash")
    expect.equal(documents[0].get("token_hash"), hash_token(mail.token),
                 "token_hash of the stored verification token (hash_token(<the mailed token>))")
    expect.equal(str(documents[0].get("user_id")), body["id"], "user_id of the stored verification token")


async def test_a_refused_registration_stores_nothing_and_sends_nothing(client, events, outbox):
    weak = await accounts.register(client, "ada@example.com", "weakpass")
    expect.error(weak, 422, "POST /register with the weak password 'weakpass'", code="validation_error")
    expect.equal(await User.find_all().count(), 0, "documents in 'users' after a registration refused for its password")
    await accounts.registered(client, "grace@example.com")
    duplicate = await accounts.register(client, "Grace@Example.com", display_name="Another Grace")
    expect.error(duplicate, 409, "POST /register with Grace@Example.com after grace@example.com", code="duplicate")
    expect.equal(await User.find_all().count(), 1,
                 "documents in 'users' after one good registration and two refused ones")
    expect.equal(events.types(), ["user.created"],
                 "events after one good registration and two refused ones (a refused one emits nothing)")
    expect.equal([(m.kind, m.to) for m in outbox.sent], [("verification", "grace@example.com")],
                 "emails sent after one good registration and two refused ones (a refused one sends nothing)")
