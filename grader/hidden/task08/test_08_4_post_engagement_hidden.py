"""08.4 Post engagement: ties."""

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect, paging

pytestmark = pytest.mark.exercise("08.4")
SECTION = an.section("084-post-engagement")


@pytest.mark.weight(2)
@pytest.mark.ties("GET /analytics/post-engagement")
async def test_communities_with_equal_interactions_come_by_posts_then_id(client, settings):
    headers = await an.as_admin(settings)
    ids, insert_order = paging.tied_ids(5)
    posts = {str(i): n for i, n in zip(ids, [3, 1, 2, 1, 4])}
    for community_id in insert_order:
        count = posts[str(community_id)]
        for n in range(count):  # 12 interactions in all, however many posts
            await an.post(str(community_id), views=5, likes=12 // count, comments=0, shares=0)
    doing = ("GET /analytics/post-engagement over 5 communities with 12 interactions each in 3, 1, 2, 1 and 4 posts "
             "(id order), first seen out of id order")
    body = expect.status(await client.get("/analytics/post-engagement", headers=headers), 200, doing)
    expect.equal([(r.get("community_id"), r.get("post_count")) for r in body],
                 [(str(ids[n]), posts[str(ids[n])]) for n in (1, 3, 2, 0, 4)],
                 f"{doing}: (community, posts) in order: ties by post_count ascending, then community_id ascending "
                 f"({SECTION})")
