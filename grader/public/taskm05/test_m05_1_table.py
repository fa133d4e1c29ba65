"""M05.1 The posts table.

The analytics service creates the tables of your ``tables()`` when it starts; these tests read
what MySQL made of them (``information_schema``)."""

import pytest

from grader.testkit import expect
from grader.testkit import post_events as po

pytestmark = pytest.mark.exercise("M05.1")


def _shown(columns: dict[str, tuple[str, bool]]) -> str:
    return ", ".join(f"{name} {kind}{'' if nullable else ' NOT NULL'}" for name, (kind, nullable) in columns.items())


@pytest.mark.weight(4)
def test_the_table_exists_with_the_post_id_as_primary_key(analytics):
    tables = analytics.mysql.tables()
    expect.true("posts" in tables, f"after the analytics service started, the database has the tables {tables}; "
                                   "expected a table 'posts' (created by the statement of tables())")
    primary = analytics.mysql.indexes("posts").get("PRIMARY", {}).get("columns")
    expect.equal(primary, ["post_id"], "the primary key of posts")


@pytest.mark.weight(6)
def test_the_posts_table_has_the_docs_columns_and_types(analytics):
    found = po.column_types(analytics.mysql, "posts")
    expect.true(found, "after the analytics service started, there is no table 'posts'")
    wanted = po.POST_COLUMNS
    missing = [name for name in wanted if name not in found]
    extra = [name for name in found if name not in wanted]
    expect.true(not missing and not extra, f"the columns of posts: missing {missing or 'none'}, not in the doc's "
                                           f"table {extra or 'none'} (the doc's table: {_shown(wanted)})")
    wrong = [f"{name} is {found[name][0]}{'' if found[name][1] else ' NOT NULL'}, expected "
             f"{kind}{'' if nullable else ' NOT NULL'}"
             for name, (kind, nullable) in wanted.items() if found[name] != (kind, nullable)]
    expect.true(not wrong, f"the columns of posts (BOOLEAN shows as tinyint): {'; '.join(wrong)}")
