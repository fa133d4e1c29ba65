"""06.3 Submit, approve and reject (hidden tests)."""

from datetime import timedelta

import pytest
from bson import ObjectId

from grader.testkit import accounts, communities, expect, products, promotions, race, suppliers, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("06.3")


@pytest.mark.weight(4)
@pytest.mark.race("approvals of two scopes sent at the same moment both count, and the promotion is scheduled once")
async def test_approvals_sent_at_the_same_moment_all_count(client, events, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    owners = [await accounts.seed_user(f"owner{i}@example.com", f"Owner {i}", role="leader") for i in range(3)]
    clubs = [await communities.seed_community(owner, f"Club {i}") for i, owner in enumerate(owners)]
    for round_ in race.rounds():
        deal = await promotions.seed_promotion(acme, [tee], status="pending_approval", scopes=clubs,
                                               title=f"Deal {round_}")
        responses = await race.at_once(
            client.post(f"/promotions/{deal.id}/approve", json={"scope": str(club.id)},
                        headers=tokens.as_user(owner, settings)) for owner, club in zip(owners, clubs))
        expect.equal(race.statuses(responses), [200, 200, 200], "statuses of the approvals of 3 scopes by their 3 "
                     "owners sent at the same moment (each decides its own scope: all count)")
        stored = await promotions.stored(deal)
        expect.equal((stored.status.value, stored.pending_scopes, sorted(a.status.value for a in stored.approvals.values()),
                      stored.version),
                     ("scheduled", 0, ["approved"] * 3, 4),
                     "(status, pending_scopes, the 3 decisions, version) stored after 3 approvals at the same moment "
                     "(update one dotted path per scope with $inc, never save the whole document)")
        approved = [e for e in events.of_type("promotion.approved") if e["entity_id"] == str(deal.id)]
        expect.equal(len(approved), 1, "promotion.approved events of the promotion (it is scheduled once)")


@pytest.mark.weight(3)
@pytest.mark.race("one scope decided several times at the same moment is decided once")
async def test_one_scope_decided_at_the_same_moment_is_decided_once(client, events, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    club = await communities.seed_community(lea, "Garden Club")
    chess = await communities.seed_community(lea, "Chess Night")
    for round_ in race.rounds():
        deal = await promotions.seed_promotion(acme, [tee], status="pending_approval", scopes=[club, chess],
                                               title=f"Deal {round_}")
        sends = [(lea, "approve"), (root, "approve"), (lea, "reject"), (root, "reject")]
        responses = await race.at_once(
            client.post(f"/promotions/{deal.id}/{action}", headers=tokens.as_user(user, settings),
                        json={"scope": str(club.id), **({"reason": "No"} if action == "reject" else {})})
            for user, action in sends)
        expect.equal(race.statuses(responses), [200, 409, 409, 409], "statuses of 2 approvals and 2 rejections of one "
                     "scope sent at the same moment (decide with one conditional update on approvals.<scope>.status)")
        stored = await promotions.stored(deal)
        expect.equal((stored.pending_scopes, stored.version), (1, 2),
                     "(pending_scopes, version) stored after one scope of two was decided once")
        decided = [e for e in events.events if e["entity_id"] == str(deal.id)]
        expect.equal(len(decided), 1, "events of the promotion after the decisions sent at the same moment")


@pytest.mark.weight(2)
async def test_decisions_and_submissions_in_the_wrong_state(client, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    chess = await communities.seed_community(lea, "Chess Night")
    owner, supplier = tokens.as_user(lea, settings), suppliers.as_supplier(acme, settings)
    pending = await promotions.seed_promotion(acme, [tee], status="pending_approval", scopes=[club, chess])
    expect.status(await client.post(f"/promotions/{pending.id}/approve", json={"scope": str(club.id)},
                                    headers=owner), 200, "POST /promotions/{id}/approve of a pending scope")
    draft = await promotions.seed_promotion(acme, [tee], scopes=[club])
    scheduled = await promotions.seed_promotion(acme, [tee], status="scheduled", scopes=[club],
                                                starts_at=utc_now() + timedelta(days=1))
    for promotion, scope, what in ((pending, str(club.id), "a scope decided already"),
                                   (draft, str(club.id), "a draft"), (scheduled, str(club.id), "a scheduled promotion")):
        for action, extra in (("approve", {}), ("reject", {"reason": "No"})):
            response = await client.post(f"/promotions/{promotion.id}/{action}", json={"scope": scope, **extra},
                                         headers=owner)
            expect.error(response, 409, f"POST /promotions/{{id}}/{action} of {what}", code="state_conflict")
    response = await client.post(f"/promotions/{pending.id}/approve", json={"scope": "global"}, headers=owner)
    error = expect.error(response, 422, "POST /promotions/{id}/approve of a scope the promotion does not have",
                         code="validation_error")
    expect.equal(error.get("details"), {"field": "scope"}, "details of the 422 for an unknown scope")
    expect.error(await client.post(f"/promotions/{ObjectId()}/approve", json={"scope": "global"}, headers=supplier),
                 403, "POST /promotions/{id}/approve of an unknown promotion by a supplier (the caller is checked "
                 "before the promotion)", code="forbidden")
    started = await promotions.seed_promotion(acme, [tee], status="scheduled", scopes=[club],
                                              starts_at=utc_now() - timedelta(minutes=5))
    expect.error(await client.post(f"/promotions/{started.id}/approve", json={"scope": str(club.id)}, headers=owner),
                 409, "POST /promotions/{id}/approve by its decider of a scheduled promotion that started 5 minutes "
                 "ago", code="state_conflict")
    expect.equal((await promotions.stored(started)).status.value, "active",
                 "stored status of that promotion afterwards (loaded by its decider, so activated)")
    expect.error(await client.post(f"/promotions/{pending.id}/reject", json={"scope": str(chess.id), "reason": "  "},
                                   headers=owner), 422, "POST /promotions/{id}/reject with a blank reason",
                 code="validation_error")
    for promotion, sent, code, what in ((pending, {"version": 2}, "state_conflict", "a pending promotion"),
                                        (draft, {"version": 7}, "version_conflict", "a draft with a stale version")):
        expect.error(await client.post(f"/promotions/{promotion.id}/submit", json=sent, headers=supplier), 409,
                     f"POST /promotions/{{id}}/submit of {what}", code=code)
    over = await promotions.seed_promotion(acme, [tee], starts_at=utc_now() - timedelta(days=3),
                                           ends_at=utc_now() - timedelta(days=1))
    expect.error(await client.post(f"/promotions/{over.id}/submit", json={"version": 1}, headers=supplier), 409,
                 "POST /promotions/{id}/submit of a draft whose end has passed", code="state_conflict")
    stored = [(await promotions.stored(p)).status.value for p in (pending, draft, over)]
    expect.equal(stored, ["pending_approval", "draft", "draft"], "statuses after the refused requests")
