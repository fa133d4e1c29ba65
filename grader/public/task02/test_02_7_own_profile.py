"""02.7 Own profile.

Suppliers are put straight into the database; the tests act as them with access tokens made
by the testkit, which the app's own guard checks."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, expect, race, tokens
from grader.testkit import suppliers as sup
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("02.7")


async def test_a_supplier_reads_its_own_profile(client, settings):
    acme = await sup.seed_supplier()
    await sup.seed_supplier("sales@globex.example", "Globex AG")
    body = expect.status(await client.get("/suppliers/me", headers=sup.as_supplier(acme, settings)), 200,
                         "GET /suppliers/me as a supplier")
    expect.equal((body.get("id"), body.get("email"), body.get("legal_name")),
                 (str(acme.id), "sales@acme.example", "Acme Trading GmbH"), "GET /suppliers/me: (id, email, legal_name)")


@pytest.mark.weight(2)
@pytest.mark.race("updates sent at the same moment each add one to version and keep each other's changes")
async def test_an_update_changes_only_the_given_fields_across_nested_objects(client, events, settings):
    acme = await sup.seed_supplier()
    as_acme = sup.as_supplier(acme, settings)
    changes = {"company_info": {"dba_name": "Acme Direct"},
               "business_info": {"support_phone": "+49 40 555 0200", "social_links": {"twitter_handle": "@acme_de"}}}
    body = expect.status(await client.patch("/suppliers/me", json=changes, headers=as_acme), 200,
                         f"PATCH /suppliers/me with {changes}")
    expect.equal((body.get("dba_name"), body.get("support_phone"), (body.get("social_links") or {}).get("twitter_handle")),
                 ("Acme Direct", "+49 40 555 0200", "@acme_de"), "(dba_name, support_phone, social_links.twitter_handle)"
                                                                 " after the update")
    stored = await sup.stored(acme)
    expect.equal((stored.company_info.legal_name, stored.business_info.support_email,
                  stored.business_info.social_links.instagram_handle, stored.contact_info.contact_person_name),
                 ("Acme Trading GmbH", "help@acme.example", "@acme", "Greta Hansen"),
                 "(company_info.legal_name, business_info.support_email, business_info.social_links.instagram_handle, "
                 "contact_info.contact_person_name), which the update did not mention: they must stay")
    expect.equal(stored.version, acme.version + 1, "version after one update (it goes up by one)")
    expect.equal(len(events.of_type("supplier.updated")), 1, "supplier.updated events after one update")
    # The same rule when the requests race: each may read the profile before the others write theirs.
    patches = ({"company_info": {"dba_name": "Initech Direct"}}, {"business_info": {"support_phone": "+49 40 555 0300"}},
               {"business_info": {"social_links": {"twitter_handle": "@initech"}}},
               {"business_info": {"timezone": "Europe/Paris"}}, {"contact_info": {"contact_person_title": "CEO"}})
    for round_ in race.rounds():
        initech = await sup.seed_supplier(f"sales{round_}@initech.example", "Initech")
        responses = await race.at_once(client.patch("/suppliers/me", json=patch, headers=sup.as_supplier(initech, settings))
                                       for patch in patches)
        doing = f"5 PATCH /suppliers/me by {initech.email} sent at the same moment ({', '.join(map(str, patches))})"
        expect.equal(race.statuses(responses), [200] * 5, f"statuses of {doing}")
        stored = await sup.stored(initech)
        expect.equal((stored.company_info.dba_name, stored.business_info.support_phone,
                      stored.business_info.social_links.twitter_handle, stored.business_info.social_links.instagram_handle,
                      stored.business_info.timezone, stored.contact_info.contact_person_title, stored.version),
                     ("Initech Direct", "+49 40 555 0300", "@initech", "@acme", "Europe/Paris", "CEO", initech.version + 5),
                     f"the stored (dba_name, support_phone, twitter_handle, instagram_handle, timezone, "
                     f"contact_person_title, version) after {doing}: "
                     "each update counts and keeps the others' changes ($set the given fields and $inc version; a "
                     "save() writes back the whole profile as that request read it)")


@pytest.mark.weight(5)
@pytest.mark.must("only the supplier themself may change its profile")
async def test_only_the_supplier_themself_may_change_its_profile(client, events, settings):
    acme = await sup.seed_supplier()
    globex = await sup.seed_supplier("sales@globex.example", "Globex AG")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    body = expect.status(await client.get("/suppliers/me", headers=sup.as_supplier(acme, settings)), 200,
                         "GET /suppliers/me by sales@acme.example")
    expect.equal(body.get("id"), str(acme.id), "id in the response to sales@acme.example's GET /suppliers/me")
    expect.status(await client.patch("/suppliers/me", json={"company_info": {"dba_name": "Acme Direct"}},
                                     headers=sup.as_supplier(acme, settings)), 200,
                  "PATCH /suppliers/me by sales@acme.example")
    for user, who in ((ada, "a consumer"), (root, "an admin (a user, without a supplier profile)")):
        headers = tokens.as_user(user, settings)
        response = await client.patch("/suppliers/me", json={"company_info": {"dba_name": "Not yours"}}, headers=headers)
        expect.error(response, 403, f"PATCH /suppliers/me by {who}", code="forbidden")
        expect.error(await client.delete("/suppliers/me", headers=headers), 403, f"DELETE /suppliers/me by {who}",
                     code="forbidden")
        expect.error(await client.get("/suppliers/me", headers=headers), 403, f"GET /suppliers/me by {who}",
                     code="forbidden")
    body = expect.status(await client.patch("/suppliers/me", json={"company_info": {"dba_name": "Globex Shop"}},
                                            headers=sup.as_supplier(globex, settings)), 200,
                         "PATCH /suppliers/me by sales@globex.example")
    expect.equal(body.get("id"), str(globex.id), "id in the response to sales@globex.example's PATCH /suppliers/me")
    after = await sup.stored(acme)
    expect.equal((after.company_info.dba_name, after.deleted_at, after.version), ("Acme Direct", None, acme.version + 1),
                 "sales@acme.example's (dba_name, deleted_at, version) after its own update and only other accounts' "
                 "requests since")
    expect.equal([e["entity_id"] for e in events.of_type("supplier.updated")], [str(acme.id), str(globex.id)],
                 "supplier.updated entity_ids after each supplier updated itself and the users were refused")
    expect.equal(events.of_type("supplier.deleted"), [], "supplier.deleted events after only refused deletes")
    expect.status(await client.delete("/suppliers/me", headers=sup.as_supplier(globex, settings)), 204,
                  "DELETE /suppliers/me by sales@globex.example")
    expect.equal([(await sup.stored(acme)).deleted_at, (await sup.stored(globex)).deleted_at is not None], [None, True],
                 "[sales@acme.example's deleted_at, sales@globex.example's deleted_at is set] after sales@globex.example "
                 "deleted its own account")


async def test_a_delete_is_soft_and_ends_the_suppliers_access(client, events, settings):
    acme = await sup.seed_supplier(created_at=utc_now() - timedelta(days=1))
    as_acme = sup.as_supplier(acme, settings)
    expect.status(await client.get("/suppliers/me", headers=as_acme), 200, "GET /suppliers/me before the delete")
    expect.status(await client.delete("/suppliers/me", headers=as_acme), 204, "DELETE /suppliers/me")
    stored = await sup.stored(acme)
    expect.true(stored is not None, "after DELETE /suppliers/me the document is gone from 'suppliers'; the delete must "
                                    "be soft")
    expect.about_now(stored.deleted_at, "deleted_at after DELETE /suppliers/me")
    expect.about_now(stored.updated_at, "updated_at after DELETE /suppliers/me (it was a day ago)")
    expect.equal([e["data"] for e in events.of_type("supplier.deleted")], [{"id": str(acme.id)}],
                 "data of the supplier.deleted events after one delete")
    expect.error(await client.get("/suppliers/me", headers=as_acme), 401,
                 "GET /suppliers/me with the supplier's token after it deleted its account", code="authentication_failed")
