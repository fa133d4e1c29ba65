"""M01.4 Redelivered and late events (hidden tests)."""

import time

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import replica_users as users

pytestmark = pytest.mark.exercise("M01.4")


@pytest.fixture
def replica():
    """The analytics service with your users.py, shared by the tests of this test process."""
    return users.shared_service()


@pytest.mark.weight(6)
@pytest.mark.must("a deleted user stays deleted")
def test_a_deleted_user_stays_deleted(replica):
    user_id = pipeline.new_id()
    first = users.created(user_id, users.at(0), display_name="Ada")
    removal = users.deleted(user_id, users.at(300))
    replica.produce(first, removal)
    doing = f"producing user.created (at +0 s), then user.deleted (at +300 s) for {user_id}"
    deleted = users.wait_row(replica, user_id, doing, until=lambda r: r.get("deleted_at") is not None,
                             wanted="a row with deleted_at set")
    expect.equal(deleted.get("deleted_at"), users.naive(users.at(300)), f"{doing}: deleted_at")
    later = [users.updated(user_id, users.at(200), display_name="Ada Byron", version=2),  # late: older than the delete
             users.updated(user_id, users.at(400), display_name="Ada King", version=3),  # newer than the delete
             users.created(user_id, users.at(500), display_name="Ada Again"),
             users.deleted(user_id, users.at(600))]
    replica.produce(*later)
    doing += (", then user.updated at +200 s and at +400 s, user.created at +500 s (each with deleted_at null) "
              "and user.deleted at +600 s")
    users.settle(replica, doing)
    users.same_row(users.row(replica, user_id), deleted, f"{doing}: the deleted row must stay as the first delete "
                                                         "left it")


@pytest.mark.weight(4)
def test_a_tombstone_keeps_a_late_create_out(replica):
    user_id = pipeline.new_id()
    removal = users.deleted(user_id, users.at(300))
    replica.produce(removal)
    doing = f"producing user.deleted (at +300 s) for {user_id}, a user the replica has never seen"
    tombstone = users.wait_row(replica, user_id, doing, wanted="a tombstone row")
    replica.produce(users.created(user_id, users.at(0), display_name="Ada"))
    doing += ", then its late user.created (at +0 s)"
    users.settle(replica, doing)
    users.same_row(users.row(replica, user_id), tombstone, f"{doing}: the tombstone must stay as it was")


@pytest.mark.weight(2)
def test_an_event_with_the_same_timestamp_is_applied(replica):
    user_id = pipeline.new_id()
    replica.produce(users.created(user_id, users.at(0), display_name="Ada"))
    users.wait_row(replica, user_id, f"producing user.created for {user_id}")
    same = users.updated(user_id, users.at(0), display_name="Ada King")
    replica.produce(same)
    doing = f"producing user.created, then user.updated with the same timestamp for {user_id}"
    found = users.wait_row(replica, user_id, doing, until=lambda r: r.get("event_id") == same["event_id"],
                           wanted="the row of the user.updated (its event_id): a tie is applied")
    users.same_row(found, users.expected_row(same), f"{doing}: the row in 'users'")


@pytest.mark.weight(6)
@pytest.mark.must("an event applied twice leaves the table identical")
def test_a_crash_after_the_commit_neither_doubles_nor_loses_a_user(new_analytics):
    ada, bob = pipeline.new_id(), pipeline.new_id()
    first = users.created(ada, users.at(0), display_name="Ada")
    service = new_analytics(env={"ANALYTICS_FAULT": f"kill-after:{first['event_id']}"})
    service.start()
    service.produce(first)
    doing = (f"producing user.created for {ada} to a service killed right after applying it (its MySQL transaction "
             "committed, the Kafka offset not)")
    users.wait_row(service, ada, doing)
    crash(service)
    service.start(ANALYTICS_FAULT="")  # the same group, no fault: user.created for Ada comes again
    change = users.updated(ada, users.at(60), display_name="Ada King", version=2)
    other = users.created(bob, users.at(30), display_name="Bob")
    # Ada's user.created once more, in case the crash came after the offset commit after all.
    service.produce(first, change, other)
    doing += f", then starting it again and producing user.updated for {ada} and user.created for {bob}"
    users.wait_row(service, bob, doing)
    users.same_row(users.row(service, ada), users.expected_row(change), f"{doing}: the row of {ada}")
    users.same_row(users.row(service, bob), users.expected_row(other), f"{doing}: the row of {bob}")
    count = service.mysql.query("SELECT COUNT(*) AS n FROM users WHERE user_id IN (%s, %s)", (ada, bob))[0]["n"]
    expect.equal(count, 2, f"{doing}: rows in 'users' of the two users")


def crash(service) -> None:
    """Wait for the kit's fault report, then make sure the process is gone: a process that is
    the first of its own PID namespace (the local stack) cannot SIGKILL itself."""
    deadline = time.monotonic() + pipeline.ROW_SECONDS
    while service.alive and time.monotonic() < deadline:
        if any("fault: killed after applying" in line for line in service.log_lines()):
            break
        time.sleep(0.05)
    service.kill()
