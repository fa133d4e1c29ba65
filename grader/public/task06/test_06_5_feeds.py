"""06.5 Feeds. Suppliers, products, users, communities and promotions are put straight into the
database, with dates in the past and the future (nothing waits for the clock)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, communities, expect, paging, products, promotions, suppliers, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("06.5")


def _titles(body) -> list:
    return [item.get("title") for item in (body.get("items") or [])] if isinstance(body, dict) else body


@pytest.mark.weight(5)
@pytest.mark.must("the community feed shows only live promotions")
async def test_the_community_feed_shows_only_live_promotions(client, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    chess = await communities.seed_community(lea, "Chess Night")
    now = utc_now()
    seeds = [("club, active", "active", [club], 1), ("everywhere, active", "active", ["global"], 2),
             ("club and chess, scheduled and started", "scheduled", [chess, club], 3),
             ("chess only", "active", [chess], 4),
             ("club, draft", "draft", [club], 5), ("club, pending", "pending_approval", [club], 6),
             ("club, paused", "paused", [club], 7), ("club, ended", "ended", [club], 8),
             ("club, cancelled", "cancelled", [club], 9)]
    for title, status, scopes, hours in seeds:
        await promotions.seed_promotion(acme, [tee], title=title, status=status, scopes=scopes,
                                        starts_at=now - timedelta(hours=hours))
    await promotions.seed_promotion(acme, [tee], title="club, starts tomorrow", status="scheduled", scopes=[club],
                                    starts_at=now + timedelta(days=1))
    await promotions.seed_promotion(acme, [tee], title="club, over", status="active", scopes=[club],
                                    starts_at=now - timedelta(days=8), ends_at=now - timedelta(minutes=1))
    await promotions.seed_promotion(acme, [tee], title="everywhere, over", status="scheduled",
                                    starts_at=now - timedelta(days=8), ends_at=now - timedelta(minutes=1))
    body = expect.status(await client.get(f"/promotions/community/{club.id}"), 200,
                         "GET /promotions/community/{id} of a public community, without a token")
    expect.equal(_titles(body), ["club, active", "everywhere, active", "club and chess, scheduled and started"],
                 "titles in the club's feed (live: scheduled or active, started and not over, for this community or "
                 "global; newest start first)")
    expect.equal(body.get("next_cursor"), None, "next_cursor of the only page")
    body = expect.status(await client.get(f"/promotions/community/{club.id}", params={"limit": 3}), 200,
                         "GET /promotions/community/{id}?limit=3 over 3 live promotions")
    expect.equal((len(body.get("items") or []), body.get("next_cursor")), (3, None),
                 "(items, next_cursor) of a page that holds exactly the last 3 promotions (no next page)")
    expect.equal(sorted((body.get("items") or [{}])[0].keys()),
                 sorted(["id", "supplier_id", "promotion_type", "title", "description", "product_ids",
                         "discount_percent", "starts_at", "ends_at"]), "the keys of a feed item")
    body = expect.status(await client.get(f"/promotions/community/{chess.id}"), 200, "GET /promotions/community/{id} "
                                                                                     "of the other community")
    expect.equal(_titles(body), ["everywhere, active", "club and chess, scheduled and started", "chess only"],
                 "titles in the chess community's feed")


@pytest.mark.weight(3)
@pytest.mark.ties("GET /promotions/community/{community_id}")
async def test_feed_ties_come_in_id_order(client):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    same_time = utc_now() - timedelta(hours=1)
    ids, order = paging.tied_ids(6)
    names = {}
    for n, promotion_id in enumerate(order):  # for the club or global, scheduled or active: one start time
        await promotions.seed_promotion(acme, [tee], title=f"tied {n}", status="active" if n % 2 else "scheduled",
                                        scopes=[club] if n % 3 else ["global"], starts_at=same_time, id=promotion_id)
        names[str(promotion_id)] = f"tied {n}"
    older = await promotions.seed_promotion(acme, [tee], title="older", status="active", scopes=[club],
                                            starts_at=same_time - timedelta(days=1))
    names[str(older.id)] = "older"
    items = await paging.by_cursor(client, f"/promotions/community/{club.id}", "the community's promotions", limit=2)
    paging.expect_each_once(items, [*reversed(ids), older.id],
                            "GET /promotions/community/{id}, 2 at a time, over 6 live promotions that start in the "
                            "same instant and an older one (newest start first, ties in descending _id order)",
                            names=names)


@pytest.mark.weight(3)
async def test_a_supplier_lists_its_own_promotions(client, settings):
    acme = await products.seller()
    other = await products.seller("sales@other.example", "Other Goods Ltd")
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    theirs = await products.seed_product(other, "Their Tee", status="active")
    start = utc_now() - timedelta(days=2)
    for n, status in enumerate(("draft", "active", "paused", "cancelled", "draft")):
        await promotions.seed_promotion(acme, [tee], title=f"mine {n} {status}", status=status,
                                        created_at=start + timedelta(minutes=n))
    await promotions.seed_promotion(other, [theirs], title="theirs", created_at=start + timedelta(minutes=9))
    headers = suppliers.as_supplier(acme, settings)
    body = expect.status(await client.get("/promotions/mine", headers=headers), 200, "GET /promotions/mine")
    expect.equal(_titles(body), ["mine 4 draft", "mine 3 cancelled", "mine 2 paused", "mine 1 active", "mine 0 draft"],
                 "titles of the supplier's own promotions (every status, newest created first, never another "
                 "supplier's)")
    expect.equal([item.get("version") for item in body.get("items") or []], [1] * 5, "versions in the list")
    items = await paging.by_cursor(client, "/promotions/mine", "the supplier's own promotions", headers=headers,
                                   limit=2)
    expect.equal([item.get("title") for item in items], _titles(body), "titles of the own list read 2 at a time "
                                                                        "with the cursor")
    body = expect.status(await client.get("/promotions/mine", params={"status": ["draft", " Paused "]},
                                          headers=headers), 200, "GET /promotions/mine?status=draft&status= Paused ")
    expect.equal(_titles(body), ["mine 4 draft", "mine 2 paused", "mine 0 draft"], "titles with a status filter")
    error = expect.error(await client.get("/promotions/mine", params={"status": "running"}, headers=headers), 422,
                         "GET /promotions/mine?status=running", code="validation_error")
    expect.equal(error.get("details"), {"field": "status"}, "details of the 422 for an unknown status")
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    expect.error(await client.get("/promotions/mine", headers=tokens.as_user(lea, settings)), 403,
                 "GET /promotions/mine by a user", code="forbidden")
