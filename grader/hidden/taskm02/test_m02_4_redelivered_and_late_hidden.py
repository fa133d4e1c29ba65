"""M02.4 Redelivered and late events (hidden tests)."""


import pytest

from grader.testkit import expect, pipeline
from grader.testkit import supplier_events as se

pytestmark = pytest.mark.exercise("M02.4")


def _rows(analytics, table: str, supplier_id: str) -> list[dict]:
    return analytics.mysql.query(f"SELECT * FROM {table} WHERE supplier_id = %s", (supplier_id,))


@pytest.mark.weight(6)
@pytest.mark.must("a deleted supplier never comes back")
def test_late_events_do_not_bring_a_deleted_supplier_back(analytics):
    supplier_id = pipeline.new_id()
    watch = se.Watch(analytics)
    analytics.produce(se.event(se.CREATED, supplier_id, 0))
    expect.true(watch.supplier(supplier_id, "after supplier.created") is not None,
                f"after supplier.created of {supplier_id}, no row in suppliers")
    deleted = analytics.produce(se.event(se.DELETED, supplier_id, 20))[0]
    record = watch.deletion(supplier_id, "after supplier.created and supplier.deleted")
    expect.true(record is not None, "after supplier.created and supplier.deleted, no row in supplier_deletions")
    # Stamped before the delete, delivered after it: a retried update and a created sent again.
    analytics.produce(se.event(se.UPDATED, supplier_id, 10, {"company_info.dba_name": "Acme Late"}),
                      se.event(se.CREATED, supplier_id, 0))
    doing = "after a supplier.updated and a supplier.created, both stamped before the supplier.deleted, arrived after it"
    watch.marker(doing)
    expect.equal(_rows(analytics, "suppliers", supplier_id), [], f"{doing}: the supplier's rows in suppliers")
    expect.equal([(r["deleted_at"], r["event_id"]) for r in _rows(analytics, "supplier_deletions", supplier_id)],
                 [(se.utc(deleted["timestamp"]), deleted["event_id"])],
                 f"{doing}: (deleted_at, event_id) of its rows in supplier_deletions")


@pytest.mark.weight(3)
def test_a_newer_event_for_a_deleted_supplier_changes_nothing(analytics):
    deleted_id, other_id = pipeline.new_id(), pipeline.new_id()
    watch = se.Watch(analytics)
    analytics.produce(se.event(se.DELETED, deleted_id, 10))
    expect.true(watch.deletion(deleted_id, "after supplier.deleted") is not None,
                "after supplier.deleted, no row in supplier_deletions")
    # Stamped after the delete: deletion is final all the same. The same event for another supplier is applied.
    analytics.produce(se.event(se.UPDATED, deleted_id, 30), se.event(se.UPDATED, other_id, 30))
    doing = "after a supplier.updated stamped after the supplier's supplier.deleted"
    row = watch.supplier(other_id, doing)
    expect.true(row is not None, f"{doing}: the same supplier.updated for another supplier made no row")
    expect.equal(_rows(analytics, "suppliers", deleted_id), [], f"{doing}: the deleted supplier's rows in suppliers")


@pytest.mark.weight(3)
def test_a_delete_stamped_before_the_last_update_still_deletes(analytics):
    supplier_id = pipeline.new_id()
    watch = se.Watch(analytics)
    analytics.produce(se.event(se.CREATED, supplier_id, 0))
    analytics.produce(se.event(se.UPDATED, supplier_id, 30, {"company_info.dba_name": "Acme Thirty"}))
    row = watch.supplier(supplier_id, "after supplier.created and supplier.updated",
                         until=lambda found: found is not None and found["dba_name"] == "Acme Thirty")
    expect.true(row is not None and row["dba_name"] == "Acme Thirty",
                "after supplier.created and then supplier.updated setting dba_name to 'Acme Thirty', the row does not "
                "hold the update")
    deleted = analytics.produce(se.event(se.DELETED, supplier_id, 20))[0]
    doing = f"after a supplier.deleted stamped {deleted['timestamp']}, before the row's last update"
    record = watch.deletion(supplier_id, doing)
    expect.true(record is not None, f"{doing}: no row in supplier_deletions (a delete is final, whatever its "
                                    "timestamp)")
    rows = watch.rows("SELECT supplier_id FROM suppliers WHERE supplier_id = %s", (supplier_id,), lambda r: not r, doing)
    expect.equal(rows, [], f"{doing}: the supplier's rows in suppliers")
    expect.equal(record["deleted_at"], se.utc(deleted["timestamp"]), f"{doing}: deleted_at in supplier_deletions")


@pytest.mark.weight(6)
@pytest.mark.must("an event delivered twice leaves the tables identical")
def test_an_event_applied_again_after_a_crash_leaves_the_tables_identical(new_analytics):
    kept, gone = pipeline.new_id(), pipeline.new_id()
    batch = [se.event(se.CREATED, kept, 0), se.event(se.CREATED, gone, 0),
             se.event(se.UPDATED, kept, 5, {"company_info.dba_name": "Acme Five"}), se.event(se.DELETED, gone, 7)]
    last = batch[-1]["event_id"]
    service = new_analytics(env={"ANALYTICS_FAULT": f"kill-after:{last}"})
    service.start()
    watch = se.Watch(service)
    service.produce(*batch)
    doing = ("after supplier events whose last, a supplier.deleted, was applied (its transaction committed) and the "
             "service was killed before it could commit the offset")
    outcome = se.wait_fault(service, last)
    if not outcome:
        raise AssertionError(f"the analytics service was not killed after applying the supplier.deleted within "
                             f"{pipeline.ROW_SECONDS:g} s: {watch.problem() or service.reports()}")
    before = se.snapshot(service.mysql, [kept, gone])
    expect.equal(([r["supplier_id"] for r in before["suppliers"]], [r["event_id"] for r in before["supplier_deletions"]]),
                 ([kept], [last]), f"{doing}: (the ids in suppliers, the event ids in supplier_deletions)")
    expect.equal(service.committed(se.DELETED), 3, f"{doing}: the offset the service's group committed on the "
                                                   "supplier topic (the supplier.deleted's, 3: to be read again)")
    try:
        service.start()
    except pipeline.ServiceDown as exc:
        raise AssertionError(f"{doing}, starting it again: {exc}") from None
    watch = se.Watch(service)
    doing = "after the service started again and got that supplier.deleted a second time"
    watch.marker(doing)
    expect.equal(se.snapshot(service.mysql, [kept, gone]), before,
                 f"{doing}: the rows of suppliers and supplier_deletions (expected: as before the crash)")
