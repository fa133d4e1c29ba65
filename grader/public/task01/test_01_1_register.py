"""01.1 Register consumers and leaders."""

import pytest

from grader.testkit import accounts, expect, race
from grader.testkit.recorders import EVENTS_COLLECTION, MAIL_COLLECTION

pytestmark = pytest.mark.exercise("01.1")

# 128 characters, the longest the policy allows: far beyond the 72 bytes bcrypt reads.
LONG_PASSWORD = ("Lovelace-1815-" * 10)[:127] + "Z"


async def test_a_new_account_is_pending_with_the_role_of_its_endpoint(client):
    for path, email, role, extra in (("/register", "ada@example.com", "consumer", {}),
                                     ("/register/leader", "grace@example.com", "leader",
                                      {"phone": "+1 555 0100", "bio": "Rear admiral"})):
        response = await client.post(path, json=accounts.register_body(email, **extra))
        body = expect.status(response, 201, f"POST {path} for {email} with a valid body")
        expect.equal(body.get("role"), role, f"POST {path}: role in the response")
        expect.equal(body.get("status"), "pending", f"POST {path}: status of a new account")
        expect.equal(body.get("email_verified"), False, f"POST {path}: email_verified of a new account")
        expect.equal((body.get("phone"), body.get("bio")), (extra.get("phone"), extra.get("bio")),
                     f"POST {path} with the body {accounts.register_body(email, **extra)}: (phone, bio) in the response")


async def test_the_email_is_trimmed_and_stored_lower_case(client):
    body = await accounts.registered(client, "  Ada.Lovelace@Example.COM ")
    expect.equal(body["email"], "ada.lovelace@example.com",
                 "registering '  Ada.Lovelace@Example.COM ': email in the response")
    expect.true(await accounts.stored_user("ada.lovelace@example.com") is not None,
                "registering '  Ada.Lovelace@Example.COM ': no user stored with primary_email 'ada.lovelace@example.com'")


@pytest.mark.race("of registrations with one email sent at the same moment, exactly one wins")
async def test_a_duplicate_email_or_a_weak_password_is_refused_and_nothing_is_kept(client, db, events, outbox):
    await accounts.registered(client, "ada@example.com")
    duplicate = await accounts.register(client, "ADA@example.com", display_name="Another Ada")
    expect.error(duplicate, 409, "POST /register as ADA@example.com after ada@example.com registered", code="duplicate")
    weak = await accounts.register(client, "grace@example.com", "weakpass")
    expect.error(weak, 422, "POST /register for grace@example.com with the weak password 'weakpass'",
                 code="validation_error")
    expect.equal(await db["users"].count_documents({}), 1,
                 "documents in 'users' after one registration and two refused ones (a refused one stores nothing)")
    expect.equal(events.types(), ["user.created"],
                 "events after one registration and two refused ones (a refused one emits nothing)")
    expect.equal([(m.kind, m.to) for m in outbox.sent], [("verification", "ada@example.com")],
                 "emails sent after one registration and two refused ones (a refused one sends nothing)")
    # The same rule when the requests race: two may both find no account before either stores one.
    for round_ in race.rounds():
        email = f"grace{round_}@example.com"
        responses = await race.at_once(accounts.register(client, email, display_name=f"Grace {i}") for i in range(4))
        expect.equal(race.statuses(responses), [201, 409, 409, 409],
                     f"statuses of 4 registrations of {email} sent at the same moment (exactly one may win)")
        for response in responses:
            if response.status_code != 201:
                expect.error(response, 409, f"a registration of {email} that lost the race (catch the unique index's "
                             "DuplicateKeyError)", code="duplicate")
        expect.equal(await db["users"].count_documents({"contact_info.primary_email": email}), 1,
                     f"users stored for {email} after the 4 registrations at the same moment")
        expect.equal(len(outbox.sent), 1 + round_, f"emails sent in all after round {round_} (ada's and one for "
                     "each winner)")


async def test_registration_mails_a_token_and_emits_user_created(client, events, outbox):
    body = await accounts.registered(client, "ada@example.com")
    accounts.mailed_token(outbox, "verification", "ada@example.com", "after POST /register")
    created = events.of_type("user.created")
    expect.equal(len(created), 1, "number of user.created events after one registration")
    expect.equal(created[0]["entity_id"], body["id"], "user.created entity_id (the new user's id)")


@pytest.mark.weight(5)
@pytest.mark.must("only a bcrypt hash of the password is stored")
async def test_only_a_bcrypt_hash_of_the_password_is_stored(client, db, settings):
    passwords = {"ada@example.com": accounts.PASSWORD, "grace@example.com": accounts.PASSWORD,
                 "alan@example.com": LONG_PASSWORD}
    hashes = []
    for email, password in passwords.items():
        what = "a 128-character password" if len(password) == 128 else f"the password {password!r}"
        await accounts.registered(client, email, password)
        document = await db["users"].find_one({"contact_info.primary_email": email})
        expect.true(document is not None, f"after registering {email}, no document in 'users' has its email")
        stored = document.get("password_hash")
        expect.true(isinstance(stored, str) and expect.BCRYPT_HASH.match(stored),
                    f"registering {email} with {what}: password_hash should be a bcrypt hash "
                    f"('$2b$<cost>$' and 53 more characters, 60 in all), got {str(stored)[:12]!r}...")
        expect.equal(int(stored.split("$")[2]), settings.bcrypt_rounds,
                     f"registering {email}: the bcrypt cost in password_hash (use self.settings.bcrypt_rounds)")
        expect.true(password not in str(document),
                    f"registering {email}: the plain password is stored in its 'users' document; store only the hash")
        expect.every_character_counts(stored, password, f"registering {email} with {what}")
        hashes.append(stored)
    expect.true(hashes[0] != hashes[1], "ada@example.com and grace@example.com registered with the same password got "
                                        "the same password_hash: bcrypt must salt every hash (bcrypt.gensalt)")
    for collection in await db.list_collection_names():
        if collection in (EVENTS_COLLECTION, MAIL_COLLECTION):
            continue  # where the app keeps its events and mail for the grader (local stack)
        for document in await db[collection].find({}).to_list(None):
            expect.true(all(password not in str(document) for password in passwords.values()),
                        f"after three registrations a plain password is stored in the collection {collection!r}")


@pytest.mark.weight(5)
@pytest.mark.must("no secret in responses or events")
async def test_no_secret_in_the_response_or_the_user_created_event(client, events, outbox):
    for leader, email in ((False, "ada@example.com"), (True, "grace@example.com")):
        path = "/register/leader" if leader else "/register"
        body = await accounts.registered(client, email, leader=leader)
        token = accounts.mailed_token(outbox, "verification", email, f"after POST {path}")
        user = await accounts.stored_user(email)
        secrets = (accounts.PASSWORD, token, user.password_hash if user else "")
        expect.no_secrets(body, f"the POST {path} response", secrets)
        created = [e for e in events.of_type("user.created") if e["entity_id"] == body["id"]]
        expect.equal(len(created), 1, f"user.created events for {email} after POST {path}")
        data = created[0]["data"]
        expect.equal(data.get("id"), body["id"], f"user.created data['id'] for {email} (emit user.event_data())")
        expect.equal((data.get("contact_info") or {}).get("primary_email"), email,
                     f"user.created data['contact_info']['primary_email'] for {email} (emit user.event_data())")
        expect.no_secrets(data, f"the user.created event data for {email}", secrets)
