"""06.3 Submit, approve and reject. Suppliers, products, users, communities and promotions are put
straight into the database."""

import pytest

from grader.testkit import accounts, communities, expect, products, promotions, suppliers, tokens

pytestmark = pytest.mark.exercise("06.3")


async def _world():
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    bob = await accounts.seed_user("bob@example.com", "Bob", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    chess = await communities.seed_community(bob, "Chess Night")
    return acme, tee, lea, bob, club, chess


def _approval(body, scope) -> dict:
    return ((body.get("approvals") or {}) if isinstance(body, dict) else {}).get(str(getattr(scope, "id", scope))) or {}


@pytest.mark.weight(4)
async def test_submit_asks_every_scope(client, events, settings):
    acme, tee, lea, bob, club, chess = await _world()
    deal = await promotions.seed_promotion(acme, [tee], scopes=[club, chess], version=2)
    body = expect.status(await client.post(f"/promotions/{deal.id}/submit", json={"version": 2},
                                           headers=suppliers.as_supplier(acme, settings)), 200,
                         "POST /promotions/{id}/submit of a draft for two communities, with version 2")
    expect.equal((body.get("status"), body.get("pending_scopes"), body.get("version"),
                  sorted((body.get("approvals") or {}).keys())),
                 ("pending_approval", 2, 3, sorted([str(club.id), str(chess.id)])),
                 "(status, pending_scopes, version, the scopes in approvals) after submitting")
    expect.equal([_approval(body, s).get("status") for s in (club, chess)], ["pending", "pending"],
                 "approvals.<scope>.status of both scopes after submitting")
    expect.about_now(body.get("submitted_at"), "submitted_at after submitting")
    stored = await promotions.stored(deal)
    expect.equal((stored.status.value, stored.pending_scopes), ("pending_approval", 2), "(status, pending_scopes) stored")
    expect.equal([(e["entity_id"], e["data"].get("status")) for e in events.of_type("promotion.submitted")],
                 [(str(deal.id), "pending_approval")], "(entity_id, data.status) of the promotion.submitted events")


@pytest.mark.weight(4)
async def test_every_scope_approves_then_it_is_scheduled(client, events, settings):
    acme, tee, lea, bob, club, chess = await _world()
    deal = await promotions.seed_promotion(acme, [tee], status="pending_approval", scopes=[club, chess])
    body = expect.status(await client.post(f"/promotions/{deal.id}/approve", json={"scope": str(club.id)},
                                           headers=tokens.as_user(lea, settings)), 200,
                         "POST /promotions/{id}/approve of the Garden Club's scope by its owner")
    expect.equal((body.get("status"), body.get("pending_scopes"), _approval(body, club).get("status"),
                  _approval(body, club).get("decided_by"), _approval(body, chess).get("status")),
                 ("pending_approval", 1, "approved", str(lea.id), "pending"),
                 "(status, pending_scopes, the club's decision and decided_by, the other scope's decision) after "
                 "one of two approvals")
    expect.about_now(_approval(body, club).get("decided_at"), "approvals.<club>.decided_at")
    body = expect.status(await client.post(f"/promotions/{deal.id}/approve", json={"scope": str(chess.id)},
                                           headers=tokens.as_user(bob, settings)), 200,
                         "POST /promotions/{id}/approve of the last pending scope by its community's owner")
    expect.equal((body.get("status"), body.get("pending_scopes"), body.get("version")), ("scheduled", 0, 3),
                 "(status, pending_scopes, version) after the last approval (the promotion is scheduled)")
    expect.about_now(body.get("scheduled_at"), "scheduled_at after the last approval")
    expect.equal([e["data"].get("status") for e in events.of_type("promotion.updated")], ["pending_approval"],
                 "data.status of the promotion.updated events (the first approval)")
    expect.equal([(e["entity_id"], e["data"].get("status")) for e in events.of_type("promotion.approved")],
                 [(str(deal.id), "scheduled")], "(entity_id, data.status) of the promotion.approved events")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    everywhere = await promotions.seed_promotion(acme, [tee], status="pending_approval")
    body = expect.status(await client.post(f"/promotions/{everywhere.id}/approve", json={"scope": "global"},
                                           headers=tokens.as_user(root, settings)), 200,
                         "POST /promotions/{id}/approve of the global scope by a platform admin")
    expect.equal(body.get("status"), "scheduled", "status of a global promotion once an admin approved it")


@pytest.mark.weight(3)
async def test_a_rejection_sends_it_back_to_draft(client, events, settings):
    acme, tee, lea, bob, club, chess = await _world()
    deal = await promotions.seed_promotion(acme, [tee], status="pending_approval", scopes=[club, chess])
    body = expect.status(await client.post(f"/promotions/{deal.id}/reject",
                                           json={"scope": str(club.id), "reason": " Not for gardeners "},
                                           headers=tokens.as_user(lea, settings)), 200,
                         "POST /promotions/{id}/reject of the Garden Club's scope by its owner, with a reason")
    decision = _approval(body, club)
    expect.equal((body.get("status"), decision.get("status"), decision.get("reason"), decision.get("decided_by"),
                  body.get("pending_scopes")), ("draft", "rejected", "Not for gardeners", str(lea.id), 1),
                 "(status, the club's decision, its reason trimmed, decided_by, pending_scopes) after a rejection")
    expect.equal([(e["entity_id"], e["data"].get("status")) for e in events.of_type("promotion.rejected")],
                 [(str(deal.id), "draft")], "(entity_id, data.status) of the promotion.rejected events")
    response = await client.post(f"/promotions/{deal.id}/approve", json={"scope": str(chess.id)},
                                 headers=tokens.as_user(bob, settings))
    expect.error(response, 409, "POST /promotions/{id}/approve of the other scope once the promotion is a draft again",
                 code="state_conflict")
    body = expect.status(await client.post(f"/promotions/{deal.id}/submit", json={"version": body.get("version")},
                                           headers=suppliers.as_supplier(acme, settings)), 200,
                         "POST /promotions/{id}/submit after the rejection (the supplier tries again)")
    expect.equal(([_approval(body, s).get("status") for s in (club, chess)], _approval(body, club).get("reason"),
                  body.get("pending_scopes")), (["pending", "pending"], None, 2),
                 "(the scopes' decisions, the old reason, pending_scopes) after submitting again (a new round)")


@pytest.mark.weight(5)
@pytest.mark.must("only a scope's decider approves or rejects it")
async def test_only_a_scopes_decider_approves_or_rejects_it(client, events, settings):
    acme, tee, lea, bob, club, chess = await _world()
    ada = await accounts.seed_user("ada@example.com", "Ada")
    club.member_ids.append(str(ada.id))
    club.moderator_ids.append(str(ada.id))
    await club.save()
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    both = await promotions.seed_promotion(acme, [tee], status="pending_approval", scopes=[club, chess])
    everywhere = await promotions.seed_promotion(acme, [tee], status="pending_approval")
    expect.status(await client.post(f"/promotions/{both.id}/approve", json={"scope": str(club.id)},
                                    headers=tokens.as_user(lea, settings)), 200,
                  "POST /promotions/{id}/approve of the club's scope by the club's owner")
    before = len(events.events)
    refusals = [(both, str(chess.id), lea, "the owner of another of the promotion's communities"),
                (both, str(chess.id), ada, "a moderator of another of the promotion's communities"),
                (everywhere, "global", lea, "a community's owner, for the global scope"),
                (everywhere, "global", bob, "a leader, for the global scope")]
    for promotion, scope, user, who in refusals:
        for action, extra in (("approve", {}), ("reject", {"reason": "No"})):
            response = await client.post(f"/promotions/{promotion.id}/{action}", json={"scope": scope, **extra},
                                         headers=tokens.as_user(user, settings))
            expect.error(response, 403, f"POST /promotions/{{id}}/{action} of scope {scope!r} by {who}",
                         code="forbidden")
    for action, extra in (("approve", {}), ("reject", {"reason": "No"})):
        response = await client.post(f"/promotions/{everywhere.id}/{action}", json={"scope": "global", **extra},
                                     headers=suppliers.as_supplier(acme, settings))
        expect.error(response, 403, f"POST /promotions/{{id}}/{action} by the promotion's own supplier",
                     code="forbidden")
    states = [(p.status.value, {k: v.status.value for k, v in p.approvals.items()})
              for p in [await promotions.stored(p) for p in (both, everywhere)]]
    expect.equal(states, [("pending_approval", {str(club.id): "approved", str(chess.id): "pending"}),
                          ("pending_approval", {"global": "pending"})],
                 "(status, approvals) of the promotions after the refused decisions")
    expect.equal(len(events.events), before, "events after the refused decisions (none)")
    expect.status(await client.post(f"/promotions/{everywhere.id}/approve", json={"scope": "global"},
                                    headers=tokens.as_user(root, settings)), 200,
                  "POST /promotions/{id}/approve of the global scope by a platform admin")
