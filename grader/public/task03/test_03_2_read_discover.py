"""03.2 Read and discover. Communities are put straight into the database."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, communities, expect, paging, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("03.2")


async def test_get_by_id_and_by_slug(client):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    for path in (f"/communities/{club.id}", "/communities/slug/garden-club"):
        body = expect.status(await client.get(path), 200, f"GET {path} of a public community, without a token")
        expect.equal((body.get("id"), body.get("slug")), (str(club.id), "garden-club"), f"(id, slug) from GET {path}")
    expect.error(await client.get("/communities/slug/no-such-club"), 404, "GET /communities/slug/{slug} with a slug "
                                                                        "no community has", code="not_found")


async def test_discover_shows_only_active_public_communities(client):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    start = utc_now() - timedelta(hours=1)
    shown = [await communities.seed_community(lea, "Open One", created_at=start),
             await communities.seed_community(lea, "Open Two", created_at=start + timedelta(minutes=1))]
    await communities.seed_community(lea, "Hidden", visibility="private")
    await communities.seed_community(lea, "Archived", status="archived")
    await communities.seed_community(lea, "Suspended", status="suspended")
    await communities.seed_community(lea, "Deleted", deleted=True)
    body = expect.status(await client.get("/communities/discover"), 200, "GET /communities/discover")
    expect.equal([c.get("name") for c in body.get("items", [])], [c.name for c in reversed(shown)],
                 "names in discover (active, public and not deleted only, newest first)")
    expect.equal(body.get("next_cursor"), None, "next_cursor of the only page")


async def test_the_cursor_pages_through_discovery(client):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    clubs = await communities.seed_communities(lea, 5)
    names, cursor, pages = [], None, 0
    while pages < 5:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = expect.status(await client.get("/communities/discover", params=params), 200,
                             f"GET /communities/discover page {pages + 1} with limit=2")
        names += [c.get("name") for c in body.get("items", [])]
        cursor, pages = body.get("next_cursor"), pages + 1
        if not cursor:
            break
    expect.equal((names, pages), ([c.name for c in reversed(clubs)], 3),
                 "(names over all pages, number of pages) of discover with limit=2 over 5 communities")


async def test_a_community_created_between_pages_does_not_shift_the_next_page(client):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    clubs = await communities.seed_communities(lea, 4)
    first = expect.status(await client.get("/communities/discover", params={"limit": 2}), 200,
                          "GET /communities/discover?limit=2")
    expect.true(first.get("next_cursor"), f"discover over 4 communities with limit=2 gave no next_cursor: {first}")
    await communities.seed_community(lea, "Brand New")
    second = expect.status(await client.get("/communities/discover",
                                            params={"limit": 2, "cursor": first["next_cursor"]}), 200,
                           "GET /communities/discover with the first page's cursor")
    expect.equal([c.get("name") for c in second.get("items", [])], [clubs[1].name, clubs[0].name],
                 "names on page 2 after a new community was created between the pages (no repeats, nothing skipped)")
    expect.equal(second.get("next_cursor"), None, "next_cursor of page 2, which ends with the oldest community")


@pytest.mark.ties("GET /communities/discover")
async def test_ties_come_in_id_order_in_every_sort(client):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    fan = await accounts.seed_user("fan@example.com", "Fan")
    same_time = utc_now() - timedelta(hours=1)
    # Five communities alike in created_at, name and member count (names may repeat; slugs may not), stored out
    # of _id order, and one that comes after them in every sort.
    ids, insert_order = paging.tied_ids(5)
    names = {}
    for n, community_id in enumerate(insert_order):
        await communities.seed_community(lea, "Tied Club", slug=f"tied-club-{n}", members=[fan], created_at=same_time,
                                         id=community_id)
        names[str(community_id)] = f"tied-club-{n}"
    last = await communities.seed_community(lea, "Zinnia Club", created_at=same_time - timedelta(days=1))
    names[str(last.id)] = "zinnia-club"
    for sort, order, stated in (("newest", [*reversed(ids), last.id], "newest first, ties in descending _id order"),
                                ("name", [*ids, last.id], "A to Z, ties in ascending _id order"),
                                ("members", [*reversed(ids), last.id], "most members first, ties in descending _id "
                                                                       "order")):
        items = await paging.by_cursor(client, "/communities/discover", f"discover with sort={sort}",
                                       params={"sort": sort}, limit=2)
        paging.expect_each_once(items, order, f"GET /communities/discover?sort={sort}, 2 at a time, over 5 communities "
                                f"that tie on created_at, name and member count and one after them ({stated})",
                                names=names)


@pytest.mark.weight(5)
@pytest.mark.must("a private community is invisible to non-members")
async def test_a_private_community_is_invisible_to_non_members(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    bob = await accounts.seed_user("bob@example.com", "Bob")
    club = await communities.seed_community(lea, "Secret Garden", visibility="private", members=[ada], featured=True)
    for path in (f"/communities/{club.id}", "/communities/slug/secret-garden"):
        body = expect.status(await client.get(path, headers=tokens.as_user(ada, settings)), 200,
                             f"GET {path} of a private community by a member")
        expect.equal(body.get("id"), str(club.id), f"id from GET {path} by a member")
        for headers, who in ((tokens.as_user(bob, settings), "a logged-in non-member"), ({}, "an anonymous caller")):
            expect.error(await client.get(path, headers=headers), 404, f"GET {path} of a private community by {who}",
                         code="not_found")
    body = expect.status(await client.get("/communities/discover"), 200, "GET /communities/discover")
    expect.equal(body.get("items"), [], "items of discover when the only community is private")
    shown = await communities.seed_community(lea, "Open Garden", featured=True)
    body = expect.status(await client.get("/communities/discover?featured=true"), 200,
                         "GET /communities/discover?featured=true")
    expect.equal([item.get("id") for item in body.get("items", [])], [str(shown.id)],
                 "ids discovered with featured=true when a public and a private community are both featured "
                 "(the public one only)")
