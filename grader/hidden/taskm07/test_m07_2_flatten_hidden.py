"""M07.2 Flatten an order and its items (hidden tests)."""

from datetime import datetime

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import order_events as oe

pytestmark = pytest.mark.exercise("M07.2")


def _row_of(analytics, sent: dict, doing: str) -> dict:
    row = oe.Watch(analytics).order(sent["entity_id"], doing)
    expect.true(row is not None, f"{doing}: no row in orders with order_id {sent['entity_id']!r} within "
                                 f"{pipeline.ROW_SECONDS:g} s")
    return row


@pytest.mark.weight(3)
def test_times_with_an_offset_are_stored_as_utc(analytics):
    order_id = pipeline.new_id()
    data = oe.document(order_id, {"created_at": "2025-03-01T12:00:00.250000+02:00", "status": "confirmed",
                                  "confirmed_at": "2025-03-02T08:30:00",  # no offset: already UTC
                                  "updated_at": "2025-03-02T08:30:00Z"})
    sent = analytics.produce(pipeline.envelope(oe.CONFIRMED, order_id, data,
                                               timestamp="2025-03-02T04:45:00.500000-05:00"))[0]
    doing = ("after order.confirmed with created_at '2025-03-01T12:00:00.250000+02:00', confirmed_at "
             "'2025-03-02T08:30:00', updated_at '2025-03-02T08:30:00Z' and the event timestamp "
             "'2025-03-02T04:45:00.500000-05:00'")
    row = _row_of(analytics, sent, doing)
    expect.equal((row["created_at"], row["confirmed_at"], row["updated_at"], row["event_timestamp"]),
                 (datetime(2025, 3, 1, 10, 0, 0, 250000), datetime(2025, 3, 2, 8, 30), datetime(2025, 3, 2, 8, 30),
                  datetime(2025, 3, 2, 9, 45, 0, 500000)),
                 f"{doing}: (created_at, confirmed_at, updated_at, event_timestamp) of the row, in UTC")
    rows = oe.Watch(analytics).items(order_id, doing, until=lambda found: len(found) >= 2)
    wrong = oe.item_differences(rows, oe.expected_items(sent))
    expect.true(not wrong, f"{doing}, its rows in order_items: {wrong}")


@pytest.mark.weight(3)
def test_optional_fields_left_empty_become_null(analytics):
    bare = [oe.item("item_1", oe.PRODUCT_B, "std", 3, 1999, attributes={}, image=None)]
    changes = {"customer.phone": None, "shipping_address.phone": None, "shipping_address.street_address_2": None,
               "shipping_address.state": None, "items": bare}
    sent = analytics.produce(oe.event(oe.CREATED, pipeline.new_id(), 0, changes))[0]
    doing = ("after order.created with no phones, no second street line, no state, and one item without promotion, "
             "image or variant attributes")
    wrong = oe.differences(_row_of(analytics, sent, doing), oe.expected_row(sent))
    expect.true(not wrong, f"{doing}, the row's columns that differ from the event's data: {wrong}")
    rows = oe.Watch(analytics).items(sent["entity_id"], doing)
    wrong = oe.item_differences(rows, oe.expected_items(sent))
    expect.true(not wrong, f"{doing}, its rows in order_items (variant_attributes: the JSON object {{}}): {wrong}")


@pytest.mark.weight(2)
def test_names_in_any_script_and_a_flagged_order(analytics):
    big = [oe.item("item_1", oe.PRODUCT_A, "gold", 1, 150000, attributes={"Größe": "Ü"})]
    changes = {"customer.display_name": "Zoë Ørsted 🚀", "shipping_address.city": "東京", "items": big}
    sent = analytics.produce(oe.event(oe.CREATED, pipeline.new_id(), 0, changes))[0]
    doing = f"after order.created with {changes} (a total of 1620.00 or more: flagged for review)"
    row = _row_of(analytics, sent, doing)
    expect.equal((row["customer_display_name"], row["shipping_city"], row["flagged_for_review"]),
                 ("Zoë Ørsted 🚀", "東京", 1), f"{doing}: (customer_display_name, shipping_city, flagged_for_review)")
    rows = oe.Watch(analytics).items(sent["entity_id"], doing)
    wrong = oe.item_differences(rows, oe.expected_items(sent))
    expect.true(not wrong, f"{doing}, its rows in order_items: {wrong}")
