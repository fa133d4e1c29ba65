"""M04.2 Flatten a product and its variants (hidden tests)."""

from datetime import datetime

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import product_events as pe

pytestmark = pytest.mark.exercise("M04.2")


def _row_of(analytics, sent: dict, doing: str) -> dict:
    row = pe.Watch(analytics).product(sent["entity_id"], doing)
    expect.true(row is not None, f"{doing}: no row in products with product_id {sent['entity_id']!r} within "
                                 f"{pipeline.ROW_SECONDS:g} s")
    return row


@pytest.mark.weight(3)
def test_times_with_an_offset_are_stored_as_utc(analytics):
    product_id = pipeline.new_id()
    data = pe.document(product_id, {"created_at": "2025-03-01T12:00:00.250000+02:00",
                                    "published_at": "2025-03-02T08:30:00",  # no offset: already UTC
                                    "updated_at": "2025-03-02T08:30:00Z"})
    sent = analytics.produce(pipeline.envelope(pe.PUBLISHED, product_id, data,
                                               timestamp="2025-03-02T04:45:00.500000-05:00"))[0]
    doing = ("after product.published with created_at '2025-03-01T12:00:00.250000+02:00', published_at "
             "'2025-03-02T08:30:00', updated_at '2025-03-02T08:30:00Z' and the event timestamp "
             "'2025-03-02T04:45:00.500000-05:00'")
    row = _row_of(analytics, sent, doing)
    expect.equal((row["created_at"], row["published_at"], row["updated_at"], row["event_timestamp"]),
                 (datetime(2025, 3, 1, 10, 0, 0, 250000), datetime(2025, 3, 2, 8, 30), datetime(2025, 3, 2, 8, 30),
                  datetime(2025, 3, 2, 9, 45, 0, 500000)),
                 f"{doing}: (created_at, published_at, updated_at, event_timestamp) of the row, in UTC")
    rows = pe.Watch(analytics).variants(product_id, doing, until=lambda found: len(found) >= 3)
    wrong = pe.variant_differences(rows, pe.expected_variants(sent))
    expect.true(not wrong, f"{doing}, its rows in product_variants: {wrong}")


@pytest.mark.weight(3)
def test_optional_fields_left_empty_become_null(analytics):
    sent = analytics.produce(pe.event(pe.CREATED, pipeline.new_id(), 0, pe.NOTHING_OPTIONAL))[0]
    doing = ("after product.created of a draft with no brand, no image, never published, and one variant without "
             "attributes, cost, dimensions or image")
    row = _row_of(analytics, sent, doing)
    wrong = pe.differences(row, pe.expected_row(sent))
    expect.true(not wrong, f"{doing}, the row's columns that differ from the event's data: {wrong}")
    rows = pe.Watch(analytics).variants(sent["entity_id"], doing)
    wrong = pe.variant_differences(rows, pe.expected_variants(sent))
    expect.true(not wrong, f"{doing}, its rows in product_variants (attributes: the JSON array []): {wrong}")


@pytest.mark.weight(2)
def test_names_in_any_script_are_kept(analytics):
    changes = {"name": "東京ジャケット 🚀", "supplier_info.name": "Zoë Ørsted ApS",
               "variants": {"rot-m": pe.variant("Rot, Größe M", {"Farbe": "Rot", "Größe": "M"}, 100, 1)}}
    sent = analytics.produce(pe.event(pe.CREATED, pipeline.new_id(), 0, changes))[0]
    doing = f"after product.created with {changes}"
    row = _row_of(analytics, sent, doing)
    expect.equal((row["name"], row["supplier_name"]), ("東京ジャケット 🚀", "Zoë Ørsted ApS"),
                 f"{doing}: (name, supplier_name) of the row")
    rows = pe.Watch(analytics).variants(sent["entity_id"], doing)
    wrong = pe.variant_differences(rows, pe.expected_variants(sent))
    expect.true(not wrong, f"{doing}, its rows in product_variants: {wrong}")
