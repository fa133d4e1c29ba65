"""08.4 Post engagement: ties."""

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect, paging

pytestmark = pytest.mark.exercise("08.4")
SECTION = an.section("084-post-engagement")


@pytest.mark.weight(2)
@pytest.mark.ties("GET /analytics/post-engagement")
async def test_communities_with_equal_interactions_come_in_id_order(client, settings):
    headers = await an.as_admin(settings)
    ids, insert_order = paging.tied_ids(5)
    for community_id in insert_order:
        await an.post(str(community_id), views=7, likes=2, comments=1, shares=1)
    doing = "GET /analytics/post-engagement over 5 communities with 4 interactions each, first seen out of id order"
    body = expect.status(await client.get("/analytics/post-engagement", headers=headers), 200, doing)
    expect.equal([r.get("community_id") for r in body], [str(i) for i in ids],
                 f"{doing}: the communities, ties by community_id ascending ({SECTION})")
