"""M04.3 Upsert, replace the variants, hard delete (hidden tests)."""

from datetime import timedelta, timezone

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import product_events as pe

pytestmark = pytest.mark.exercise("M04.3")


@pytest.mark.weight(5)
@pytest.mark.must("deleted_at is the delete event's timestamp")
def test_deleted_at_is_the_delete_events_timestamp(analytics):
    product_id = pipeline.new_id()
    watch = pe.Watch(analytics)
    analytics.produce(pe.event(pe.CREATED, product_id, 0))
    expect.true(watch.product(product_id, "after product.created") is not None,
                f"after product.created of {product_id}, no row in products")
    expect.equal(len(watch.variants(product_id, "after product.created", until=lambda found: len(found) == 3)), 3,
                 f"after product.created of {product_id} with three variants, its rows in product_variants")
    # Sent now, stamped long ago (and written with an offset of +02:00): the consumer's clock is no use here.
    stamp = pe.at(90).astimezone(timezone(timedelta(hours=2))).isoformat()
    deleted = analytics.produce(pipeline.envelope(pe.DELETED, product_id, {"id": product_id}, timestamp=stamp))[0]
    doing = f"after product.deleted with the timestamp {deleted['timestamp']}"
    record = watch.deletion(product_id, doing)
    expect.true(record is not None, f"{doing}: no row in product_deletions {watch.waited()}")
    expect.equal((record["deleted_at"], record["event_id"]), (pe.utc(deleted["timestamp"]), deleted["event_id"]),
                 f"{doing}: (deleted_at, event_id) in product_deletions (deleted_at: the event's timestamp, in UTC)")


@pytest.mark.weight(5)
@pytest.mark.must("a product's variants are exactly the event's")
def test_an_update_without_variants_leaves_none(analytics):
    product_id = pipeline.new_id()
    watch = pe.Watch(analytics)
    analytics.produce(pe.event(pe.CREATED, product_id, 0))
    rows = watch.variants(product_id, "after product.created with three variants", until=lambda found: len(found) == 3)
    expect.equal(len(rows), 3, f"after product.created of {product_id}, its rows in product_variants")
    analytics.produce(pe.event(pe.UPDATED, product_id, 10, {"variants": {}, "name": "Jacket Without Variants"}))
    doing = "after product.updated whose variants map is empty"
    row = watch.product(product_id, doing, until=lambda found: found is not None
                        and found["name"] == "Jacket Without Variants")
    expect.equal(row and row["name"], "Jacket Without Variants", f"{doing}: the product's name")
    rows = watch.variants(product_id, doing, until=lambda found: not found)
    expect.equal(pe.readable(rows), [], f"{doing}: the product's rows in product_variants (none is left)")


@pytest.mark.weight(1)
def test_every_product_event_is_applied(analytics):
    product_id = pipeline.new_id()
    watch = pe.Watch(analytics)
    steps = [(pe.CREATED, "draft"), (pe.PUBLISHED, "active"), (pe.OUT_OF_STOCK, "out_of_stock"),
             (pe.DISCONTINUED, "discontinued"), (pe.RESTORED, "draft"), (pe.UPDATED, "draft")]
    for minutes, (event_type, status) in enumerate(steps):
        sent = analytics.produce(pe.event(event_type, product_id, minutes, {"status": status}))[0]
        doing = f"after {event_type} (status {status!r}), the {minutes + 1}. event of one product"
        row = watch.product(product_id, doing, until=lambda found: found is not None
                            and found["event_id"] == sent["event_id"])
        expect.equal(row and (row["status"], row["event_id"]), (status, sent["event_id"]),
                     f"{doing}: (status, event_id) of its row")
    rows = watch.variants(product_id, "after the six events", until=lambda found: len(found) == 3)
    wrong = pe.variant_differences(rows, pe.expected_variants(sent))
    expect.true(not wrong, f"after the six events, the product's rows in product_variants: {wrong}")
