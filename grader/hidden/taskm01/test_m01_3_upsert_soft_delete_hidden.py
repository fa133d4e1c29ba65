"""M01.3 Upsert and soft delete (hidden tests)."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import replica_users as users

pytestmark = pytest.mark.exercise("M01.3")


@pytest.fixture
def replica():
    """The analytics service with your users.py, shared by the tests of this test process."""
    return users.shared_service()


@pytest.mark.weight(4)
def test_an_update_keeps_the_first_created_at(replica):
    user_id = pipeline.new_id()
    replica.produce(users.created(user_id, users.at(0), created_at=users.at(0)))
    users.wait_row(replica, user_id, f"producing user.created for {user_id}")
    change = users.updated(user_id, users.at(60), created_at=users.at(30), display_name="Ada King")
    replica.produce(change)
    doing = (f"producing user.created (created_at {users.at(0).isoformat()}), then user.updated whose document says "
             f"created_at {users.at(30).isoformat()} for {user_id}")
    found = users.wait_row(replica, user_id, doing, until=lambda r: r.get("event_id") == change["event_id"],
                           wanted="the row of the user.updated (its event_id)")
    expect.equal(found.get("display_name"), "Ada King", f"{doing}: display_name")
    expect.equal(found.get("created_at"), users.naive(users.at(0)),
                 f"{doing}: created_at (set by the first insert, never changed by an update)")


@pytest.mark.weight(4)
def test_a_delete_changes_only_deleted_at_and_the_event_columns(replica):
    user_id = pipeline.new_id()
    first = users.created(user_id, users.at(0), phone="+1 555 0100", bio="Hi.", version=4, status="active",
                          updated_at=users.at(5))
    replica.produce(first)
    before = users.wait_row(replica, user_id, f"producing user.created for {user_id}")
    removal = users.deleted(user_id, users.at(100))
    replica.produce(removal)
    doing = f"producing user.created, then user.deleted for {user_id}"
    after = users.wait_row(replica, user_id, doing, until=lambda r: r.get("deleted_at") is not None,
                           wanted="a row with deleted_at set")
    kept = {c: before[c] for c in users.COLUMNS if c not in ("deleted_at", "event_id", "event_timestamp")}
    users.same_row(after, kept, f"{doing}: columns a delete must leave as they were")


@pytest.mark.weight(3)
def test_a_delete_touches_only_its_user(replica):
    kept_id, gone_id = pipeline.new_id(), pipeline.new_id()
    replica.produce(users.created(kept_id, users.at(0)), users.created(gone_id, users.at(0)))
    users.wait_row(replica, gone_id, f"producing user.created for {kept_id} and {gone_id}")
    replica.produce(users.deleted(gone_id, users.at(50)))
    doing = f"producing user.created for {kept_id} and {gone_id}, then user.deleted for {gone_id}"
    users.wait_row(replica, gone_id, doing, until=lambda r: r.get("deleted_at") is not None,
                   wanted="a row with deleted_at set")
    expect.equal((users.row(replica, kept_id) or {}).get("deleted_at", "no row"), None,
                 f"{doing}: deleted_at of {kept_id}")


@pytest.mark.weight(3)
def test_a_delete_of_a_user_never_seen_leaves_a_tombstone(replica):
    user_id = pipeline.new_id()
    removal = users.deleted(user_id, users.at(500))
    replica.produce(removal)
    doing = f"producing user.deleted for {user_id}, a user the replica has never seen"
    found = users.wait_row(replica, user_id, doing, wanted="a tombstone row")
    expected = {c: None for c in users.COLUMNS}
    expected.update(user_id=user_id, deleted_at=users.naive(users.at(500)), event_id=removal["event_id"],
                    event_timestamp=users.naive(users.at(500)))
    users.same_row(found, expected, f"{doing}: the tombstone row (every column but the key, deleted_at and the "
                                    "event columns NULL)")
