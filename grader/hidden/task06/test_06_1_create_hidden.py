"""06.1 Create a promotion (hidden tests)."""

from datetime import timedelta

import pytest
from bson import ObjectId

from grader.testkit import accounts, communities, expect, products, promotions, suppliers, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("06.1")


@pytest.mark.weight(2)
async def test_the_dates_and_the_scopes(client, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    headers = suppliers.as_supplier(acme, settings)
    started = promotions.body([tee], scopes=[club], starts_in=timedelta(hours=-2), lasts=timedelta(days=1))
    body = expect.status(await client.post("/promotions", json=started, headers=headers), 201,
                         "POST /promotions starting two hours ago and ending tomorrow, for an active community")
    expect.equal(body.get("scopes"), [str(club.id)], "scopes of the promotion")
    shifted = promotions.body([tee])
    shifted["starts_at"] = (utc_now() + timedelta(days=1)).replace(microsecond=0).isoformat().replace("+00:00",
                                                                                                      "+02:00")
    body = expect.status(await client.post("/promotions", json=shifted, headers=headers), 201,
                         "POST /promotions with starts_at given at +02:00")
    expect.about(body.get("starts_at"), promotions.moment(shifted["starts_at"]), "starts_at (the same moment, in UTC)")
    now = utc_now()
    archived = await communities.seed_community(lea, "Archived Club", status="archived")
    gone = await communities.seed_community(lea, "Gone Club", deleted=True)
    unknown = str(ObjectId())
    for overrides, field, scope, what in (
            ({"ends_at": (now + timedelta(hours=12)).isoformat(), "starts_at": (now + timedelta(days=1)).isoformat()},
             "ends_at", None, "ends_at before starts_at"),
            ({"starts_at": (now - timedelta(days=3)).isoformat(), "ends_at": (now - timedelta(days=1)).isoformat()},
             "ends_at", None, "ends_at in the past"),
            ({"starts_at": (now + timedelta(days=2)).isoformat(), "ends_at": (now + timedelta(days=2)).isoformat()},
             "ends_at", None, "ends_at equal to starts_at"),
            ({"scopes": ["global", str(club.id)]}, "scopes", None, "global together with a community"),
            ({"scopes": [str(club.id), str(club.id)]}, "scopes", None, "one community twice"),
            ({"scopes": [str(club.id), str(archived.id)]}, "scopes", str(archived.id), "an archived community"),
            ({"scopes": [str(gone.id)]}, "scopes", str(gone.id), "a deleted community"),
            ({"scopes": [unknown]}, "scopes", unknown, "an unknown community id"),
            ({"scopes": ["abc"]}, "scopes", "abc", "the scope 'abc'")):
        response = await client.post("/promotions", json=promotions.body([tee], **overrides), headers=headers)
        error = expect.error(response, 422, f"POST /promotions with {what}", code="validation_error")
        want = {"field": field, **({"scope": scope} if scope else {})}
        expect.equal(error.get("details"), want, f"details of the 422 for {what}")
    for overrides, what in (({"discount_percent": 0}, "discount_percent 0"),
                            ({"discount_percent": 91}, "discount_percent 91"),
                            ({"starts_at": "2030-01-01T00:00:00"}, "starts_at without a time zone"),
                            ({"scopes": []}, "no scope"), ({"status": "active"}, "a field the body does not have")):
        response = await client.post("/promotions", json=promotions.body([tee], **overrides), headers=headers)
        expect.error(response, 422, f"POST /promotions with {what}", code="validation_error")
    expect.equal(await promotions.count_promotions(), 2, "documents in 'promotions' after 2 accepted and 14 refused "
                                                         "creates")


@pytest.mark.weight(2)
async def test_only_verified_suppliers_create_promotions(client, events, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    expect.status(await client.post("/promotions", json=promotions.body([tee]),
                                    headers=suppliers.as_supplier(acme, settings)), 201,
                  "POST /promotions by a verified supplier")
    for verification in ("pending", "under_review", "rejected"):
        waiting = await suppliers.seed_supplier(f"{verification}@shop.example", "Waiting GmbH",
                                                verification=verification)
        own = await products.seed_product(waiting, "Their Tee", status="active")
        response = await client.post("/promotions", json=promotions.body([own]),
                                     headers=suppliers.as_supplier(waiting, settings))
        expect.error(response, 403, f"POST /promotions by a supplier whose documents are {verification}",
                     code="forbidden")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    expect.error(await client.post("/promotions", json=promotions.body([tee]), headers=tokens.as_user(root, settings)),
                 403, "POST /promotions by a user (an admin, not a supplier)", code="forbidden")
    expect.error(await client.post("/promotions", json=promotions.body([tee])), 401, "POST /promotions without a token")
    expect.equal(await promotions.count_promotions(), 1, "documents in 'promotions' after 1 accepted and 4 refused "
                                                         "creates")
    expect.equal(len(events.of_type("promotion.created")), 1, "promotion.created events")


@pytest.mark.weight(1)
async def test_one_product_twice_in_another_case_is_a_repeat(client, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    mug = await products.seed_product(acme, "Harbour Mug", status="active")
    headers = suppliers.as_supplier(acme, settings)
    body = expect.status(await client.post("/promotions", json=promotions.body([str(tee.id).upper(), mug]),
                                           headers=headers), 201,
                         "POST /promotions of a campaign of two products, the first id in upper-case hex")
    expect.equal(sorted(body.get("product_ids") or []), sorted([str(tee.id), str(mug.id)]),
                 "product_ids of the campaign (the ids as stored)")
    twice = promotions.body([str(tee.id), str(tee.id).upper()])
    error = expect.error(await client.post("/promotions", json=twice, headers=headers), 422,
                         "POST /promotions of a campaign holding one product twice, once in lower-case and once in "
                         "upper-case hex", code="validation_error")
    expect.equal(error.get("details"), {"field": "product_ids"}, "details of the 422 for one product twice")
    expect.equal(await promotions.count_promotions(), 1, "documents in 'promotions' after 1 accepted and 1 refused "
                                                         "create")
