"""M05.5 The data team's reports (hidden tests)."""

from datetime import timedelta

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
def test_authors_since_a_moment(reports):
    since = po.EPOCH.replace(tzinfo=None) + timedelta(minutes=15)
    doing = f"authors_since with since {since} (a hidden post published at that very moment does not count)"
    rows = reports.run("authors_since", {"since": since}, doing)
    expect.equal(rows, po.expected_authors_since(po.report_rows(), since),
                 f"{doing}: the rows (author_user_id, posts, likes, last_published_at), the most posts first, ties "
                 "by author_user_id")


@pytest.mark.weight(3)
def test_top_one_post_per_community(reports):
    doing = "top_posts_by_community with top 1"
    rows = reports.run("top_posts_by_community", {"top": 1}, doing)
    expect.equal(rows, po.expected_top_posts_by_community(po.report_rows(), 1), f"{doing}: the rows")
