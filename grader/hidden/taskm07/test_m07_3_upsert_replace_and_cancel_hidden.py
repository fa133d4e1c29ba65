"""M07.3 Upsert, replace the items, cancel (hidden tests)."""

from datetime import timedelta, timezone

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import order_events as oe

pytestmark = pytest.mark.exercise("M07.3")


@pytest.mark.weight(5)
@pytest.mark.must("cancelled_at is the cancel event's timestamp")
def test_cancelled_at_is_the_cancel_events_timestamp(analytics):
    order_id = pipeline.new_id()
    watch = oe.Watch(analytics)
    analytics.produce(oe.event(oe.CREATED, order_id, 0))
    expect.true(watch.order(order_id, "after order.created") is not None,
                f"after order.created of {order_id}, no row in orders")
    expect.equal(len(watch.items(order_id, "after order.created", until=lambda found: len(found) == 2)), 2,
                 f"after order.created of {order_id} with two items, its rows in order_items")
    # Sent now, stamped long ago (and written with an offset of +02:00): the consumer's clock is no use here.
    stamp = oe.at(90).astimezone(timezone(timedelta(hours=2))).isoformat()
    body = {"id": order_id, "order_number": oe.number_of(order_id), "reason": None}
    sent = analytics.produce(pipeline.envelope(oe.CANCELLED, order_id, body, timestamp=stamp))[0]
    doing = f"after order.cancelled (no reason) with the timestamp {sent['timestamp']}"
    row = watch.order(order_id, doing, until=lambda found: found is not None and found["status"] == "cancelled")
    moment = oe.utc(sent["timestamp"])
    expect.equal(row and (row["status"], row["cancelled_at"], row["updated_at"], row["cancellation_reason"]),
                 ("cancelled", moment, moment, None),
                 f"{doing}: (status, cancelled_at, updated_at, cancellation_reason) of its row (the event's timestamp, "
                 "in UTC)")


@pytest.mark.weight(2)
def test_a_confirm_of_an_order_not_seen_yet_inserts_it_with_its_items(analytics):
    order_id = pipeline.new_id()
    sent = analytics.produce(oe.event(oe.CONFIRMED, order_id, 10, oe.confirmed(10)))[0]
    doing = "after order.confirmed of an order whose order.created the replica never got"
    watch = oe.Watch(analytics)
    wrong = oe.differences(watch.order(order_id, doing), oe.expected_row(sent))
    expect.true(not wrong, f"{doing}: the row's columns that differ from the event's data: {wrong}")
    rows = watch.items(order_id, doing, until=lambda found: len(found) >= 2)
    wrong = oe.item_differences(rows, oe.expected_items(sent))
    expect.true(not wrong, f"{doing}: its rows in order_items: {wrong}")


@pytest.mark.weight(2)
def test_a_modify_of_the_address_keeps_the_items(analytics):
    order_id = pipeline.new_id()
    watch = oe.Watch(analytics)
    analytics.produce(oe.event(oe.CREATED, order_id, 0))
    first = watch.items(order_id, "after order.created with two items", until=lambda found: len(found) == 2)
    expect.equal([r["item_id"] for r in first], ["item_1", "item_2"],
                 f"after order.created of {order_id}, the item_id of its rows in order_items")
    sent = analytics.produce(oe.event(oe.UPDATED, order_id, 10, {"shipping_address.city": "Potsdam",
                                                                  "shipping_address.zip_code": "14467"}))[0]
    doing = "after order.updated that changed only the shipping address (the same two items)"
    row = watch.order(order_id, doing, until=lambda found: found is not None and found["shipping_city"] == "Potsdam")
    wrong = oe.differences(row, oe.expected_row(sent))
    expect.true(not wrong, f"{doing}: the row's columns that differ from the event's data: {wrong}")
    rows = watch.items(order_id, doing)
    expect.equal(oe.readable(rows), oe.readable(first), f"{doing}: its rows in order_items (the same values)")
