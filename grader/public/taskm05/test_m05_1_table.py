"""M05.1 The posts table.

The analytics service creates the tables of your ``tables()`` when it starts; these tests read
what MySQL made of them (``information_schema``)."""

import pytest

from grader.testkit import expect
from grader.testkit import post_events as po

pytestmark = pytest.mark.exercise("M05.1")



@pytest.mark.weight(4)
def test_the_table_exists_with_the_post_id_as_primary_key(analytics):
    tables = analytics.mysql.tables()
    expect.true("posts" in tables, f"after the analytics service started, the database has the tables {tables}; "
                                   "expected a table 'posts' (created by the statement of tables())")
    primary = analytics.mysql.indexes("posts").get("PRIMARY", {}).get("columns")
    expect.equal(primary, ["post_id"], "the primary key of posts")


@pytest.mark.weight(6)
def test_the_posts_table_has_the_docs_columns_and_types(analytics):
    po.check_columns(analytics.mysql, "posts", po.POST_COLUMNS, " (BOOLEAN shows as tinyint)")
