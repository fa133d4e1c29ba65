"""M05.5 The data team's reports.

The kit makes the doc's table in a database of its own, loads posts with its own SQL (three
communities, drafts, hidden and deleted posts), and runs the SQL your ``reports()`` returns on
them."""

import pytest

from grader.testkit import expect
from grader.testkit import post_events as po
from grader.testkit import product_events as pe

pytestmark = pytest.mark.exercise("M05.5")


@pytest.fixture(scope="module")
def reports():
    found = pe.Reports("posts", po.REPORT_TABLES, po.load_report_rows)
    yield found
    found.close()


@pytest.mark.weight(4)
def test_engagement_by_community(reports):
    doing = "engagement_by_community on 8 posts in 3 communities (a draft, a hidden and a deleted post among them)"
    rows = reports.run("engagement_by_community", {}, doing)
    expect.equal(rows, po.expected_engagement_by_community(po.report_rows()),
                 f"{doing}: the rows (community_id, posts, views, interactions, average_engagement_rate), the most "
                 "interactions first")


@pytest.mark.weight(4)
def test_top_posts_by_community(reports):
    doing = "top_posts_by_community with top 2 (two posts of one community tie on likes)"
    rows = reports.run("top_posts_by_community", {"top": 2}, doing)
    expect.equal(rows, po.expected_top_posts_by_community(po.report_rows(), 2),
                 f"{doing}: the rows (community_id, post_id, like_count, position), by community and position")
