"""06.4 Lifecycle moves. Suppliers, products and promotions are put straight into the database; a
promotion that has started is seeded with a start in the past (nothing waits for the clock)."""

from datetime import timedelta

import pytest
from bson import ObjectId

from grader.testkit import accounts, expect, products, promotions, suppliers, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("06.4")


@pytest.mark.weight(4)
async def test_pause_resume_and_end(client, events, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    headers = suppliers.as_supplier(acme, settings)
    deal = await promotions.seed_promotion(acme, [tee], status="active")
    for move, version, status, stamp in (("pause", 1, "paused", "paused_at"), ("resume", 2, "active", None),
                                         ("end", 3, "ended", "ended_at")):
        body = expect.status(await client.post(f"/promotions/{deal.id}/{move}", json={"version": version},
                                               headers=headers), 200,
                             f"POST /promotions/{{id}}/{move} with version {version}")
        expect.equal((body.get("status"), body.get("version")), (status, version + 1),
                     f"(status, version) after POST /{move}")
        if stamp:
            expect.about_now(body.get(stamp), f"{stamp} after POST /{move}")
    expect.equal([e["event_type"] for e in events.events if e["event_type"].startswith("promotion.")],
                 ["promotion.updated", "promotion.updated", "promotion.ended"],
                 "the promotion events of pause, resume and end, in order")
    expect.equal((await promotions.stored(deal)).status.value, "ended", "status stored after the end")


@pytest.mark.weight(3)
async def test_cancel_and_the_moves_each_status_refuses(client, events, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    headers = suppliers.as_supplier(acme, settings)
    soon = utc_now() + timedelta(days=1)
    for status in ("draft", "pending_approval", "scheduled", "paused"):
        deal = await promotions.seed_promotion(acme, [tee], status=status,
                                               starts_at=soon if status == "scheduled" else None)
        body = expect.status(await client.post(f"/promotions/{deal.id}/cancel", json={"version": 1}, headers=headers),
                             200, f"POST /promotions/{{id}}/cancel of a {status} promotion")
        expect.equal(body.get("status"), "cancelled", f"status after cancelling a {status} promotion")
        expect.about_now(body.get("cancelled_at"), f"cancelled_at after cancelling a {status} promotion")
    expect.equal(len(events.of_type("promotion.cancelled")), 4, "promotion.cancelled events after 4 cancels")
    for move, status in (("pause", "active"), ("resume", "paused"), ("end", "active")):
        deal = await promotions.seed_promotion(acme, [tee], status=status)
        expect.status(await client.post(f"/promotions/{deal.id}/{move}", json={"version": 1}, headers=headers), 200,
                      f"POST /promotions/{{id}}/{move} of a {status} promotion (the accepted case)")
    refused = {"draft": ("pause", "resume", "end"), "scheduled": ("pause", "resume", "end"),
               "active": ("resume", "cancel"), "paused": ("pause", "end"),
               "ended": ("pause", "resume", "end", "cancel"), "cancelled": ("pause", "resume", "end", "cancel")}
    for status, moves in refused.items():
        deal = await promotions.seed_promotion(acme, [tee], status=status,
                                               starts_at=soon if status == "scheduled" else None)
        for move in moves:
            response = await client.post(f"/promotions/{deal.id}/{move}", json={"version": 1}, headers=headers)
            expect.error(response, 409, f"POST /promotions/{{id}}/{move} of a {status} promotion",
                         code="state_conflict")
        expect.equal((await promotions.stored(deal)).status.value, status, f"status of the {status} promotion "
                                                                          "after the refused moves")
    deal = await promotions.seed_promotion(acme, [tee], status="active", version=4)
    error = expect.error(await client.post(f"/promotions/{deal.id}/pause", json={"version": 3}, headers=headers), 409,
                         "POST /promotions/{id}/pause of an active promotion with a stale version",
                         code="version_conflict")
    expect.equal(error.get("details"), {"current_version": 4}, "details of the 409 for a stale version")
    other = await products.seller("sales@other.example", "Other Goods Ltd")
    expect.error(await client.post(f"/promotions/{deal.id}/pause", json={"version": 4},
                                   headers=suppliers.as_supplier(other, settings)), 404,
                 "POST /promotions/{id}/pause by another supplier", code="not_found")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    expect.error(await client.post(f"/promotions/{deal.id}/end", json={"version": 4},
                                   headers=tokens.as_user(root, settings)), 403,
                 "POST /promotions/{id}/end by a user (an admin, not a supplier)", code="forbidden")
    expect.equal((await promotions.stored(deal)).status.value, "active", "status after the refused moves")


@pytest.mark.weight(2)
async def test_a_started_promotion_is_activated_when_loaded(client, events, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    headers = suppliers.as_supplier(acme, settings)
    later = await promotions.seed_promotion(acme, [tee], status="scheduled", starts_at=utc_now() + timedelta(days=1))
    body = expect.status(await client.get(f"/promotions/{later.id}", headers=headers), 200,
                         "GET /promotions/{id} of a scheduled promotion that starts tomorrow")
    expect.equal(body.get("status"), "scheduled", "status of a promotion that has not started")
    started = await promotions.seed_promotion(acme, [tee], status="scheduled", version=2,
                                              starts_at=utc_now() - timedelta(minutes=5))
    body = expect.status(await client.get(f"/promotions/{started.id}", headers=headers), 200,
                         "GET /promotions/{id} of a scheduled promotion that started 5 minutes ago")
    expect.equal((body.get("status"), body.get("version")), ("active", 2),
                 "(status, version) once loaded after its start (activated; the clock's move keeps the version)")
    expect.about_now(body.get("activated_at"), "activated_at of the activated promotion")
    expect.equal([(e["entity_id"], e["data"].get("status")) for e in events.of_type("promotion.activated")],
                 [(str(started.id), "active")], "(entity_id, data.status) of the promotion.activated events")
    body = expect.status(await client.post(f"/promotions/{started.id}/pause", json={"version": 2}, headers=headers),
                         200, "POST /promotions/{id}/pause of the activated promotion with version 2")
    expect.equal(body.get("status"), "paused", "status after pausing")
    soon = await promotions.seed_promotion(acme, [tee], status="scheduled", starts_at=utc_now() - timedelta(minutes=1))
    body = expect.status(await client.post(f"/promotions/{soon.id}/end", json={"version": 1}, headers=headers), 200,
                         "POST /promotions/{id}/end of a scheduled promotion that started a minute ago (activated "
                         "when loaded, so it can be ended)")
    expect.equal(body.get("status"), "ended", "status after ending a promotion that had started")
    expect.equal(len(events.of_type("promotion.activated")), 2, "promotion.activated events")


@pytest.mark.weight(3)
async def test_only_a_draft_is_deleted(client, events, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    headers = suppliers.as_supplier(acme, settings)
    draft = await promotions.seed_promotion(acme, [tee])
    keep = await promotions.seed_promotion(acme, [tee], status="cancelled")
    expect.status(await client.delete(f"/promotions/{draft.id}", headers=headers), 204,
                  "DELETE /promotions/{id} of a draft by its supplier")
    expect.equal(await promotions.stored(draft), None, "the draft in 'promotions' after DELETE (it is removed)")
    expect.equal([e["data"] for e in events.of_type("promotion.deleted")], [{"id": str(draft.id)}],
                 "data of the promotion.deleted events")
    expect.error(await client.delete(f"/promotions/{draft.id}", headers=headers), 404, "DELETE /promotions/{id} a "
                 "second time", code="not_found")
    expect.error(await client.delete(f"/promotions/{ObjectId()}", headers=headers), 404, "DELETE /promotions/{id} of "
                 "an unknown id", code="not_found")
    for status in ("pending_approval", "active", "cancelled"):
        deal = keep if status == "cancelled" else await promotions.seed_promotion(acme, [tee], status=status)
        expect.error(await client.delete(f"/promotions/{deal.id}", headers=headers), 409,
                     f"DELETE /promotions/{{id}} of a {status} promotion (cancel it instead)", code="state_conflict")
    expect.equal(await promotions.count_promotions(), 3, "documents in 'promotions' after 1 accepted and 3 refused "
                                                         "deletes")
