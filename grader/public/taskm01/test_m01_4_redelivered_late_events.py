"""M01.4 Redelivered and late events."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import replica_users as users

pytestmark = pytest.mark.exercise("M01.4")


@pytest.fixture
def replica():
    """The analytics service with your users.py, shared by the tests of this test process."""
    return users.shared_service()


@pytest.mark.weight(6)
@pytest.mark.must("an event applied twice leaves the table identical")
def test_a_redelivered_batch_leaves_the_table_identical(replica):
    ada, bob = pipeline.new_id(), pipeline.new_id()
    batch = [users.created(ada, users.at(0), display_name="Ada"),
             users.updated(ada, users.at(60), display_name="Ada King", version=2),
             users.created(bob, users.at(10), display_name="Bob"),
             users.deleted(bob, users.at(120))]
    replica.produce(*batch)
    doing = f"producing user.created and user.updated for {ada}, user.created and user.deleted for {bob}"
    users.wait_row(replica, bob, doing, until=lambda r: r.get("deleted_at") is not None,
                   wanted="a row with deleted_at set")
    first = users.rows(replica, [ada, bob])
    users.same_row(users.row(replica, ada), users.expected_row(batch[1]), f"{doing}: the row of {ada}")
    replica.produce(*batch)  # the same four envelopes again, as after a crash before the offset commit
    users.settle(replica, f"{doing}, then the same four events again")
    again = users.rows(replica, [ada, bob])
    changed = [f"{before['user_id']}: " + "; ".join(users.differences(after, before))
               for before, after in zip(first, again) if after != before]
    expect.true(len(again) == len(first) and not changed,
                f"{doing}, then the same four events again: the rows must stay as they were; "
                f"changed: {changed or f'{len(first)} rows became {len(again)}'}")


@pytest.mark.weight(6)
@pytest.mark.must("an event older than the row's event_timestamp changes nothing")
def test_an_older_event_changes_nothing(replica):
    user_id = pipeline.new_id()
    replica.produce(users.created(user_id, users.at(0), display_name="Ada"))
    newer = users.updated(user_id, users.at(600), display_name="Ada King", version=3)
    replica.produce(newer)
    doing = f"producing user.created (at +0 s), then user.updated (at +600 s, display_name 'Ada King') for {user_id}"
    users.wait_row(replica, user_id, doing, until=lambda r: r.get("event_id") == newer["event_id"],
                   wanted="the row of the user.updated (its event_id)")
    replica.produce(users.updated(user_id, users.at(300), display_name="Ada Byron", version=2),
                    users.deleted(user_id, users.at(400)))
    doing += ", then a late user.updated (at +300 s, display_name 'Ada Byron') and a late user.deleted (at +400 s)"
    users.settle(replica, doing)
    users.same_row(users.row(replica, user_id), users.expected_row(newer),
                   f"{doing}: the row must still be the +600 s one")
