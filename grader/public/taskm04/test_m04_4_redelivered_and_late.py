"""M04.4 Redelivered and late events.

To show that an event changed nothing, a test sends a later product.created for a new
product (a marker) and waits for the marker's row: the topic has one partition, so every
event sent before the marker has been handled by then."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import product_events as pe

pytestmark = pytest.mark.exercise("M04.4")


@pytest.mark.weight(5)
@pytest.mark.must("an event older than the row changes nothing")
def test_an_older_update_changes_nothing(analytics):
    product_id = pipeline.new_id()
    watch = pe.Watch(analytics)
    analytics.produce(pe.event(pe.CREATED, product_id, 0))
    analytics.produce(pe.event(pe.UPDATED, product_id, 20, {"name": "Jacket Twenty"}))
    row = watch.product(product_id, "after product.created and a newer product.updated",
                        until=lambda found: found is not None and found["name"] == "Jacket Twenty")
    expect.equal(row and row["name"], "Jacket Twenty",
                 "name after product.created and then product.updated (20 minutes later) with 'Jacket Twenty'")
    before = pe.snapshot(analytics.mysql, [product_id])
    # Sent after the newer one, stamped before it: every field differs, and it has other variants.
    older = analytics.produce(pe.event(pe.UPDATED, product_id, 10, dict(pe.NOTHING_OPTIONAL, name="Jacket Ten")))[0]
    doing = (f"after a product.updated stamped {older['timestamp']} (another name, one other variant) arrived after "
             "the newer one")
    watch.marker(doing)
    after = pe.snapshot(analytics.mysql, [product_id])
    expect.equal(after, before, f"{doing}: the product's rows in products and product_variants must stay as the "
                                "newer event left them")


@pytest.mark.weight(5)
@pytest.mark.must("an event delivered twice leaves the tables identical")
def test_a_batch_delivered_twice_leaves_the_tables_identical(analytics):
    kept, gone, plain = pipeline.new_id(), pipeline.new_id(), pipeline.new_id()
    batch = [pe.event(pe.CREATED, kept, 0), pe.event(pe.CREATED, gone, 0),
             pe.event(pe.UPDATED, kept, 5, {"variants": {"one": pe.variant("One", {"size": "One"}, 100, 1)}}),
             pe.event(pe.CREATED, plain, 6, pe.NOTHING_OPTIONAL), pe.event(pe.PUBLISHED, plain, 7),
             pe.event(pe.DELETED, gone, 8)]
    watch = pe.Watch(analytics)
    analytics.produce(*batch)
    doing = "after a batch of product events (two created, an update, another created and published, a delete)"
    expect.true(watch.deletion(gone, doing) is not None, f"{doing}: no row in product_deletions for the deleted product")
    before = pe.snapshot(analytics.mysql, [kept, gone, plain])
    expect.equal(sorted(r["product_id"] for r in before["products"]), sorted([kept, plain]),
                 f"{doing}: the ids in products of the three")
    analytics.produce(*batch)  # the same envelopes again: as a consumer that restarted before its commit sees them
    doing = "after the same batch of product events was delivered a second time"
    watch.marker(doing)
    after = pe.snapshot(analytics.mysql, [kept, gone, plain])
    expect.equal(after, before, f"{doing}: the rows of products, product_variants (their ids too) and "
                                "product_deletions for its products (expected: as after the first delivery)")
