"""M01.3 Upsert and soft delete."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import replica_users as users

pytestmark = pytest.mark.exercise("M01.3")


@pytest.fixture
def replica():
    """The analytics service with your users.py, shared by the tests of this test process."""
    return users.shared_service()


@pytest.mark.weight(5)
def test_an_update_changes_the_users_one_row(replica):
    user_id = pipeline.new_id()
    first = users.created(user_id, users.at(0), display_name="Ada", phone=None)
    replica.produce(first)
    users.wait_row(replica, user_id, f"producing user.created for {user_id}")
    change = users.updated(user_id, users.at(300), display_name="Ada King", phone="+44 20 7946 0018",
                           bio="Countess of Lovelace.", version=2)
    replica.produce(change)
    doing = f"producing user.created, then user.updated (display_name 'Ada King') for {user_id}"
    found = users.wait_row(replica, user_id, doing, until=lambda r: r.get("event_id") == change["event_id"],
                           wanted="the row of the user.updated (its event_id)")
    users.same_row(found, users.expected_row(change), f"{doing}: the row in 'users'")
    count = replica.mysql.query("SELECT COUNT(*) AS n FROM users WHERE user_id = %s", (user_id,))[0]["n"]
    expect.equal(count, 1, f"{doing}: rows in 'users' for the user")


@pytest.mark.weight(6)
@pytest.mark.must("deleted_at is the delete event's timestamp")
def test_a_delete_marks_the_row_with_the_events_timestamp(replica):
    user_id = pipeline.new_id()
    replica.produce(users.created(user_id, users.at(0)))
    found = users.wait_row(replica, user_id, f"producing user.created for {user_id}")
    expect.equal(found.get("deleted_at"), None, f"producing user.created for {user_id}: deleted_at of the new row")
    removal = users.deleted(user_id, users.at(7200))
    replica.produce(removal)
    doing = f"producing user.created, then user.deleted with timestamp {removal['timestamp']} for {user_id}"
    found = users.wait_row(replica, user_id, doing, until=lambda r: r.get("deleted_at") is not None,
                           wanted="a row with deleted_at set")
    expect.equal(found.get("deleted_at"), users.naive(users.at(7200)),
                 f"{doing}: deleted_at (the event's timestamp, never the consumer's clock)")
    expect.equal((found.get("event_id"), found.get("event_timestamp")),
                 (removal["event_id"], users.naive(users.at(7200))), f"{doing}: (event_id, event_timestamp)")
