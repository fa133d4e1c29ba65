"""03.2 Read and discover (hidden tests)."""

from datetime import timedelta

import pytest
from bson import ObjectId

from grader.testkit import accounts, communities, expect, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("03.2")


async def _names(client, params, doing):
    body = expect.status(await client.get("/communities/discover", params=params), 200, doing)
    return [c.get("name") for c in body.get("items", [])]


async def test_filters_take_any_of_several_categories_or_tags(client):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    start = utc_now() - timedelta(hours=1)
    await communities.seed_community(lea, "Roses", category="gardening", tags=["flowers"], created_at=start)
    await communities.seed_community(lea, "Chess", category="games", tags=["strategy"],
                                     created_at=start + timedelta(minutes=1))
    await communities.seed_community(lea, "Bread", category="food", tags=["baking", "flowers"],
                                     created_at=start + timedelta(minutes=2))
    names = await _names(client, [("category", "gardening"), ("category", "games")],
                         "GET /communities/discover?category=gardening&category=games")
    expect.equal(names, ["Chess", "Roses"], "names for category in [gardening, games]")
    names = await _names(client, [("tag", "flowers")], "GET /communities/discover?tag=flowers")
    expect.equal(names, ["Bread", "Roses"], "names for tag flowers")
    names = await _names(client, [("tag", "strategy"), ("tag", "baking")], "GET /communities/discover?tag=strategy&tag=baking")
    expect.equal(names, ["Bread", "Chess"], "names for tag in [strategy, baking]")
    names = await _names(client, [("category", " Gardening"), ("tag", "FLOWERS")],
                         "GET /communities/discover?category=%20Gardening&tag=FLOWERS")
    expect.equal(names, ["Roses"], "names for category ' Gardening' and tag 'FLOWERS' (values trimmed and lower-cased; "
                 "a community must pass both filters: Bread carries the tag but is in food)")


async def test_sort_by_name_and_by_members_with_a_cursor(client):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    fans = [await accounts.seed_user(f"fan{i}@example.com") for i in range(3)]
    await communities.seed_community(lea, "Beta", members=fans[:1])
    await communities.seed_community(lea, "Alpha", members=fans)
    await communities.seed_community(lea, "Gamma", members=fans[:2])
    first = expect.status(await client.get("/communities/discover", params={"sort": "name", "limit": 2}), 200,
                          "GET /communities/discover?sort=name&limit=2")
    rest = await _names(client, {"sort": "name", "limit": 2, "cursor": first.get("next_cursor") or ""},
                        "GET /communities/discover?sort=name with the next cursor")
    expect.equal([c.get("name") for c in first.get("items", [])] + rest, ["Alpha", "Beta", "Gamma"],
                 "names over two pages sorted by name")
    names = await _names(client, {"sort": "members"}, "GET /communities/discover?sort=members")
    expect.equal(names, ["Alpha", "Gamma", "Beta"], "names sorted by members (4, 3 and 2 members)")


async def test_featured_filter_and_a_bad_cursor(client):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    await communities.seed_community(lea, "Plain")
    await communities.seed_community(lea, "Star", featured=True)
    expect.equal(await _names(client, {"featured": "true"}, "GET /communities/discover?featured=true"), ["Star"],
                 "names of featured communities")
    # Not base64 JSON; an empty object; a well-formed cursor whose id is no ObjectId, or null.
    for cursor in ("not-a-cursor", "e30=", "eyJzIjogIm5ld2VzdCIsICJ2IjogIjIwMjYtMDEtMDFUMDA6MDA6MDArMDA6MDAiLCAiaWQiOiAiYWJjIn0=",
                   "eyJzIjogIm5ld2VzdCIsICJ2IjogIjIwMjYtMDEtMDFUMDA6MDA6MDArMDA6MDAiLCAiaWQiOiBudWxsfQ=="):
        response = await client.get("/communities/discover", params={"cursor": cursor})
        error = expect.error(response, 422, f"GET /communities/discover?cursor={cursor}", code="validation_error")
        expect.equal(error.get("details"), {"field": "cursor"}, f"details of the error for the cursor {cursor!r}")
    error = expect.error(await client.get("/communities/discover", params={"sort": "oldest"}), 422,
                         "GET /communities/discover?sort=oldest", code="validation_error")
    expect.equal(error.get("details"), {"field": "sort"}, "details of the error for sort=oldest")
    page = expect.status(await client.get("/communities/discover", params={"sort": "newest", "limit": 1}), 200,
                         "GET /communities/discover?sort=newest&limit=1")
    response = await client.get("/communities/discover", params={"sort": "name", "cursor": page.get("next_cursor")})
    expect.error(response, 422, "GET /communities/discover?sort=name with a cursor made for sort=newest",
                 code="validation_error")
    response = await client.get("/communities/discover", params={"sort": "loudest"})
    expect.error(response, 422, "GET /communities/discover?sort=loudest", code="validation_error")
    await communities.seed_communities(lea, 100, prefix="Crowd")
    body = expect.status(await client.get("/communities/discover", params={"limit": 500}), 200,
                         "GET /communities/discover?limit=500 with 102 communities to show")
    expect.equal((len(body.get("items", [])), bool(body.get("next_cursor"))), (100, True),
                 "(items, has next_cursor) when asking for 500 (a page is capped at 100)")


async def test_missing_deleted_and_malformed_ids_are_not_found(client):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    live = await communities.seed_community(lea, "Live")
    gone = await communities.seed_community(lea, "Gone", deleted=True)
    expect.status(await client.get(f"/communities/{live.id}"), 200, "GET /communities/{id} of a live community")
    for path, what in ((f"/communities/{gone.id}", "a deleted community"), ("/communities/slug/gone", "a deleted "
                       "community's slug"), (f"/communities/{ObjectId()}", "an unknown id"),
                       ("/communities/abc", "'abc'")):
        expect.error(await client.get(path), 404, f"GET {path} ({what})", code="not_found")


async def test_an_admin_and_the_owner_see_a_private_community(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    club = await communities.seed_community(lea, "Secret Garden", visibility="private")
    for user, who in ((lea, "its owner"), (root, "an admin")):
        body = expect.status(await client.get(f"/communities/{club.id}", headers=tokens.as_user(user, settings)), 200,
                             f"GET /communities/{{id}} of a private community by {who}")
        expect.equal(body.get("visibility"), "private", f"visibility seen by {who}")
    expect.error(await client.get(f"/communities/{club.id}"), 404, "GET /communities/{id} of a private community "
                                                                   "anonymously", code="not_found")
