"""06.5 Feeds (hidden tests)."""

from datetime import timedelta

import pytest
from bson import ObjectId

from grader.testkit import accounts, communities, expect, paging, products, promotions, suppliers, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("06.5")


@pytest.mark.weight(3)
@pytest.mark.ties("GET /promotions/mine")
async def test_own_list_ties_come_in_id_order(client, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    same_time = utc_now() - timedelta(hours=1)
    ids, order = paging.tied_ids(7)
    names = {}
    for n, promotion_id in enumerate(order):
        await promotions.seed_promotion(acme, [tee], title=f"tied {n}", status=("draft", "active", "ended")[n % 3],
                                        created_at=same_time, id=promotion_id)
        names[str(promotion_id)] = f"tied {n}"
    older = await promotions.seed_promotion(acme, [tee], title="older", created_at=same_time - timedelta(days=1))
    names[str(older.id)] = "older"
    items = await paging.by_cursor(client, "/promotions/mine", "the supplier's own promotions", limit=3,
                                   headers=suppliers.as_supplier(acme, settings))
    paging.expect_each_once(items, [*reversed(ids), older.id],
                            "GET /promotions/mine, 3 at a time, over 7 promotions created in the same instant and an "
                            "older one (newest first, ties in descending _id order)", names=names)


@pytest.mark.weight(3)
async def test_who_may_read_a_community_feed(client, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    bob = await accounts.seed_user("bob@example.com", "Bob")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    secret = await communities.seed_community(lea, "Secret Garden", visibility="private", members=[ada])
    archived = await communities.seed_community(lea, "Old Club", status="archived")
    gone = await communities.seed_community(lea, "Gone", deleted=True)
    await promotions.seed_promotion(acme, [tee], title="for the secret garden", status="active", scopes=[secret])
    for headers, who in ((tokens.as_user(ada, settings), "a member"), (tokens.as_user(root, settings), "an admin")):
        body = expect.status(await client.get(f"/promotions/community/{secret.id}", headers=headers), 200,
                             f"GET /promotions/community/{{id}} of a private community by {who}")
        expect.equal([i.get("title") for i in body.get("items") or []], ["for the secret garden"],
                     f"titles seen by {who}")
    for community_id, headers, what in (
            (secret.id, tokens.as_user(bob, settings), "a private community, by a non-member"),
            (secret.id, {}, "a private community, without a token"),
            (secret.id, suppliers.as_supplier(acme, settings), "a private community, by a supplier (never a member)"),
            (gone.id, {}, "a deleted community"), (ObjectId(), {}, "an unknown id"), ("abc", {}, "the id 'abc'")):
        expect.error(await client.get(f"/promotions/community/{community_id}", headers=headers), 404,
                     f"GET /promotions/community/{{id}} of {what}", code="not_found")
    body = expect.status(await client.get(f"/promotions/community/{archived.id}"), 200,
                         "GET /promotions/community/{id} of an archived public community")
    expect.equal(body.get("items"), [], "items of a community without promotions")


@pytest.mark.weight(2)
async def test_bad_cursors_and_limits(client, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    start = utc_now() - timedelta(days=1)
    for i in range(102):
        await promotions.seed_promotion(acme, [tee], title=f"deal {i}", status="active", scopes=[club],
                                        starts_at=start + timedelta(minutes=i), created_at=start)
    headers = suppliers.as_supplier(acme, settings)
    body = expect.status(await client.get(f"/promotions/community/{club.id}", params={"limit": 500}), 200,
                         "GET /promotions/community/{id}?limit=500 with 102 live promotions")
    expect.equal((len(body.get("items") or []), bool(body.get("next_cursor"))), (100, True),
                 "(items, has next_cursor) when asking for 500 (a page is capped at 100)")
    feed_page = expect.status(await client.get(f"/promotions/community/{club.id}", params={"limit": 1}), 200,
                              "GET /promotions/community/{id}?limit=1")
    mine_page = expect.status(await client.get("/promotions/mine", params={"limit": 1}, headers=headers), 200,
                              "GET /promotions/mine?limit=1")
    expect.equal([len(page.get("items") or []) for page in (feed_page, mine_page)], [1, 1],
                 "items on a page of each list asked for with limit=1")
    for path, cursor, what, request_headers in (
            (f"/promotions/community/{club.id}", "not-a-cursor", "not base64 JSON", {}),
            (f"/promotions/community/{club.id}", "e30=", "an empty object", {}),
            (f"/promotions/community/{club.id}", mine_page.get("next_cursor") or "x", "a cursor of the own list", {}),
            ("/promotions/mine", "not-a-cursor", "not base64 JSON", headers),
            ("/promotions/mine", feed_page.get("next_cursor") or "x", "a cursor of the community feed", headers)):
        error = expect.error(await client.get(path, params={"cursor": cursor}, headers=request_headers), 422,
                             f"GET {path} with {what} as cursor", code="validation_error")
        expect.equal(error.get("details"), {"field": "cursor"}, f"details of the error for {what}")
    expect.error(await client.get(f"/promotions/community/{club.id}", params={"limit": 0}), 422,
                 "GET /promotions/community/{id}?limit=0", code="validation_error")


@pytest.mark.weight(1)
async def test_an_empty_or_blank_status_filter_is_refused(client, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    deal = await promotions.seed_promotion(acme, [tee], status="paused")
    headers = suppliers.as_supplier(acme, settings)
    body = expect.status(await client.get("/promotions/mine", params={"status": " Paused "}, headers=headers), 200,
                         "GET /promotions/mine?status=%20Paused%20 (trimmed, lower-cased)")
    expect.equal([item.get("id") for item in body.get("items") or []], [str(deal.id)],
                 "ids listed for status ' Paused '")
    for sent, what in (("", "an empty status"), ("   ", "a blank status")):
        error = expect.error(await client.get("/promotions/mine", params={"status": sent}, headers=headers), 422,
                             f"GET /promotions/mine with {what}", code="validation_error")
        expect.equal(error.get("details"), {"field": "status"}, f"details of the 422 for {what}")
