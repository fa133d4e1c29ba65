"""04.5 Lifecycle and delete (hidden tests)."""

import pytest

from grader.testkit import accounts, expect, products, race, suppliers, tokens

pytestmark = pytest.mark.exercise("04.5")


@pytest.mark.weight(3)
@pytest.mark.race("a lifecycle move sent several times at the same moment happens once")
async def test_refused_moves_are_409_and_a_move_happens_once(client, events, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    draft = await products.seed_product(acme, "Draft Tee")
    live = await products.seed_product(acme, "Live Tee", status="active")
    expect.status(await client.post(f"/products/{live.id}/mark-out-of-stock", headers=headers), 200,
                  "POST /mark-out-of-stock of an active product")
    for product, path, status in ((live, "publish", "out_of_stock"), (live, "mark-out-of-stock", "out_of_stock"),
                                  (draft, "mark-out-of-stock", "draft"), (draft, "discontinue", "draft"),
                                  (draft, "restore", "draft")):
        expect.error(await client.post(f"/products/{product.id}/{path}", headers=headers), 409,
                     f"POST /products/{{id}}/{path} of a product that is {status}", code="state_conflict")
        expect.equal((await products.stored(product)).status.value, status, f"status after the refused /{path}")
    # The same rule when the requests race: each may read the status before one changes it.
    for round_ in race.rounds():
        rush = await products.seed_product(acme, f"Rush {round_}")
        for path, event in (("publish", "product.published"), ("discontinue", "product.discontinued"),
                            ("restore", "product.restored")):
            responses = await race.at_once(client.post(f"/products/{rush.id}/{path}", headers=headers) for _ in range(4))
            expect.equal(race.statuses(responses), [200, 409, 409, 409], f"statuses of 4 POST /products/{{id}}/{path} "
                         "sent at the same moment (the move happens once: one conditional update on the status)")
            moved = [e for e in events.of_type(event) if e["entity_id"] == str(rush.id)]
            expect.equal(len(moved), 1, f"{event} events after 4 POST /{path} sent at the same moment")
        # A delete is a move too: sent three times at the same moment, it happens once.
        responses = await race.at_once(client.delete(f"/products/{rush.id}", headers=headers) for _ in range(3))
        expect.equal(race.statuses(responses), [204, 404, 404], "statuses of 3 DELETE /products/{id} sent at the "
                     "same moment (one conditional update on the status; the others find it deleted)")
        deleted = [e for e in events.of_type("product.deleted") if e["entity_id"] == str(rush.id)]
        expect.equal(len(deleted), 1, "product.deleted events after 3 DELETE sent at the same moment")


@pytest.mark.weight(1)
async def test_a_deleted_product_is_gone_for_good(client, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    empty = await products.seed_product(acme, "Empty Tee", status="out_of_stock")
    expect.status(await client.delete(f"/products/{empty.id}", headers=headers), 204,
                  "DELETE /products/{id} of an out-of-stock product")
    for path in ("publish", "restore", "discontinue", "mark-out-of-stock"):
        expect.error(await client.post(f"/products/{empty.id}/{path}", headers=headers), 404,
                     f"POST /products/{{id}}/{path} of a deleted product", code="not_found")
    expect.error(await client.get(f"/products/{empty.id}", headers=headers), 404,
                 "GET /products/{id} of a deleted product by its owner", code="not_found")
    stored = await products.stored(empty)
    expect.equal((stored.status.value, await products.product_ids_of(acme)), ("deleted", []),
                 "(status, the supplier's product_ids) after the delete")


async def test_only_the_owner_moves_or_deletes(client, settings):
    acme = await products.seller()
    other = await products.seller("sales@other.example", "Other Goods Ltd")
    ada = await accounts.seed_user("ada@example.com", "Ada")
    mine = await products.seed_product(acme, "Mine")
    expect.status(await client.post(f"/products/{mine.id}/publish", headers=suppliers.as_supplier(acme, settings)), 200,
                  "POST /products/{id}/publish by its owner")
    for path in ("discontinue", "mark-out-of-stock"):
        expect.error(await client.post(f"/products/{mine.id}/{path}", headers=suppliers.as_supplier(other, settings)),
                     404, f"POST /products/{{id}}/{path} by another supplier", code="not_found")
    expect.error(await client.delete(f"/products/{mine.id}", headers=suppliers.as_supplier(other, settings)), 404,
                 "DELETE /products/{id} by another supplier", code="not_found")
    expect.error(await client.delete(f"/products/{mine.id}", headers=tokens.as_user(ada, settings)), 403,
                 "DELETE /products/{id} by a user, not a supplier", code="forbidden")
    expect.equal(((await products.stored(mine)).status.value, await products.product_ids_of(acme)),
                 ("active", [str(mine.id)]), "(status, product_ids) after refused moves and deletes")


@pytest.mark.weight(1)
async def test_publishing_checks_the_start_status_before_completeness(client, events, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    ready = await products.seed_product(acme, "Ready Tee")
    expect.status(await client.post(f"/products/{ready.id}/publish", headers=headers), 200,
                  "POST /products/{id}/publish of a complete draft")
    blank = await products.seed_product(acme, "Blank Image Tee", image="   ")
    error = expect.error(await client.post(f"/products/{blank.id}/publish", headers=headers), 409,
                         "POST /products/{id}/publish of a draft whose primary_image_url is blank",
                         code="state_conflict")
    expect.equal(error.get("details"), {"missing": ["primary_image_url"]},
                 "details of the 409 for a blank primary_image_url (blank counts as missing)")
    for status in ("active", "out_of_stock"):
        bare = await products.seed_product(acme, f"Bare {status}", status=status, image=None, quantity=0,
                                           short_description="")
        error = expect.error(await client.post(f"/products/{bare.id}/publish", headers=headers), 409,
                             f"POST /products/{{id}}/publish of a product that is {status} and lacks an image, stock "
                             "and a short description", code="state_conflict")
        expect.equal(error.get("details"), None, f"details of the 409 for publishing a product that is {status} (the "
                     "start status is checked first, and a refused move has no details)")
        expect.equal((await products.stored(bare)).status.value, status, f"status of the {status} product after it")
    expect.equal(len(events.of_type("product.published")), 1, "product.published events after one accepted publish")
