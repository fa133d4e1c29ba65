"""02.1 Register suppliers."""

import pytest

from grader.testkit import accounts, expect, race
from grader.testkit import suppliers as sup

pytestmark = pytest.mark.exercise("02.1")

# 128 characters, the longest the policy allows: far beyond the 72 bytes bcrypt reads.
LONG_PASSWORD = ("Harbour-Crane-77/" * 10)[:127] + "Z"


@pytest.mark.weight(2)
async def test_a_new_supplier_is_pending_and_keeps_its_nested_details(client):
    shipping = dict(sup.ADDRESS, street_address_1="Lagerweg 3", zip_code="21079")
    body = await sup.registered(client, company_info=dict(sup.register_body()["company_info"], shipping_address=shipping))
    expect.equal((body.get("status"), body.get("email_verified")), ("pending", False),
                 "POST /suppliers/register: (status, email_verified) of a new supplier")
    expect.equal((body.get("legal_name"), body.get("company_type"), body.get("timezone")),
                 ("Acme Trading GmbH", "llc", "Europe/Berlin"),
                 "POST /suppliers/register: (legal_name, company_type, timezone) in the response")
    expect.equal((body.get("verification") or {}).get("status"), "pending",
                 "POST /suppliers/register: verification.status of a new supplier")
    stored = await sup.stored_supplier("sales@acme.example")
    expect.true(stored is not None, "after POST /suppliers/register, no document in 'suppliers' has "
                                    "contact_info.primary_email == 'sales@acme.example'")
    expect.equal((stored.contact_info.contact_person_name, stored.company_info.business_address.city,
                  stored.company_info.shipping_address and stored.company_info.shipping_address.street_address_1,
                  stored.business_info.social_links.instagram_handle),
                 ("Greta Hansen", "Hamburg", "Lagerweg 3", "@acme"),
                 "the stored supplier's (contact_info.contact_person_name, company_info.business_address.city, "
                 "company_info.shipping_address.street_address_1, business_info.social_links.instagram_handle)")
    expect.equal(stored.banking_info and stored.banking_info.account_number_last4, "9876",
                 f"banking_info.account_number_last4 stored for the account number {sup.ACCOUNT_NUMBER}")
    expect.true(stored.terms_accepted_at is not None and stored.privacy_policy_accepted_at is not None,
                "terms_accepted_at and privacy_policy_accepted_at must be set when a supplier registers")


async def test_the_email_is_trimmed_and_stored_lower_case(client):
    body = await sup.registered(client, "  Sales@ACME.example ")
    expect.equal(body.get("email"), "sales@acme.example", "registering '  Sales@ACME.example ': email in the response")
    expect.true(await sup.stored_supplier("sales@acme.example") is not None,
                "registering '  Sales@ACME.example ': no supplier stored with primary_email 'sales@acme.example'")


async def test_the_terms_and_the_privacy_policy_must_be_accepted(client, db):
    await sup.registered(client, "sales@acme.example")
    for field in ("accept_terms", "accept_privacy_policy"):
        response = await sup.register(client, "sales@globex.example", **{field: False})
        expect.error(response, 422, f"POST /suppliers/register with {field} false (the same body with both true was "
                                    "accepted for sales@acme.example)", code="validation_error")
    expect.equal(await db["suppliers"].count_documents({}), 1,
                 "documents in 'suppliers' after one registration and two refused ones")


@pytest.mark.weight(2)
@pytest.mark.race("of supplier registrations with one primary email sent at the same moment, exactly one wins")
async def test_an_email_already_used_by_a_user_or_a_supplier_is_refused(client, db, outbox):
    user = await accounts.seed_user("ada@example.com", "Ada")
    user.contact_info.additional_emails = ["ada.work@example.com"]
    await user.save()
    await sup.registered(client, "sales@acme.example")
    cases = (("SALES@acme.example", {}, "the primary email of a supplier (in upper case)"),
             ("ada@example.com", {}, "the primary email of a user"),
             ("ada.work@example.com", {}, "an additional email of a user"),
             ("sales@globex.example", {"contact_info": dict(sup.register_body()["contact_info"],
                                                            additional_emails=["sales@acme.example"])},
              "a new primary email but, as an additional email, the primary email of a supplier"))
    for email, overrides, what in cases:
        response = await sup.register(client, email, **overrides)
        expect.error(response, 409, f"POST /suppliers/register with {what}", code="duplicate")
    expect.equal(await db["suppliers"].count_documents({}), 1,
                 "documents in 'suppliers' after one registration and four refused duplicates")
    # The same rule when the requests race: two may both find the address free before either stores it
    # (the unique index on contact_info.primary_email decides).
    for round_ in race.rounds():
        email = f"orders{round_}@initech.example"
        responses = await race.at_once(sup.register(client, email) for _ in range(6))
        expect.equal(race.statuses(responses), [201] + [409] * 5,
                     f"statuses of 6 registrations of {email} sent at the same moment (exactly one may win)")
        for response in responses:
            if response.status_code != 201:
                expect.error(response, 409, f"a registration of {email} that lost the race (catch the unique index's "
                             "DuplicateKeyError)", code="duplicate")
        expect.equal(await db["suppliers"].count_documents({"contact_info.primary_email": email}), 1,
                     f"suppliers stored for {email} after the 6 registrations at the same moment")
        expect.equal([m.to for m in outbox.sent].count(email), 1, f"emails sent to {email} after the 6 registrations "
                     "at the same moment (only the winner's: a refused registration mails nothing)")


