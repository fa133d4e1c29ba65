"""M01.1 The users table (hidden tests)."""

import re

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import replica_users as users

pytestmark = pytest.mark.exercise("M01.1")


@pytest.fixture
def replica():
    """The analytics service with your users.py, shared by the tests of this test process."""
    return users.shared_service()


# The doc's table: the column and its type (integers without a display width: MariaDB shows "int(11)").
DOC_TYPES = {"user_id": "varchar(24)", "email": "varchar(255)", "phone": "varchar(50)",
             "display_name": "varchar(255)", "avatar": "varchar(500)", "bio": "text", "role": "varchar(20)",
             "status": "varchar(20)", "email_verified_at": "datetime(6)", "version": "int",
             "deleted_at": "datetime(6)", "created_at": "datetime(6)", "updated_at": "datetime(6)",
             "event_id": "varchar(36)", "event_timestamp": "datetime(6)"}


@pytest.mark.weight(4)
def test_every_column_of_the_doc_has_its_type(replica):
    columns = replica.mysql.columns("users")
    expect.true(columns, f"after the analytics service started, there is no table 'users' "
                         f"(tables: {replica.mysql.tables()})")
    found = {name: re.sub(r"^int\(\d+\)", "int", column["type"]) for name, column in columns.items()}
    wrong = [f"{name}: expected {wanted}, got {found.get(name, '(no such column)')}"
             for name, wanted in DOC_TYPES.items() if found.get(name) != wanted]
    expect.true(not wrong, "columns of 'users' that differ from the doc's table: " + "; ".join(wrong))


@pytest.mark.weight(3)
def test_the_service_starts_again_on_a_database_that_has_the_table(new_analytics):
    service = new_analytics()
    service.start()
    expect.true(service.mysql.columns("users"), "after the analytics service started, there is no table 'users' "
                                                f"(tables: {service.mysql.tables()})")
    user_id = pipeline.new_id()
    service.mysql.execute("INSERT INTO users (user_id, event_id, event_timestamp) VALUES (%s, %s, %s)",
                          (user_id, "00000000-0000-4000-8000-000000000000", users.naive(users.at(0))))
    service.stop()
    try:
        service.start()
    except pipeline.ServiceDown as exc:
        raise AssertionError("starting the analytics service a second time on the same database (its 'users' "
                             f"table already there) failed: {exc}") from None
    expect.true(users.row(service, user_id) is not None,
                "after starting the analytics service a second time, the row put in 'users' before is gone "
                "(CREATE TABLE IF NOT EXISTS keeps a table and its rows)")
