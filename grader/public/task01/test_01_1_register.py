"""01.1 Register consumers and leaders."""

import pytest

from grader.testkit import accounts, expect

pytestmark = pytest.mark.exercise("01.1")


async def test_a_new_consumer_is_pending_and_unverified(client):
    body = await accounts.registered(client, "ada@example.com")
    expect.equal(body["role"], "consumer", "POST /register: role in the response")
    expect.equal(body["status"], "pending", "POST /register: status of a new account")
    expect.equal(body["email_verified"], False, "POST /register: email_verified of a new account")


async def test_a_leader_registers_with_the_leader_role(client):
    response = await accounts.register(client, "grace@example.com", leader=True, display_name="Grace")
    body = expect.status(response, 201, "POST /register/leader with a valid body")
    expect.equal(body["role"], "leader", "POST /register/leader: role in the response")


async def test_the_email_is_stored_lower_case(client):
    body = await accounts.registered(client, "Ada.Lovelace@Example.COM")
    expect.equal(body["email"], "ada.lovelace@example.com", "registering 'Ada.Lovelace@Example.COM': email in the response")
    expect.true(await accounts.stored_user("ada.lovelace@example.com") is not None,
                "registering 'Ada.Lovelace@Example.COM': no user stored with primary_email 'ada.lovelace@example.com'")


async def test_the_password_is_stored_as_a_bcrypt_hash(client, settings):
    await accounts.registered(client, "ada@example.com")
    user = await accounts.stored_user("ada@example.com")
    stored = user.password_hash
    expect.true(stored != accounts.PASSWORD, "the password was stored as plain text; store a bcrypt hash")
    expect.true(stored.startswith("$2"), f"password_hash should be a bcrypt hash starting with '$2', got {stored[:12]!r}...")
    cost = stored.split("$")[2]
    expect.equal(int(cost), settings.bcrypt_rounds, "bcrypt cost in the stored hash (use self.settings.bcrypt_rounds)")


async def test_an_email_can_register_only_once_whatever_its_case(client):
    await accounts.registered(client, "ada@example.com")
    response = await accounts.register(client, "ADA@example.com")
    expect.error(response, 409, "registering ADA@example.com after ada@example.com", code="duplicate")


async def test_registration_mails_a_token_and_emits_user_created(client, events, outbox):
    body = await accounts.registered(client, "ada@example.com")
    mail = outbox.last("verification", "ada@example.com")
    expect.true(mail is not None, "after POST /register, expected a verification email to ada@example.com "
                                  "(self.mailer.send_email_verification), none was sent")
    created = events.of_type("user.created")
    expect.equal(len(created), 1, "number of user.created events after one registration")
    expect.equal(created[0]["entity_id"], body["id"], "user.created entity_id (the new user's id)")
