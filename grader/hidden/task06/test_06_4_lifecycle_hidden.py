"""06.4 Lifecycle moves (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import expect, products, promotions, race, suppliers
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("06.4")


@pytest.mark.weight(3)
@pytest.mark.race("a move sent several times at the same moment happens once")
async def test_a_move_sent_several_times_at_once_happens_once(client, events, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    headers = suppliers.as_supplier(acme, settings)
    for round_ in race.rounds():
        for move, start, event in (("pause", "active", "promotion.updated"), ("end", "active", "promotion.ended"),
                                   ("cancel", "scheduled", "promotion.cancelled")):
            deal = await promotions.seed_promotion(acme, [tee], status=start, title=f"Deal {round_} {move}",
                                                   starts_at=utc_now() + timedelta(days=1) if start == "scheduled"
                                                   else None)
            path = f"/promotions/{deal.id}/{move}"
            responses = await race.at_once(client.post(path, json={"version": 1}, headers=headers) for _ in range(4))
            expect.equal(race.statuses(responses), [200, 409, 409, 409], f"statuses of 4 POST {path} with version 1 "
                         "sent at the same moment (the move happens once: one conditional update)")
            moved = [e for e in events.of_type(event) if e["entity_id"] == str(deal.id)]
            expect.equal(len(moved), 1, f"{event} events after 4 POST {path} sent at the same moment")
            expect.equal((await promotions.stored(deal)).version, 2, f"version after one {move} of 4")
        deal = await promotions.seed_promotion(acme, [tee], status="active", title=f"Deal {round_} pause or end")
        responses = await race.at_once(client.post(f"/promotions/{deal.id}/{move}", json={"version": 1}, headers=headers)
                                       for move in ("pause", "end"))
        expect.equal(race.statuses(responses), [200, 409], "statuses of POST /promotions/{id}/pause and /end of an "
                     "active promotion with version 1 sent at the same moment")
        codes = [(r.json().get("error") or {}).get("code") for r in responses if r.status_code == 409]
        expect.equal(codes, ["state_conflict"], "code of the 409 of the move that came second (the status moved "
                     "meanwhile: state_conflict, as the order of checks says)")


@pytest.mark.weight(2)
@pytest.mark.race("a started promotion is activated once, also when requests load it at the same moment")
async def test_a_started_promotion_is_activated_once(client, events, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    headers = suppliers.as_supplier(acme, settings)
    for round_ in race.rounds():
        deal = await promotions.seed_promotion(acme, [tee], status="scheduled", title=f"Deal {round_}",
                                               starts_at=utc_now() - timedelta(minutes=10))
        responses = await race.at_once(client.get(f"/promotions/{deal.id}", headers=headers) for _ in range(4))
        expect.equal(race.statuses(responses), [200] * 4, "statuses of 4 GET /promotions/{id} sent at the same moment")
        expect.equal([r.json().get("status") for r in responses], ["active"] * 4,
                     "status in the 4 answers (each sees the promotion activated)")
        activated = [e for e in events.of_type("promotion.activated") if e["entity_id"] == str(deal.id)]
        expect.equal(len(activated), 1, "promotion.activated events after 4 requests loaded the started promotion "
                     "at the same moment (activate with one conditional update; only the request that moved it "
                     "emits)")


@pytest.mark.weight(2)
async def test_resume_follows_the_dates(client, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    headers = suppliers.as_supplier(acme, settings)
    early = await promotions.seed_promotion(acme, [tee], status="paused", starts_at=utc_now() + timedelta(days=2))
    body = expect.status(await client.post(f"/promotions/{early.id}/resume", json={"version": 1}, headers=headers), 200,
                         "POST /promotions/{id}/resume of a paused promotion whose start is in two days")
    expect.equal(body.get("status"), "scheduled", "status after resuming before the start")
    over = await promotions.seed_promotion(acme, [tee], status="paused", starts_at=utc_now() - timedelta(days=3),
                                           ends_at=utc_now() - timedelta(hours=1))
    expect.error(await client.post(f"/promotions/{over.id}/resume", json={"version": 1}, headers=headers), 409,
                 "POST /promotions/{id}/resume of a paused promotion whose end has passed", code="state_conflict")
    later = (utc_now() + timedelta(days=5)).isoformat()
    body = expect.status(await client.patch(f"/promotions/{over.id}", json={"version": 1, "ends_at": later},
                                            headers=headers), 200, "PATCH /promotions/{id} of the paused promotion "
                                                                   "with a new end")
    body = expect.status(await client.post(f"/promotions/{over.id}/resume", json={"version": 2}, headers=headers), 200,
                         "POST /promotions/{id}/resume once the end was moved")
    expect.equal((body.get("status"), body.get("version")), ("active", 3), "(status, version) after resuming")


@pytest.mark.weight(1)
async def test_only_the_owner_activates_a_started_promotion(client, events, settings):
    acme = await products.seller()
    other = await products.seller("sales@other.example", "Other Goods Ltd")
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    seeded = await promotions.seed_promotion(acme, [tee], status="scheduled", created_at=utc_now() - timedelta(days=2),
                                             starts_at=utc_now() - timedelta(minutes=5))
    body = expect.status(await client.get(f"/promotions/{seeded.id}", headers=suppliers.as_supplier(acme, settings)),
                         200, "GET /promotions/{id} by its supplier of a scheduled promotion that started 5 minutes ago")
    expect.equal((body.get("status"), body.get("version")), ("active", 1),
                 "(status, version) once its supplier loaded it (activated, the version as it was)")
    expect.about_now(body.get("updated_at"), "updated_at of the activated promotion, written two days ago (the "
                     "activation refreshes it)")
    deal = await promotions.seed_promotion(acme, [tee], status="scheduled", title="Not yours",
                                           starts_at=utc_now() - timedelta(minutes=5))
    theirs = suppliers.as_supplier(other, settings)
    expect.error(await client.get(f"/promotions/{deal.id}", headers=theirs), 404,
                 "GET /promotions/{id} by another supplier of a started scheduled promotion", code="not_found")
    expect.error(await client.post(f"/promotions/{deal.id}/cancel", json={"version": 1}, headers=theirs), 404,
                 "POST /promotions/{id}/cancel by another supplier of a started scheduled promotion",
                 code="not_found")
    expect.equal((await promotions.stored(deal)).status.value, "scheduled",
                 "stored status after another supplier's GET and cancel (the owner check comes before the "
                 "activation)")
    expect.equal([e["entity_id"] for e in events.of_type("promotion.activated")], [str(seeded.id)],
                 "entity ids of the promotion.activated events (only the owner's GET activates)")
