"""Ordered listings with ties, for scoring rule 7 (grader/checks/scoring.py): put items that tie
on the sort key into the database out of ``_id`` order, page through the listing with a
small limit, and expect each item exactly once, in the stated tiebreak order.

Why out of order: a sort without its ``_id`` tiebreak returns tied items in the order the
database happens to hold them, which for items inserted one after another is often ``_id``
order; inserting them in another order makes a missing tiebreak show.
"""

from collections.abc import Callable

import httpx
from bson import ObjectId

from grader.testkit import expect

MAX_PAGES = 50


def tied_ids(count: int) -> tuple[list[ObjectId], list[ObjectId]]:
    """``count`` ObjectIds: (in ascending order, in the order to insert them). The insertion
    order puts the middle first and alternates outwards, so it is neither ``_id`` order nor
    its reverse."""
    ids = sorted(ObjectId() for _ in range(count))
    middle = count // 2
    order = [ids[middle]]
    for step in range(1, count):
        for index in (middle - step, middle + step):
            if 0 <= index < count:
                order.append(ids[index])
    return ids, order


async def by_cursor(client: httpx.AsyncClient, path: str, doing: str, *, params: dict | None = None,
                    headers: dict | None = None, limit: int = 2) -> list[dict]:
    """Every item of a cursor-paged listing ({"items", "next_cursor"}), page by page."""
    items, cursor = [], None
    for page in range(1, MAX_PAGES + 1):
        query = {**(params or {}), "limit": limit, **({"cursor": cursor} if cursor else {})}
        body = expect.status(await client.get(path, params=query, headers=headers), 200,
                             f"{doing}: GET {path} page {page} (limit={limit})")
        expect.true(isinstance(body, dict) and isinstance(body.get("items"), list),
                    f"{doing}: page {page} is not {{'items': [...], 'next_cursor': ...}}: {str(body)[:200]}")
        expect.true(len(body["items"]) <= limit, f"{doing}: page {page} holds {len(body['items'])} items, "
                                                 f"more than limit={limit}")
        items += body["items"]
        cursor = body.get("next_cursor")
        if not cursor:
            return items
    raise AssertionError(f"{doing}: still a next_cursor after {MAX_PAGES} pages of {limit}")


async def by_skip(client: httpx.AsyncClient, path: str, doing: str, *, params: dict | None = None,
                  headers: dict | None = None, limit: int = 2) -> list[dict]:
    """Every item of a listing paged with skip and limit, until a page comes back short."""
    items = []
    for page in range(MAX_PAGES):
        query = {**(params or {}), "skip": page * limit, "limit": limit}
        body = expect.status(await client.get(path, params=query, headers=headers), 200,
                             f"{doing}: GET {path}?skip={page * limit}&limit={limit}")
        expect.true(isinstance(body, list), f"{doing}: expected a JSON list, got {str(body)[:200]}")
        items += body
        if len(body) < limit:
            return items
    raise AssertionError(f"{doing}: still full pages after {MAX_PAGES} pages of {limit}")


def expect_each_once(items: list[dict], expected: list, doing: str, key: Callable[[dict], object] | None = None,
                     names: dict | None = None) -> None:
    """The items' ids (``key``, default item["id"]) are exactly ``expected``, in that order:
    each once, none skipped. ``names`` maps ids to what the message calls them."""
    key = key or (lambda item: item.get("id"))
    got = [str(key(item)) for item in items]
    want = [str(x) for x in expected]
    if got == want:
        return
    label = (lambda i: (names or {}).get(i, i))
    repeated = sorted({label(i) for i in got if got.count(i) > 1})
    skipped = [label(i) for i in want if i not in got]
    problems = ([f"repeated {repeated}"] if repeated else []) + ([f"skipped {skipped}"] if skipped else [])
    if not problems:
        problems = ["each item once, but not in the stated order (ties are broken by _id)"]
    raise AssertionError(f"{doing}: expected {[label(i) for i in want]}, got {[label(i) for i in got]}: "
                         + "; ".join(problems))
