"""02.5 Refresh tokens (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import expect
from grader.testkit import suppliers as sup
from shared.models.auth import hash_token
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("02.5")


async def test_only_a_hash_of_a_refresh_token_is_stored_with_its_expiry(client, db):
    await sup.active_supplier(client)
    raw = (await sup.logged_in(client)).get("refresh_token")
    for collection in await db.list_collection_names():
        for document in await db[collection].find({}).to_list(None):
            expect.true(raw not in str(document), f"the raw refresh token is stored in the collection {collection!r}; "
                                                  "store only hash_token(raw)")
    record = await db["supplier_refresh_tokens"].find_one({"token_hash": hash_token(raw)})
    expect.true(record is not None, "no document in 'supplier_refresh_tokens' has token_hash == hash_token(raw)")
    expect.about_now(record.get("expires_at"), "expires_at of a new refresh token (REFRESH_TOKEN_TTL)",
                     from_now=timedelta(days=7))


async def test_each_rotated_token_works_once_too(client):
    await sup.active_supplier(client)
    token = (await sup.logged_in(client)).get("refresh_token")
    for round_ in range(1, 4):
        body = expect.status(await sup.refresh(client, token), 200, f"POST /suppliers/refresh, rotation {round_}")
        expect.error(await sup.refresh(client, token), 401, f"POST /suppliers/refresh with the token used in rotation "
                                                           f"{round_}", code="authentication_failed")
        token = body.get("refresh_token")


async def test_a_deleted_or_suspended_suppliers_refresh_token_is_refused(client):
    tokens_of = {}
    for email in ("sales@acme.example", "sales@globex.example", "sales@initech.example"):
        await sup.active_supplier(client, email)
        tokens_of[email] = (await sup.logged_in(client, email)).get("refresh_token")
    expect.status(await sup.refresh(client, tokens_of["sales@acme.example"]), 200, "POST /suppliers/refresh of an "
                                                                                   "active supplier")
    globex = await sup.stored_supplier("sales@globex.example")
    globex.deleted_at = utc_now()
    await globex.save()
    initech = await sup.stored_supplier("sales@initech.example")
    initech.status = "suspended"
    await initech.save()
    for email, what in (("sales@globex.example", "deleted"), ("sales@initech.example", "suspended")):
        expect.error(await sup.refresh(client, tokens_of[email]), 401,
                     f"POST /suppliers/refresh with the refresh token of a supplier {what} since its login",
                     code="authentication_failed")
