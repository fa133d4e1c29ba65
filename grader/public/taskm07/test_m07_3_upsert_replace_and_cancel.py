"""M07.3 Upsert, replace the items, cancel."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import order_events as oe

pytestmark = pytest.mark.exercise("M07.3")


@pytest.mark.weight(5)
def test_a_confirm_changes_the_row_and_keeps_created_at(analytics):
    order_id = pipeline.new_id()
    watch = oe.Watch(analytics)
    created = analytics.produce(oe.event(oe.CREATED, order_id, 0))[0]
    expect.true(watch.order(order_id, "after order.created") is not None,
                f"after order.created of {order_id}, no row in orders")
    # The document's created_at never changes in the app; this one says otherwise, and the row keeps its own.
    changes = dict(oe.confirmed(10), created_at="2025-06-01T00:00:00Z")
    sent = analytics.produce(oe.event(oe.CONFIRMED, order_id, 10, changes))[0]
    doing = "after order.created and then order.confirmed (status confirmed, confirmed_at set)"
    row = watch.order(order_id, doing, until=lambda found: found is not None and found["status"] == "confirmed")
    expected = dict(oe.expected_row(sent), created_at=oe.expected_row(created)["created_at"])
    wrong = oe.differences(row, expected)
    expect.true(not wrong, f"{doing}: the row's columns that differ from the event (created_at: the first "
                           f"insert's): {wrong}")
    rows = watch.items(order_id, doing, until=lambda found: len(found) >= 2)
    wrong = oe.item_differences(rows, oe.expected_items(sent))
    expect.true(not wrong, f"{doing}: its rows in order_items: {wrong}")


@pytest.mark.weight(6)
@pytest.mark.must("an order's items are exactly the latest event's")
def test_an_update_replaces_the_items(analytics):
    order_id = pipeline.new_id()
    watch = oe.Watch(analytics)
    analytics.produce(oe.event(oe.CREATED, order_id, 0))
    rows = watch.items(order_id, "after order.created with two items", until=lambda found: len(found) == 2)
    expect.equal([r["item_id"] for r in rows], ["item_1", "item_2"],
                 f"after order.created of {order_id}, the item_id of its rows in order_items")
    # A modify: item_1's quantity changed, item_2 removed.
    kept = [dict(oe.ITEMS[0], quantity=1, total_cents=oe.ITEMS[0]["final_price_cents"])]
    updated = analytics.produce(oe.event(oe.UPDATED, order_id, 10, {"items": kept, "updated_at": "2025-05-24T10:10:00Z"}))[0]
    doing = "after order.updated whose items are only 'item_1' (quantity 1), without 'item_2'"
    rows = watch.items(order_id, doing, until=lambda found: not oe.item_differences(found, oe.expected_items(updated)))
    wrong = oe.item_differences(rows, oe.expected_items(updated))
    expect.true(not wrong, f"{doing}: the order's rows in order_items must be exactly the event's items: {wrong}")
    row = watch.order(order_id, doing)
    expect.equal(row and row["total_cents"], updated["data"]["total_cents"], f"{doing}: total_cents of its row")


@pytest.mark.weight(5)
def test_a_cancel_finds_the_order_by_its_number(analytics):
    order_id, other_id = pipeline.new_id(), pipeline.new_id()
    watch = oe.Watch(analytics)
    analytics.produce(oe.event(oe.CREATED, order_id, 0), oe.event(oe.CREATED, other_id, 0))
    expect.true(watch.order(other_id, "after order.created of two orders") is not None,
                "after order.created of two orders, no row for the second")
    sent = analytics.produce(oe.event(oe.CANCELLED, order_id, 15, reason="found it cheaper"))[0]
    doing = f"after order.cancelled {sent['data']} (of two orders)"
    row = watch.order(order_id, doing, until=lambda found: found is not None and found["status"] == "cancelled")
    moment = oe.utc(sent["timestamp"])
    expect.equal(row and {k: row[k] for k in ("status", "cancellation_reason", "cancelled_at", "updated_at",
                                              "event_id", "event_timestamp")},
                 {"status": "cancelled", "cancellation_reason": "found it cheaper", "cancelled_at": moment,
                  "updated_at": moment, "event_id": sent["event_id"], "event_timestamp": moment},
                 f"{doing}: the cancelled order's columns")
    items = analytics.mysql.query("SELECT item_id FROM order_items WHERE order_id = %s ORDER BY item_id", (order_id,))
    expect.equal([r["item_id"] for r in items], ["item_1", "item_2"], f"{doing}: its items (a cancel keeps them)")
    other = analytics.mysql.query("SELECT status FROM orders WHERE order_id = %s", (other_id,))
    expect.equal([r["status"] for r in other], ["pending"], f"{doing}: the status of the other order")
