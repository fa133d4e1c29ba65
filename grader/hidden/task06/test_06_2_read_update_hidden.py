"""06.2 Read and edit with a version check (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import expect, products, promotions, suppliers
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("06.2")


@pytest.mark.weight(2)
async def test_what_each_status_lets_change(client, events, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    headers = suppliers.as_supplier(acme, settings)
    later = (utc_now() + timedelta(days=20)).isoformat()
    for status, allowed, refused in (("paused", {"title": "Back soon", "ends_at": later}, {"discount_percent": 50}),
                                     ("active", {"description": "Now on"}, {"starts_at": later, "title": "x" * 5}),
                                     ("scheduled", {"title": "Soon"}, {"scopes": ["global"]})):
        deal = await promotions.seed_promotion(acme, [tee], status=status,
                                               starts_at=utc_now() + timedelta(days=1) if status == "scheduled" else None)
        body = expect.status(await client.patch(f"/promotions/{deal.id}", json={"version": 1, **allowed},
                                                headers=headers), 200,
                             f"PATCH /promotions/{{id}} of a {status} promotion with {sorted(allowed)}")
        expect.equal((body.get("status"), body.get("version")), (status, 2), f"(status, version) of the {status} "
                                                                             "promotion after the edit")
        response = await client.patch(f"/promotions/{deal.id}", json={"version": 2, **refused}, headers=headers)
        error = expect.error(response, 409, f"PATCH /promotions/{{id}} of a {status} promotion with {sorted(refused)}",
                             code="state_conflict")
        expect.equal(error.get("details"), {"fields": sorted(k for k in refused if k not in ("title",
                                                                                             "description"))},
                     f"details of the 409 for a {status} promotion (the fields its status does not let change)")
    for status in ("pending_approval", "ended", "cancelled"):
        deal = await promotions.seed_promotion(acme, [tee], status=status)
        for sent in ({"version": 1, "title": "Renamed"}, {"version": 1}):
            expect.error(await client.patch(f"/promotions/{deal.id}", json=sent, headers=headers), 409,
                         f"PATCH /promotions/{{id}} of a {status} promotion with {sorted(sent)}", code="state_conflict")
        expect.equal((await promotions.stored(deal)).title, "Spring deal", f"title of the {status} promotion")
    expect.equal(len(events.of_type("promotion.updated")), 3, "promotion.updated events after 3 accepted edits")


@pytest.mark.weight(2)
async def test_edits_keep_the_rules_in_the_stated_order(client, settings):
    acme = await products.seller()
    other = await products.seller("sales@other.example", "Other Goods Ltd")
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    mug = await products.seed_product(acme, "Harbour Mug", status="active")
    theirs = await products.seed_product(other, "Their Tee", status="active")
    headers = suppliers.as_supplier(acme, settings)
    deal = await promotions.seed_promotion(acme, [tee], version=2)
    body = expect.status(await client.patch(f"/promotions/{deal.id}", json={"version": 2}, headers=headers), 200,
                         "PATCH /promotions/{id} of a draft with only the version (an edit of no field)")
    expect.equal(body.get("version"), 3, "version after an edit of no field")
    now = utc_now()
    for sent, field, what in (({"product_ids": [str(theirs.id)]}, "product_ids", "another supplier's product"),
                              ({"product_ids": [str(tee.id), str(mug.id)]}, "product_ids",
                               "two products for a single promotion"),
                              ({"ends_at": (now - timedelta(hours=1)).isoformat()}, "ends_at", "an end in the past"),
                              ({"starts_at": (now + timedelta(days=30)).isoformat()}, "ends_at",
                               "a start after the stored end"),
                              ({"scopes": ["global", "global"]}, "scopes", "one scope twice")):
        for version in (3, 1):
            response = await client.patch(f"/promotions/{deal.id}", json={"version": version, **sent}, headers=headers)
            error = expect.error(response, 422, f"PATCH /promotions/{{id}} with {what} and version {version} (the "
                                 "content is checked before the version)", code="validation_error")
            expect.equal((error.get("details") or {}).get("field"), field, f"details.field of the 422 for {what}")
    response = await client.patch(f"/promotions/{deal.id}", json={"version": 1, "title": "Late"}, headers=headers)
    expect.error(response, 409, "PATCH /promotions/{id} with a stale version", code="version_conflict")
    over = await promotions.seed_promotion(acme, [tee], status="active", starts_at=now - timedelta(days=9),
                                           ends_at=now - timedelta(days=2))
    body = expect.status(await client.patch(f"/promotions/{over.id}", json={"version": 1, "title": "Was good"},
                                            headers=headers), 200,
                         "PATCH /promotions/{id} of the title of an active promotion whose end has passed (only the "
                         "fields sent are checked)")
    expect.equal(body.get("title"), "Was good", "title after the edit")
    ended = await promotions.seed_promotion(acme, [tee], status="ended", version=5)
    response = await client.patch(f"/promotions/{ended.id}", json={"version": 1, "title": "Late"}, headers=headers)
    expect.error(response, 409, "PATCH /promotions/{id} of an ended promotion with a stale version (the status is "
                 "checked before the version)", code="state_conflict")
    stored = await promotions.stored(deal)
    expect.equal((stored.version, [str(p) for p in stored.product_ids]), (3, [str(tee.id)]),
                 "(version, product_ids) after the refused edits")
