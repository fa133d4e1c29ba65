"""M07.2 Flatten an order and its items.

Each test sends one order event, built from a real ``Order`` with ``event_data()`` as the app
sends it, and compares the rows with the doc's tables of columns."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import order_events as oe

pytestmark = pytest.mark.exercise("M07.2")


@pytest.mark.weight(6)
def test_the_order_its_customer_and_shipping_address_become_columns(analytics):
    sent = analytics.produce(oe.event(oe.CREATED, pipeline.new_id(), 3))[0]
    doing = "after order.created of an order with every part filled in"
    row = oe.Watch(analytics).order(sent["entity_id"], doing)
    expect.true(row is not None, f"{doing}: no row in orders with order_id {sent['entity_id']!r} within "
                                 f"{pipeline.ROW_SECONDS:g} s")
    wrong = oe.differences(row, oe.expected_row(sent))
    expect.true(not wrong, f"{doing}, the row's columns that differ from the event's data: {wrong}")
    rows = oe.Watch(analytics).items(sent["entity_id"], doing, until=lambda found: len(found) >= 2)
    expect.equal([r["item_id"] for r in rows], ["item_1", "item_2"], f"{doing}: the item_id of its rows in order_items")


@pytest.mark.weight(6)
def test_each_item_becomes_a_row(analytics):
    sent = analytics.produce(oe.event(oe.CREATED, pipeline.new_id(), 0))[0]
    doing = "after order.created of an order with the items 'item_1' (with a promotion) and 'item_2'"
    rows = oe.Watch(analytics).items(sent["entity_id"], doing, until=lambda found: len(found) >= 2)
    wrong = oe.item_differences(rows, oe.expected_items(sent))
    expect.true(not wrong, f"{doing}, its rows in order_items (variant_attributes read as JSON): {wrong}")