async def test_registration_mails_a_token_and_emits_supplier_created(client, events, outbox):
    body = await sup.registered(client, "sales@acme.example")
    accounts.mailed_token(outbox, "verification", "sales@acme.example", "after POST /suppliers/register")
    created = events.of_type("supplier.created")
    expect.equal(len(created), 1, "supplier.created events after one registration")
    expect.equal(created[0]["entity_id"], body.get("id"), "supplier.created entity_id (the new supplier's id)")
    expect.equal((created[0]["data"].get("company_info") or {}).get("legal_name"), "Acme Trading GmbH",
                 "supplier.created data['company_info']['legal_name'] (emit supplier.event_data())")


@pytest.mark.weight(5)
@pytest.mark.must("only a bcrypt hash of the password is stored")
async def test_only_a_bcrypt_hash_of_the_password_is_stored(client, db, settings):
    passwords = {"sales@acme.example": sup.PASSWORD, "sales@globex.example": sup.PASSWORD,
                 "sales@initech.example": LONG_PASSWORD}
    hashes = []
    for email, password in passwords.items():
        what = "a 128-character password" if len(password) == 128 else f"the password {password!r}"
        await sup.registered(client, email, password)
        document = await db["suppliers"].find_one({"contact_info.primary_email": email})
        expect.true(document is not None, f"after registering {email}, no document in 'suppliers' has its email")
        stored = document.get("password_hash")
        expect.true(isinstance(stored, str) and expect.BCRYPT_HASH.match(stored),
                    f"registering {email} with {what}: password_hash should be a bcrypt hash "
                    f"('$2b$<cost>$' and 53 more characters), got {str(stored)[:12]!r}...")
        expect.equal(int(stored.split("$")[2]), settings.bcrypt_rounds,
                     f"registering {email}: the bcrypt cost in password_hash (use self.settings.bcrypt_rounds)")
        expect.every_character_counts(stored, password, f"registering {email} with {what}")
        hashes.append(stored)
    expect.true(hashes[0] != hashes[1], "two suppliers registered with the same password got the same password_hash: "
                                        "bcrypt must salt every hash (bcrypt.gensalt)")
    for collection in await db.list_collection_names():
        for document in await db[collection].find({}).to_list(None):
            expect.true(all(password not in str(document) for password in passwords.values()),
                        f"after three registrations a plain password is stored in the collection {collection!r}")


@pytest.mark.weight(5)
@pytest.mark.must("the full account number is never stored")
async def test_the_full_account_number_is_never_stored(client, db, events):
    await sup.registered(client, "sales@acme.example")
    await sup.registered(client, "sales@globex.example", banking_info=None)
    stored = await sup.stored_supplier("sales@acme.example")
    expect.equal(stored.banking_info and stored.banking_info.account_number_last4, "9876",
                 "banking_info.account_number_last4 of the supplier registered with banking details")
    expect.equal((await sup.stored_supplier("sales@globex.example")).banking_info, None,
                 "banking_info of a supplier registered without banking details")
    for collection in await db.list_collection_names():
        for document in await db[collection].find({}).to_list(None):
            expect.true(sup.ACCOUNT_NUMBER not in str(document),
                        f"after registering with the account number {sup.ACCOUNT_NUMBER}, the full number is stored in "
                        f"the collection {collection!r}; keep only its last 4 digits")
    expect.true(sup.ACCOUNT_NUMBER not in str(events.events), "the full account number travels in an event")


@pytest.mark.weight(5)
@pytest.mark.must("no secret in responses or events")
async def test_no_secret_in_the_response_or_the_supplier_created_event(client, db, events, outbox):
    body = await sup.registered(client, "sales@acme.example")
    token = accounts.mailed_token(outbox, "verification", "sales@acme.example", "after POST /suppliers/register")
    supplier = await sup.stored_supplier("sales@acme.example")
    secrets = (sup.PASSWORD, token, supplier.password_hash if supplier else "", sup.ACCOUNT_NUMBER)
    expect.no_secrets(body, "the POST /suppliers/register response", secrets)
    created = events.of_type("supplier.created")  # checks the catalogue: no banking_info, security, ...
    expect.equal(len(created), 1, "supplier.created events after one registration")
    data = created[0]["data"]
    expect.equal(data.get("id"), body.get("id"), "supplier.created data['id'] (emit supplier.event_data())")
    expect.no_secrets(data, "the supplier.created event data", secrets)
