"""M02.3 Upsert and hard delete (hidden tests)."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import supplier_events as se

pytestmark = pytest.mark.exercise("M02.3")


@pytest.mark.weight(3)
def test_an_update_replaces_every_column_emptied_ones_too(analytics):
    supplier_id = pipeline.new_id()
    watch = se.Watch(analytics)
    created = analytics.produce(se.event(se.CREATED, supplier_id, 0))[0]
    expect.true(watch.supplier(supplier_id, "after supplier.created") is not None,
                f"after supplier.created of {supplier_id}, no row in suppliers")
    changes = dict(se.NOTHING_OPTIONAL, **{"company_info.legal_name": "Acme Handel AG",
                                           "contact_info.primary_email": "info@acme-handel.example",
                                           "updated_at": "2025-06-01T00:00:00Z"})
    updated = analytics.produce(se.event(se.UPDATED, supplier_id, 10, changes))[0]
    doing = ("after supplier.created of a supplier with every part filled in, then supplier.updated that empties "
             "every optional field and changes the legal name and the email")
    row = watch.supplier(supplier_id, doing, until=lambda found: found is not None
                         and found["legal_name"] == "Acme Handel AG")
    expected = dict(se.expected_row(updated), created_at=se.expected_row(created)["created_at"])
    wrong = se.differences(row, expected)
    expect.true(not wrong, f"{doing}: the row's columns that differ from the update: {wrong}")


@pytest.mark.weight(2)
def test_an_update_of_a_supplier_not_seen_yet_inserts_its_row(analytics):
    supplier_id = pipeline.new_id()
    updated = analytics.produce(se.event(se.UPDATED, supplier_id, 10))[0]
    doing = "after supplier.updated of a supplier whose supplier.created the replica never got"
    row = se.Watch(analytics).supplier(supplier_id, doing)
    wrong = se.differences(row, se.expected_row(updated))
    expect.true(not wrong, f"{doing}: the row's columns that differ from the event's data: {wrong}")


@pytest.mark.weight(2)
def test_a_delete_of_a_supplier_not_seen_yet_is_recorded(analytics):
    supplier_id = pipeline.new_id()
    deleted = analytics.produce(se.event(se.DELETED, supplier_id, 30))[0]
    doing = "after supplier.deleted of a supplier the replica never had"
    watch = se.Watch(analytics)
    record = watch.deletion(supplier_id, doing)
    expect.true(record is not None, f"{doing}: no row in supplier_deletions {watch.waited()}")
    expect.equal((record["deleted_at"], record["event_id"]), (se.utc(deleted["timestamp"]), deleted["event_id"]),
                 f"{doing}: (deleted_at, event_id) in supplier_deletions")


@pytest.mark.weight(2)
def test_a_second_delete_keeps_the_first_record(analytics):
    supplier_id = pipeline.new_id()
    watch = se.Watch(analytics)
    analytics.produce(se.event(se.CREATED, supplier_id, 0))
    first = analytics.produce(se.event(se.DELETED, supplier_id, 30))[0]
    record = watch.deletion(supplier_id, "after supplier.created and supplier.deleted")
    expect.true(record is not None, "after supplier.created and supplier.deleted, no row in supplier_deletions")
    analytics.produce(se.event(se.DELETED, supplier_id, 40))
    doing = "after a second supplier.deleted (another event id, a later timestamp) of a deleted supplier"
    watch.marker(doing)
    rows = analytics.mysql.query("SELECT * FROM supplier_deletions WHERE supplier_id = %s", (supplier_id,))
    expect.equal([(r["deleted_at"], r["event_id"]) for r in rows], [(se.utc(first["timestamp"]), first["event_id"])],
                 f"{doing}: (deleted_at, event_id) of its rows in supplier_deletions (the first deletion's)")
