"""M04.2 Flatten a product and its variants.

Each test sends one product event, built from a real ``Product`` with ``event_data()`` as the
app sends it, and compares the rows with the doc's tables of columns."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import product_events as pe

pytestmark = pytest.mark.exercise("M04.2")


@pytest.mark.weight(6)
def test_the_product_its_supplier_metadata_and_stats_become_columns(analytics):
    sent = analytics.produce(pe.event(pe.CREATED, pipeline.new_id(), 200))[0]
    doing = "after product.created of an active product with every part filled in"
    row = pe.Watch(analytics).product(sent["entity_id"], doing)
    expect.true(row is not None, f"{doing}: no row in products with product_id {sent['entity_id']!r} within "
                                 f"{pipeline.ROW_SECONDS:g} s")
    wrong = pe.differences(row, pe.expected_row(sent))
    expect.true(not wrong, f"{doing}, the row's columns that differ from the event's data: {wrong}")
    rows = pe.Watch(analytics).variants(sent["entity_id"], doing, until=lambda found: len(found) >= 3)
    expect.equal(sorted(r["variant_key"] for r in rows), ["blue-m", "red-l", "red-m"],
                 f"{doing}: the variant_key of its rows in product_variants")


@pytest.mark.weight(6)
def test_each_variant_becomes_a_row(analytics):
    sent = analytics.produce(pe.event(pe.CREATED, pipeline.new_id(), 0))[0]
    doing = "after product.created of a product with the variants 'red-m', 'red-l' and 'blue-m'"
    rows = pe.Watch(analytics).variants(sent["entity_id"], doing, until=lambda found: len(found) >= 3)
    wrong = pe.variant_differences(rows, pe.expected_variants(sent))
    expect.true(not wrong, f"{doing}, its rows in product_variants (attributes read as JSON): {wrong}")
