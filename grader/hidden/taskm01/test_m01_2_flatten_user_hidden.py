"""M01.2 Flatten a user (hidden tests)."""

from datetime import datetime

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import replica_users as users

pytestmark = pytest.mark.exercise("M01.2")


@pytest.fixture
def replica():
    """The analytics service with your users.py, shared by the tests of this test process."""
    return users.shared_service()


@pytest.mark.weight(3)
def test_fields_the_document_leaves_empty_are_null(replica):
    user_id = pipeline.new_id()
    event = users.created(user_id, users.at(10), phone=None, bio=None, email_verified_at=None, status="pending")
    replica.produce(event)
    doing = f"producing user.created for {user_id} with no phone, no bio and no email_verified_at"
    found = users.wait_row(replica, user_id, doing)
    expect.equal((found.get("phone"), found.get("bio"), found.get("email_verified_at"), found.get("deleted_at")),
                 (None, None, None, None), f"{doing}: (phone, bio, email_verified_at, deleted_at) of the row")
    users.same_row(found, users.expected_row(event), f"{doing}: the row in 'users'")


@pytest.mark.weight(5)
def test_times_are_stored_in_utc_with_their_microseconds(replica):
    user_id = pipeline.new_id()
    event = users.created(user_id, users.at(0), created_at=users.at(-3600), updated_at=users.at(-1800))
    # The same moments written with other offsets: ISO 8601 allows any, the column holds UTC.
    event["timestamp"] = "2025-03-01T11:30:00.123456+02:00"  # 09:30:00.123456 UTC, users.at(0)
    event["data"]["created_at"] = "2025-03-01T03:30:00.123456-05:00"  # 08:30:00.123456 UTC
    replica.produce(event)
    doing = (f"producing user.created for {user_id} with timestamp {event['timestamp']} and created_at "
             f"{event['data']['created_at']}")
    found = users.wait_row(replica, user_id, doing)
    expect.equal(found.get("event_timestamp"), datetime(2025, 3, 1, 9, 30, 0, 123456),
                 f"{doing}: event_timestamp (in UTC, as a naive DATETIME(6))")
    expect.equal(found.get("created_at"), datetime(2025, 3, 1, 8, 30, 0, 123456),
                 f"{doing}: created_at (in UTC, as a naive DATETIME(6))")
    expect.equal(found.get("updated_at"), users.naive(users.at(-1800)),
                 f"{doing}: updated_at (given as {event['data']['updated_at']})")


@pytest.mark.weight(3)
def test_names_in_any_script_are_kept(replica):
    user_id = pipeline.new_id()
    name, bio = "Zoë Ångström 山田花子 🚀", "Ελληνικά, русский, עברית ✓"
    event = users.created(user_id, users.at(20), display_name=name, bio=bio)
    replica.produce(event)
    doing = (f"producing user.created for {user_id} with display_name {name!r} and bio {bio!r} (any character "
             "fits a utf8mb4 table, M01.1)")
    found = users.wait_row(replica, user_id, doing)
    expect.equal((found.get("display_name"), found.get("bio")), (name, bio), f"{doing}: (display_name, bio)")


@pytest.mark.weight(2)
def test_a_document_with_deleted_at_is_stored_deleted(replica):
    user_id = pipeline.new_id()
    event = users.created(user_id, users.at(40), deleted_at=users.at(35), updated_at=users.at(35))
    replica.produce(event)
    doing = f"producing user.created for {user_id} whose document has deleted_at {event['data']['deleted_at']}"
    found = users.wait_row(replica, user_id, doing)
    users.same_row(found, users.expected_row(event), f"{doing}: the row in 'users'")
