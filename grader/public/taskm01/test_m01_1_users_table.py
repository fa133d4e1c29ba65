"""M01.1 The users table."""

import pytest

from grader.testkit import expect
from grader.testkit import replica_users as users

pytestmark = pytest.mark.exercise("M01.1")


@pytest.fixture
def replica():
    """The analytics service with your users.py, shared by the tests of this test process."""
    return users.shared_service()


TIME_COLUMNS = ("email_verified_at", "deleted_at", "created_at", "updated_at", "event_timestamp")


def users_columns(replica) -> dict[str, dict]:
    columns = replica.mysql.columns("users")
    expect.true(columns, f"after the analytics service started, its database {replica.database!r} has no table "
                         f"'users' (its tables: {replica.mysql.tables()})")
    return columns


@pytest.mark.weight(5)
def test_the_key_and_the_event_columns(replica):
    columns = users_columns(replica)
    key = [name for name, column in columns.items() if column["key"] == "PRI"]
    expect.equal(key, ["user_id"], "the primary key of 'users' (its columns)")
    expect.equal(columns["user_id"]["type"], "varchar(24)", "the type of users.user_id")
    for name, wanted in (("event_id", "varchar(36)"), ("event_timestamp", "datetime(6)")):
        expect.true(name in columns, f"'users' has no column {name!r} (its columns: {list(columns)})")
        expect.equal(columns[name]["type"], wanted, f"the type of users.{name}")


@pytest.mark.weight(4)
def test_the_time_columns_keep_microseconds(replica):
    columns = users_columns(replica)
    for name in TIME_COLUMNS:
        expect.true(name in columns, f"'users' has no column {name!r} (its columns: {list(columns)})")
        expect.equal(columns[name]["type"], "datetime(6)", f"the type of users.{name}")


@pytest.mark.weight(4)
def test_email_and_created_at_are_indexed(replica):
    indexes = replica.mysql.indexes("users")
    for column in ("email", "created_at"):
        found = [name for name, index in indexes.items() if index["columns"][0] == column]
        expect.true(found, f"'users' has no index that starts with the column {column!r} "
                           f"(its indexes: { {n: i['columns'] for n, i in indexes.items()} })")
        expect.true(not any(indexes[name]["unique"] for name in found),
                    f"the index on users.{column} must not be unique (a replica stores what the events say; "
                    f"the platform decides what is unique), got a unique one: {found}")
