"""04.6 Stock (hidden tests)."""

import pytest

from grader.testkit import accounts, expect, products, race, suppliers, tokens

pytestmark = pytest.mark.exercise("04.6")


def _path(product, key="red-m"):
    return f"/products/{product.id}/variants/{key}/stock"


@pytest.mark.weight(3)
async def test_unknown_variants_other_suppliers_and_zero_changes_are_refused(client, settings):
    acme = await products.seller()
    other = await products.seller("sales@other.example", "Other Goods Ltd")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    headers = suppliers.as_supplier(acme, settings)
    tee = await products.seed_product(acme, "Harbour Tee", status="discontinued")
    gone = await products.seed_product(acme, "Gone Tee", status="deleted")
    expect.status(await client.post(_path(tee, "blue-l"), json={"change": 2}, headers=headers), 200,
                  "POST /variants/blue-l/stock with change 2 on a discontinued product by its owner")
    for path, payload, status, code, what in (
            (_path(tee, "green-s"), {"change": 1}, 404, "not_found", "an unknown variant key"),
            (_path(tee, "variants"), {"change": 1}, 404, "not_found", "the variant key 'variants'"),
            (_path(gone), {"change": 1}, 404, "not_found", "a deleted product"),
            (_path(tee), {"change": 0}, 422, "validation_error", "change 0"),
            (_path(tee), {"change": "many"}, 422, "validation_error", "change 'many'")):
        expect.error(await client.post(path, json=payload, headers=headers), status, f"POST {path} with {what}", code=code)
    expect.error(await client.post(_path(tee), json={"change": 1}, headers=suppliers.as_supplier(other, settings)), 404,
                 "POST /variants/red-m/stock by another supplier", code="not_found")
    expect.error(await client.post(_path(tee), json={"change": 1}, headers=tokens.as_user(ada, settings)), 403,
                 "POST /variants/red-m/stock by a user, not a supplier", code="forbidden")
    stored = await products.stored(tee)
    expect.equal((stored.variants["red-m"].quantity, stored.variants["blue-l"].quantity), (10, 6),
                 "(red-m, blue-l) quantities after one accepted and seven refused changes")


@pytest.mark.weight(2)
async def test_changes_sent_at_once_each_count(client, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    for round_ in race.rounds():
        tee = await products.seed_product(acme, f"Tee {round_}", status="active", quantity=3)
        changes = [5, -1, 3, -2, 4, 1]
        responses = await race.at_once(client.post(_path(tee), json={"change": c}, headers=headers) for c in changes)
        expect.equal(race.statuses(responses), [200] * 6,
                     f"statuses of 6 stock changes {changes} sent at once to 3 (enough in any order)")
        expect.equal((await products.stored(tee)).variants["red-m"].quantity, 13,
                     f"red-m quantity after changes {changes} at the same moment to 3 (each one counts: $inc, not "
                     "read, add and save)")


@pytest.mark.weight(2)
async def test_a_stock_change_refreshes_updated_at_but_not_the_version(client, settings):
    from datetime import timedelta

    from shared.timeutil import utc_now

    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee", status="active", version=4,
                                      created_at=utc_now() - timedelta(days=2))
    body = expect.status(await client.post(_path(tee), json={"change": -4}, headers=suppliers.as_supplier(acme, settings)),
                         200, "POST /variants/red-m/stock with change -4")
    expect.equal(body.get("version"), 4, "version after a stock change (it was 4)")
    expect.about_now((await products.stored(tee)).updated_at, "updated_at after a stock change (it was 2 days ago)")
    expect.equal((await products.stored(tee)).version, 4, "version stored after a stock change")
