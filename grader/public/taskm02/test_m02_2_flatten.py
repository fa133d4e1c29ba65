"""M02.2 Flatten a supplier.

Each test sends one supplier event, built from a real ``Supplier`` with ``event_data()`` as the
app sends it, and compares the supplier's row with the doc's table of columns."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import supplier_events as se

pytestmark = pytest.mark.exercise("M02.2")

CONTACT_AND_COMPANY = ("supplier_id", "email", "primary_phone", "contact_person_name", "contact_person_title",
                       "contact_person_email", "contact_person_phone", "legal_name", "dba_name", "company_type",
                       "street_address_1", "street_address_2", "city", "state", "zip_code", "country")
BUSINESS_AND_STATUS = ("support_email", "support_phone", "timezone", "website_url", "facebook_url",
                       "instagram_handle", "twitter_handle", "linkedin_url", "status", "verification_status")
TIMES_AND_EVENT = ("created_at", "updated_at", "event_id", "event_timestamp")


def _row_of(analytics, sent: dict, doing: str) -> dict:
    supplier_id = sent["entity_id"]
    row = se.Watch(analytics).supplier(supplier_id, doing)
    expect.true(row is not None, f"{doing}: no row in suppliers with supplier_id {supplier_id!r} within "
                                 f"{pipeline.ROW_SECONDS:g} s")
    return row


def _check(row: dict, sent: dict, columns: tuple[str, ...], doing: str) -> None:
    expected = {column: se.expected_row(sent)[column] for column in columns}
    wrong = se.differences(row, expected)
    expect.true(not wrong, f"{doing}, the row's columns that differ from the event's data: {wrong}")


@pytest.mark.weight(6)
def test_contact_company_and_address_become_columns(analytics):
    sent = analytics.produce(se.event(se.CREATED, pipeline.new_id(), 0))[0]
    doing = "after supplier.created of a supplier with every part filled in"
    _check(_row_of(analytics, sent, doing), sent, CONTACT_AND_COMPANY, doing)


@pytest.mark.weight(5)
def test_business_info_social_links_and_statuses_become_columns(analytics):
    sent = analytics.produce(se.event(se.CREATED, pipeline.new_id(), 0))[0]
    doing = "after supplier.created of a supplier with every part filled in"
    _check(_row_of(analytics, sent, doing), sent, BUSINESS_AND_STATUS, doing)


@pytest.mark.weight(4)
def test_times_come_from_the_document_and_the_event(analytics):
    # The event's timestamp differs from the document's updated_at: event_timestamp is the envelope's.
    sent = analytics.produce(se.event(se.CREATED, pipeline.new_id(), 200))[0]
    doing = (f"after supplier.created (document created_at {sent['data']['created_at']}, updated_at "
             f"{sent['data']['updated_at']}; event timestamp {sent['timestamp']})")
    _check(_row_of(analytics, sent, doing), sent, TIMES_AND_EVENT, doing)


@pytest.mark.weight(4)
def test_optional_fields_left_empty_become_null(analytics):
    sent = analytics.produce(se.event(se.CREATED, pipeline.new_id(), 0, se.NOTHING_OPTIONAL))[0]
    doing = ("after supplier.created of a supplier with no DBA name, no second street line, no state, no social "
             "links, no phones and no support contacts")
    row = _row_of(analytics, sent, doing)
    _check(row, sent, CONTACT_AND_COMPANY + BUSINESS_AND_STATUS + TIMES_AND_EVENT, doing)
