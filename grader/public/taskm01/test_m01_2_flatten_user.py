"""M01.2 Flatten a user."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import replica_users as users

pytestmark = pytest.mark.exercise("M01.2")


@pytest.fixture
def replica():
    """The analytics service with your users.py, shared by the tests of this test process."""
    return users.shared_service()


@pytest.mark.weight(8)
def test_a_created_user_becomes_one_flat_row(replica):
    user_id = pipeline.new_id()
    event = users.created(user_id, users.at(60), email="ada@example.com", display_name="Ada Lovelace",
                          phone="+44 20 7946 0018", bio="Writes about engines.", role="leader", status="active",
                          email_verified_at=users.at(30), version=3)
    replica.produce(event)
    doing = f"producing user.created for {user_id}"
    found = users.wait_row(replica, user_id, doing)
    users.same_row(found, users.expected_row(event), f"{doing}: the row in 'users'")


@pytest.mark.weight(4)
def test_the_row_keeps_the_events_id_and_timestamp(replica):
    user_id = pipeline.new_id()
    event = users.created(user_id, users.at(90))
    replica.produce(event)
    doing = f"producing user.created for {user_id} (event_id {event['event_id']}, timestamp {event['timestamp']})"
    found = users.wait_row(replica, user_id, doing)
    expect.equal((found.get("event_id"), found.get("event_timestamp")),
                 (event["event_id"], users.naive(users.at(90))), f"{doing}: (event_id, event_timestamp) of the row")
