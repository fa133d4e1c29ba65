"""M07.4 Redelivered and late events.

To show that an event changed nothing, a test sends a later order.created for a new order (a
marker) and waits for the marker's row: the topic has one partition, so every event sent
before the marker has been handled by then."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import order_events as oe

pytestmark = pytest.mark.exercise("M07.4")


@pytest.mark.weight(5)
@pytest.mark.must("an event older than the row changes nothing")
def test_a_late_created_does_not_undo_a_confirm_or_a_cancel(analytics):
    confirmed_id, cancelled_id = pipeline.new_id(), pipeline.new_id()
    watch = oe.Watch(analytics)
    analytics.produce(oe.event(oe.CREATED, confirmed_id, 0), oe.event(oe.CONFIRMED, confirmed_id, 10, oe.confirmed(10)),
                      oe.event(oe.CREATED, cancelled_id, 0), oe.event(oe.CANCELLED, cancelled_id, 10))
    doing = "after order.created and order.confirmed of one order, order.created and order.cancelled of another"
    row = watch.order(cancelled_id, doing, until=lambda found: found is not None and found["status"] == "cancelled")
    expect.equal(row and row["status"], "cancelled", f"{doing}: the status of the cancelled one")
    before = oe.snapshot(analytics.mysql, [confirmed_id, cancelled_id])
    expect.equal([r["status"] for r in before["orders"] if r["order_id"] == confirmed_id], ["confirmed"],
                 f"{doing}: the status of the confirmed one")
    # Each order's order.created once more (a retried publish, stamped before the confirm and the cancel).
    analytics.produce(oe.event(oe.CREATED, confirmed_id, 0), oe.event(oe.CREATED, cancelled_id, 0))
    doing = "after an order.created of each, stamped before the confirm and the cancel, arrived after them"
    watch.marker(doing)
    expect.equal(oe.snapshot(analytics.mysql, [confirmed_id, cancelled_id]), before,
                 f"{doing}: the rows of orders and order_items for the two (expected: as the confirm and the cancel "
                 "left them)")


@pytest.mark.weight(5)
@pytest.mark.must("an event delivered twice leaves the tables identical")
def test_a_batch_delivered_twice_leaves_the_tables_identical(analytics):
    one, two = pipeline.new_id(), pipeline.new_id()
    kept = [dict(oe.ITEMS[1], quantity=2, total_cents=2 * oe.ITEMS[1]["final_price_cents"])]
    batch = [oe.event(oe.CREATED, one, 0), oe.event(oe.UPDATED, one, 5, {"items": kept}),
             oe.event(oe.CONFIRMED, one, 6, dict(oe.confirmed(6), items=kept)),
             oe.event(oe.CREATED, two, 0), oe.event(oe.CANCELLED, two, 7)]
    watch = oe.Watch(analytics)
    analytics.produce(*batch)
    doing = "after a batch of order events (created, updated, confirmed of one order; created, cancelled of another)"
    row = watch.order(two, doing, until=lambda found: found is not None and found["status"] == "cancelled")
    expect.equal(row and row["status"], "cancelled", f"{doing}: the status of the cancelled order")
    before = oe.snapshot(analytics.mysql, [one, two])
    analytics.produce(*batch)  # the same envelopes again: as a consumer that restarted before its commit sees them
    doing = "after the same batch of order events was delivered a second time"
    watch.marker(doing)
    expect.equal(oe.snapshot(analytics.mysql, [one, two]), before,
                 f"{doing}: the rows of orders and order_items (their ids too) for its orders (expected: as after "
                 "the first delivery)")
