"""M02.4 Redelivered and late events.

To show that an event changed nothing, a test sends a later supplier.created for a new
supplier (a marker) and waits for the marker's row: the topic has one partition, so every
event sent before the marker has been handled by then."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import supplier_events as se

pytestmark = pytest.mark.exercise("M02.4")


@pytest.mark.weight(6)
@pytest.mark.must("an event older than the row changes nothing")
def test_an_older_update_changes_nothing(analytics):
    supplier_id = pipeline.new_id()
    watch = se.Watch(analytics)
    analytics.produce(se.event(se.CREATED, supplier_id, 0))
    newer = analytics.produce(se.event(se.UPDATED, supplier_id, 20, {"company_info.dba_name": "Acme Twenty"}))[0]
    row = watch.supplier(supplier_id, "after supplier.created and a newer supplier.updated",
                         until=lambda found: found is not None and found["dba_name"] == "Acme Twenty")
    expect.equal(row and row["dba_name"], "Acme Twenty",
                 "dba_name after supplier.created and then supplier.updated (20 minutes later) with 'Acme Twenty'")
    # Sent after the newer one, stamped before it: every field differs from the row.
    changes = dict(se.NOTHING_OPTIONAL, **{"company_info.legal_name": "Acme Ten AG", "updated_at": "2025-05-24T10:10:00Z"})
    older = analytics.produce(se.event(se.UPDATED, supplier_id, 10, changes))[0]
    doing = (f"after a supplier.updated stamped {older['timestamp']} arrived after the one stamped "
             f"{newer['timestamp']}")
    watch.marker(doing)
    now = analytics.mysql.query("SELECT * FROM suppliers WHERE supplier_id = %s", (supplier_id,))
    wrong = se.differences(now[0] if now else None, row)
    expect.true(not wrong, f"{doing}: the row must stay as the newer event left it; changed: {wrong}")


@pytest.mark.weight(6)
@pytest.mark.must("an event delivered twice leaves the tables identical")
def test_a_batch_delivered_twice_leaves_the_tables_identical(analytics):
    kept, gone, plain = pipeline.new_id(), pipeline.new_id(), pipeline.new_id()
    batch = [se.event(se.CREATED, kept, 0), se.event(se.CREATED, gone, 0),
             se.event(se.UPDATED, kept, 5, {"company_info.dba_name": "Acme Five"}),
             se.event(se.CREATED, plain, 6, se.NOTHING_OPTIONAL), se.event(se.DELETED, gone, 7)]
    watch = se.Watch(analytics)
    analytics.produce(*batch)
    doing = "after a batch of supplier events (two created, an update, another created, a delete)"
    record = watch.deletion(gone, doing)
    expect.true(record is not None, f"{doing}: no row in supplier_deletions for the deleted supplier")
    expect.true(watch.supplier(plain, doing) is not None, f"{doing}: no row for the supplier created last")
    before = se.snapshot(analytics.mysql, [kept, gone, plain])
    expect.equal(sorted(r["supplier_id"] for r in before["suppliers"]), sorted([kept, plain]),
                 f"{doing}: the ids in suppliers of the three")
    analytics.produce(*batch)  # the same envelopes again: as a consumer that restarted before its commit sees them
    doing = "after the same batch of supplier events was delivered a second time"
    watch.marker(doing)
    after = se.snapshot(analytics.mysql, [kept, gone, plain])
    expect.equal(after, before, f"{doing}: the rows of suppliers and supplier_deletions for its suppliers "
                                "(expected: as after the first delivery)")
