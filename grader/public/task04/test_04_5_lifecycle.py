"""04.5 Lifecycle and delete. Suppliers and products are put straight into the database."""

import pytest

from grader.testkit import expect, products, suppliers

pytestmark = pytest.mark.exercise("04.5")


@pytest.mark.weight(3)
async def test_publish_makes_a_complete_draft_active(client, events, settings):
    acme = await products.seller()
    tee = await products.seed_product(acme, "Harbour Tee")
    body = expect.status(await client.post(f"/products/{tee.id}/publish", headers=suppliers.as_supplier(acme, settings)),
                         200, "POST /products/{id}/publish of a complete draft by its owner")
    expect.equal(body.get("status"), "active", "status after publishing")
    expect.about_now(body.get("published_at"), "published_at after publishing")
    stored = await products.stored(tee)
    expect.equal((stored.status.value, stored.version), ("active", 1),
                 "(status, version) stored after publishing (a move is no edit: the version stays)")
    expect.equal([(e["entity_id"], e["data"].get("status")) for e in events.of_type("product.published")],
                 [(str(tee.id), "active")], "(entity_id, data.status) of the product.published events")
    expect.status(await client.get(f"/products/public/{tee.id}"), 200, "GET /products/public/{id} once published")


@pytest.mark.weight(5)
@pytest.mark.must("a product is published only when it is complete")
async def test_a_product_is_published_only_when_it_is_complete(client, events, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    ready = await products.seed_product(acme, "Ready Tee", variants={"one": {**products.VARIANTS["red-m"], "quantity": 1}})
    expect.status(await client.post(f"/products/{ready.id}/publish", headers=headers), 200,
                  "POST /products/{id}/publish of a draft with an image, a short description and 1 in stock")
    for what, missing, options in (("no primary image", "primary_image_url", {"image": None}),
                                   ("no stock (every variant at 0)", "stock", {"quantity": 0}),
                                   ("a blank short description", "short_description", {"short_description": "  "})):
        draft = await products.seed_product(acme, f"Tee with {what}", **options)
        error = expect.error(await client.post(f"/products/{draft.id}/publish", headers=headers), 409,
                             f"POST /products/{{id}}/publish of a draft with {what}", code="state_conflict")
        expect.equal(error.get("details"), {"missing": [missing]}, f"details of the 409 for a draft with {what}")
        stored = await products.stored(draft)
        expect.equal((stored.status.value, stored.published_at), ("draft", None),
                     f"(status, published_at) of the draft with {what} after the refused publish")
    expect.equal(len(events.of_type("product.published")), 1, "product.published events after one accepted publish")


@pytest.mark.weight(3)
async def test_out_of_stock_discontinue_and_restore(client, events, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    for path, status in (("mark-out-of-stock", "out_of_stock"), ("discontinue", "discontinued"), ("restore", "draft")):
        body = expect.status(await client.post(f"/products/{tee.id}/{path}", headers=headers), 200,
                             f"POST /products/{{id}}/{path}")
        expect.equal(body.get("status"), status, f"status after POST /{path}")
    expect.equal([e["event_type"] for e in events.events if e["event_type"].startswith("product.")],
                 ["product.out_of_stock", "product.discontinued", "product.restored"], "the product events, in order")
    expect.equal(events.of_type("product.restored")[0]["data"].get("status"), "draft", "data.status of product.restored")
    mug = await products.seed_product(acme, "Mug", status="active")
    body = expect.status(await client.post(f"/products/{mug.id}/discontinue", headers=headers), 200,
                         "POST /products/{id}/discontinue of an active product")
    expect.equal(body.get("status"), "discontinued", "status after discontinuing an active product")


@pytest.mark.weight(3)
async def test_delete_is_soft_and_takes_the_product_off_the_supplier(client, events, settings):
    acme = await products.seller()
    headers = suppliers.as_supplier(acme, settings)
    keep = await products.seed_product(acme, "Keep Tee", status="active")
    tee = await products.seed_product(acme, "Harbour Tee", status="active")
    expect.status(await client.delete(f"/products/{tee.id}", headers=headers), 204, "DELETE /products/{id} by its owner")
    stored = await products.stored(tee)
    expect.true(stored is not None, "after DELETE the document is gone from 'products'; a delete must be soft")
    expect.equal(stored.status.value, "deleted", "status stored after DELETE")
    expect.about_now(stored.deleted_at, "deleted_at after DELETE")
    expect.equal(await products.product_ids_of(acme), [str(keep.id)],
                 "the supplier's product_ids after the delete ($pull the deleted product's id)")
    expect.equal([e["data"] for e in events.of_type("product.deleted")], [{"id": str(tee.id)}],
                 "data of the product.deleted events")
    expect.error(await client.delete(f"/products/{tee.id}", headers=headers), 404, "DELETE /products/{id} a second time",
                 code="not_found")
    expect.error(await client.get(f"/products/public/{tee.id}"), 404, "GET /products/public/{id} after the delete",
                 code="not_found")
