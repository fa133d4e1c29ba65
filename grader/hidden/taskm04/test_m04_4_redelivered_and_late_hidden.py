"""M04.4 Redelivered and late events (hidden tests)."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import product_events as pe
from grader.testkit import supplier_events as se

pytestmark = pytest.mark.exercise("M04.4")


def _rows(analytics, table: str, product_id: str) -> list[dict]:
    return analytics.mysql.query(f"SELECT * FROM {table} WHERE product_id = %s", (product_id,))


@pytest.mark.weight(5)
@pytest.mark.must("a deleted product never comes back")
def test_late_events_do_not_bring_a_deleted_product_back(analytics):
    product_id, other_id = pipeline.new_id(), pipeline.new_id()
    watch = pe.Watch(analytics)
    analytics.produce(pe.event(pe.CREATED, product_id, 0))
    expect.true(watch.product(product_id, "after product.created") is not None,
                f"after product.created of {product_id}, no row in products")
    deleted = analytics.produce(pe.event(pe.DELETED, product_id, 20))[0]
    expect.true(watch.deletion(product_id, "after product.created and product.deleted") is not None,
                "after product.created and product.deleted, no row in product_deletions")
    # One stamped before the delete, one after it (deletion is final); the same for another product is applied.
    analytics.produce(pe.event(pe.UPDATED, product_id, 10, {"name": "Jacket Late"}),
                      pe.event(pe.RESTORED, product_id, 30, {"status": "draft"}),
                      pe.event(pe.RESTORED, other_id, 30, {"status": "draft"}))
    doing = ("after a product.updated stamped before the product.deleted and a product.restored stamped after it "
             "arrived after it")
    expect.true(watch.product(other_id, doing) is not None,
                f"{doing}: the same product.restored for another product made no row")
    expect.equal(_rows(analytics, "products", product_id), [], f"{doing}: the product's rows in products")
    expect.equal(_rows(analytics, "product_variants", product_id), [],
                 f"{doing}: the product's rows in product_variants")
    expect.equal([(r["deleted_at"], r["event_id"]) for r in _rows(analytics, "product_deletions", product_id)],
                 [(pe.utc(deleted["timestamp"]), deleted["event_id"])],
                 f"{doing}: (deleted_at, event_id) of its rows in product_deletions")


@pytest.mark.weight(5)
@pytest.mark.must("an event delivered twice leaves the tables identical")
def test_an_event_applied_again_after_a_crash_leaves_the_tables_identical(new_analytics):
    kept, gone = pipeline.new_id(), pipeline.new_id()
    batch = [pe.event(pe.CREATED, gone, 0), pe.event(pe.DELETED, gone, 5), pe.event(pe.CREATED, kept, 0),
             pe.event(pe.UPDATED, kept, 5, {"name": "Jacket Five"})]
    last = batch[-1]["event_id"]
    service = new_analytics(env={"ANALYTICS_FAULT": f"kill-after:{last}"})
    service.start()
    watch = pe.Watch(service)
    service.produce(*batch)
    doing = ("after product events whose last, a product.updated, was applied (its transaction committed) and the "
             "service was killed before it could commit the offset")
    if not se.wait_fault(service, last):
        raise AssertionError(f"the analytics service was not killed after applying the product.updated within "
                             f"{pipeline.ROW_SECONDS:g} s: {watch.problem() or service.reports()}")
    before = pe.snapshot(service.mysql, [kept, gone])
    expect.equal(([r["name"] for r in before["products"]], len(before["product_variants"]),
                  [r["event_id"] for r in before["product_deletions"]]),
                 (["Jacket Five"], 3, [batch[1]["event_id"]]),
                 f"{doing}: (the names in products, the number of variant rows, the event ids in product_deletions)")
    expect.equal(service.committed(pe.UPDATED), 3, f"{doing}: the offset the service's group committed on the "
                                                   "product topic (the product.updated's, 3: to be read again)")
    try:
        service.start()
    except pipeline.ServiceDown as exc:
        raise AssertionError(f"{doing}, starting it again: {exc}") from None
    watch = pe.Watch(service)
    doing = "after the service started again and got that product.updated a second time"
    watch.marker(doing)
    expect.equal(pe.snapshot(service.mysql, [kept, gone]), before,
                 f"{doing}: the rows of products, product_variants (their ids too) and product_deletions "
                 "(expected: as before the crash)")
