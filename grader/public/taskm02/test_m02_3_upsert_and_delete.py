"""M02.3 Upsert and hard delete."""

from datetime import timedelta, timezone

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import supplier_events as se

pytestmark = pytest.mark.exercise("M02.3")


@pytest.mark.weight(5)
def test_an_update_changes_the_row_and_keeps_created_at(analytics):
    supplier_id = pipeline.new_id()
    watch = se.Watch(analytics)
    created = analytics.produce(se.event(se.CREATED, supplier_id, 0))[0]
    first = watch.supplier(supplier_id, "after supplier.created")
    expect.true(first is not None, f"after supplier.created of {supplier_id}, no row in suppliers")
    # The document's created_at never changes in the app; this one says otherwise, and the row keeps its own.
    changes = {"company_info.dba_name": "Acme Direct", "company_info.business_address.city": "Bremen",
               "status": "suspended", "created_at": "2025-06-01T00:00:00Z", "updated_at": "2025-06-01T00:00:00Z"}
    updated = analytics.produce(se.event(se.UPDATED, supplier_id, 10, changes))[0]
    doing = f"after supplier.created and then supplier.updated with {changes}"
    row = watch.supplier(supplier_id, doing, until=lambda found: found is not None and found["dba_name"] == "Acme Direct")
    expected = dict(se.expected_row(updated), created_at=se.expected_row(created)["created_at"])
    wrong = se.differences(row, expected)
    expect.true(not wrong, f"{doing}: the row's columns that differ from the update (created_at: the first "
                           f"insert's): {wrong}")


@pytest.mark.weight(5)
def test_a_delete_removes_the_row_and_records_the_deletion(analytics):
    gone, kept = pipeline.new_id(), pipeline.new_id()
    watch = se.Watch(analytics)
    analytics.produce(se.event(se.CREATED, gone, 0), se.event(se.CREATED, kept, 0))
    expect.true(watch.supplier(kept, "after supplier.created of two suppliers") is not None,
                f"after supplier.created of two suppliers, no row for {kept}")
    expect.true(analytics.mysql.query("SELECT supplier_id FROM suppliers WHERE supplier_id = %s", (gone,)),
                f"after supplier.created of two suppliers, no row for {gone}")
    deleted = analytics.produce(se.event(se.DELETED, gone, 5))[0]
    doing = f"after supplier.deleted of {gone} (of two suppliers)"
    record = watch.deletion(gone, doing)
    expect.true(record is not None, f"{doing}: no row in supplier_deletions for it {watch.waited()}")
    expect.equal(record["event_id"], deleted["event_id"], f"{doing}: event_id of its row in supplier_deletions")
    rows = watch.rows("SELECT supplier_id FROM suppliers WHERE supplier_id IN (%s, %s)", (gone, kept),
                      lambda found: [r["supplier_id"] for r in found] == [kept], doing)
    expect.equal([r["supplier_id"] for r in rows], [kept], f"{doing}: the ids left in suppliers of the two "
                                                           "(a hard delete removes the row; the other stays)")


@pytest.mark.weight(6)
@pytest.mark.must("deleted_at is the delete event's timestamp")
def test_deleted_at_is_the_delete_events_timestamp(analytics):
    supplier_id = pipeline.new_id()
    watch = se.Watch(analytics)
    analytics.produce(se.event(se.CREATED, supplier_id, 0))
    expect.true(watch.supplier(supplier_id, "after supplier.created") is not None,
                f"after supplier.created of {supplier_id}, no row in suppliers")
    # Sent now, stamped long ago (and written with an offset of +02:00): the consumer's clock is no use here.
    stamp = se.at(90).astimezone(timezone(timedelta(hours=2))).isoformat()
    deleted = analytics.produce(pipeline.envelope(se.DELETED, supplier_id, {"id": supplier_id}, timestamp=stamp))[0]
    doing = f"after supplier.deleted with the timestamp {deleted['timestamp']}"
    record = watch.deletion(supplier_id, doing)
    expect.true(record is not None, f"{doing}: no row in supplier_deletions {watch.waited()}")
    expect.equal(record["deleted_at"], se.utc(deleted["timestamp"]), f"{doing}: deleted_at in supplier_deletions "
                                                                     "(the event's timestamp, in UTC)")
