"""08.4 Post engagement. Posts are put straight into the database."""

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect

pytestmark = pytest.mark.exercise("08.4")
SECTION = an.section("084-post-engagement")
PATH = "/analytics/post-engagement"


@pytest.mark.weight(3)
async def test_engagement_per_community(client, settings):
    headers = await an.as_admin(settings)
    garden, chess = an.oid(), an.oid()
    await an.post(garden, views=100, likes=10, comments=3, shares=1)
    await an.post(garden, views=50, likes=2, comments=0, shares=0)
    await an.post(garden, views=999, likes=99, status="draft")
    await an.post(garden, views=999, likes=99, deleted=True)
    await an.post(chess, views=10, likes=20, comments=5, shares=2)
    await an.post(chess, views=999, likes=99, status="hidden")
    doing = "GET /analytics/post-engagement over 2 published posts in Garden, 1 in Chess, and a draft, a deleted and a hidden post"
    body = expect.status(await client.get(PATH, headers=headers), 200, doing)
    expect.equal(body, [
        {"community_id": chess, "post_count": 1, "view_count": 10, "like_count": 20, "comment_count": 5,
         "share_count": 2, "interactions": 27},
        {"community_id": garden, "post_count": 2, "view_count": 150, "like_count": 12, "comment_count": 3,
         "share_count": 1, "interactions": 16},
    ], f"{doing}: the report, most interactions first, published posts not deleted only ({SECTION})")
    await an.expect_admin_only(client, settings, PATH, doing)
