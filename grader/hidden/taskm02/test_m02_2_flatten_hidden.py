"""M02.2 Flatten a supplier (hidden tests)."""

from datetime import datetime

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import supplier_events as se

pytestmark = pytest.mark.exercise("M02.2")


def _row_of(analytics, sent: dict, doing: str) -> dict:
    row = se.Watch(analytics).supplier(sent["entity_id"], doing)
    expect.true(row is not None, f"{doing}: no row in suppliers with supplier_id {sent['entity_id']!r} within "
                                 f"{pipeline.ROW_SECONDS:g} s")
    return row


@pytest.mark.weight(3)
def test_times_with_an_offset_are_stored_as_utc(analytics):
    supplier_id = pipeline.new_id()
    data = se.document(supplier_id, {"created_at": "2025-03-01T12:00:00.250000+02:00",
                                     "updated_at": "2025-03-02T08:30:00"})  # no offset: already UTC
    sent = analytics.produce(pipeline.envelope(se.CREATED, supplier_id, data,
                                               timestamp="2025-03-02T04:45:00.500000-05:00"))[0]
    doing = ("after supplier.created with created_at '2025-03-01T12:00:00.250000+02:00', updated_at "
             "'2025-03-02T08:30:00' and the event timestamp '2025-03-02T04:45:00.500000-05:00'")
    row = _row_of(analytics, sent, doing)
    expect.equal((row["created_at"], row["updated_at"], row["event_timestamp"]),
                 (datetime(2025, 3, 1, 10, 0, 0, 250000), datetime(2025, 3, 2, 8, 30),
                  datetime(2025, 3, 2, 9, 45, 0, 500000)),
                 f"{doing}: (created_at, updated_at, event_timestamp) of the row, in UTC")


@pytest.mark.weight(2)
def test_names_in_any_script_are_kept(analytics):
    changes = {"company_info.legal_name": "東京商事株式会社", "company_info.dba_name": "Tōkyō Shōji 🚀",
               "company_info.business_address.city": "Zürich", "contact_info.contact_person_name": "Zoë Ørsted"}
    sent = analytics.produce(se.event(se.CREATED, pipeline.new_id(), 0, changes))[0]
    doing = f"after supplier.created with {changes}"
    row = _row_of(analytics, sent, doing)
    expect.equal((row["legal_name"], row["dba_name"], row["city"], row["contact_person_name"]),
                 tuple(changes.values()), f"{doing}: (legal_name, dba_name, city, contact_person_name) of the row")


@pytest.mark.weight(1)
def test_other_values_of_the_same_fields(analytics):
    changes = {"status": "suspended", "verification.status": "under_review",
               "company_info.company_type": "sole_proprietorship",
               "company_info.business_address": {"street_address_1": "500 Market St", "street_address_2": None,
                                                 "city": "San Francisco", "state": "CA", "zip_code": "94105",
                                                 "country": "US"},
               "business_info.timezone": "America/Los_Angeles"}
    sent = analytics.produce(se.event(se.CREATED, pipeline.new_id(), 0, changes))[0]
    doing = "after supplier.created of a suspended sole proprietorship in San Francisco, under review"
    wrong = se.differences(_row_of(analytics, sent, doing), se.expected_row(sent))
    expect.true(not wrong, f"{doing}, the row's columns that differ from the event's data: {wrong}")
