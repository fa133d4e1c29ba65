"""M07.4 Redelivered and late events (hidden tests)."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import order_events as oe
from grader.testkit import supplier_events as se

pytestmark = pytest.mark.exercise("M07.4")


@pytest.mark.weight(5)
@pytest.mark.must("an event older than the row changes nothing")
def test_a_late_update_does_not_bring_back_old_items(analytics):
    order_id, other_id = pipeline.new_id(), pipeline.new_id()
    watch = oe.Watch(analytics)
    one = [dict(oe.ITEMS[0], quantity=1, total_cents=oe.ITEMS[0]["final_price_cents"])]
    analytics.produce(oe.event(oe.CREATED, order_id, 0), oe.event(oe.UPDATED, order_id, 20, {"items": one}))
    doing = "after order.created with two items and order.updated (20 minutes later) keeping one"
    rows = watch.items(order_id, doing, until=lambda found: len(found) == 1)
    expect.equal([r["item_id"] for r in rows], ["item_1"], f"{doing}: the item_id of its rows in order_items")
    before = oe.snapshot(analytics.mysql, [order_id])
    # Stamped between the two, arriving last: its items and address differ. The same event for another order applies.
    late = {"items": oe.ITEMS, "shipping_address.city": "Hamburg"}
    analytics.produce(oe.event(oe.UPDATED, order_id, 10, late), oe.event(oe.UPDATED, other_id, 10, late))
    doing = "after an order.updated stamped 10 minutes after the create arrived after the one stamped 20 minutes after"
    expect.true(watch.order(other_id, doing) is not None, f"{doing}: the same order.updated for another order made no row")
    expect.equal(oe.snapshot(analytics.mysql, [order_id]), before,
                 f"{doing}: the order's rows in orders and order_items (expected: as the newer event left them)")


@pytest.mark.weight(5)
@pytest.mark.must("an event delivered twice leaves the tables identical")
def test_an_event_applied_again_after_a_crash_leaves_the_tables_identical(new_analytics):
    one, two = pipeline.new_id(), pipeline.new_id()
    batch = [oe.event(oe.CREATED, two, 0), oe.event(oe.CANCELLED, two, 4), oe.event(oe.CREATED, one, 0),
             oe.event(oe.CONFIRMED, one, 5, oe.confirmed(5))]
    last = batch[-1]["event_id"]
    service = new_analytics(env={"ANALYTICS_FAULT": f"kill-after:{last}"})
    service.start()
    watch = oe.Watch(service)
    service.produce(*batch)
    doing = ("after order events whose last, an order.confirmed, was applied (its transaction committed) and the "
             "service was killed before it could commit the offset")
    if not se.wait_fault(service, last):
        raise AssertionError(f"the analytics service was not killed after applying the order.confirmed within "
                             f"{pipeline.ROW_SECONDS:g} s: {watch.problem() or service.reports()}")
    before = oe.snapshot(service.mysql, [one, two])
    expect.equal(sorted((r["order_id"] == one, r["status"]) for r in before["orders"]),
                 [(False, "cancelled"), (True, "confirmed")], f"{doing}: (is the confirmed order, status) in orders")
    expect.equal(service.committed(oe.CONFIRMED), 3, f"{doing}: the offset the service's group committed on the "
                                                     "order topic (the order.confirmed's, 3: to be read again)")
    try:
        service.start()
    except pipeline.ServiceDown as exc:
        raise AssertionError(f"{doing}, starting it again: {exc}") from None
    watch = oe.Watch(service)
    doing = "after the service started again and got that order.confirmed a second time"
    watch.marker(doing)
    expect.equal(oe.snapshot(service.mysql, [one, two]), before,
                 f"{doing}: the rows of orders and order_items (their ids too; expected: as before the crash)")
