"""M05.4 Redelivered and late events.

To show that an event changed nothing, a test sends a later post.created for a new post (a
marker) and waits for the marker's row: the topic has one partition, so every event sent
before the marker has been handled by then."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import post_events as po

pytestmark = pytest.mark.exercise("M05.4")


@pytest.mark.weight(5)
@pytest.mark.must("an event older than the row changes nothing")
def test_an_older_update_changes_nothing(analytics):
    post_id = pipeline.new_id()
    watch = po.Watch(analytics)
    analytics.produce(po.event(po.CREATED, post_id, 0), po.event(po.UPDATED, post_id, 20, {"stats.like_count": 77}))
    row = watch.post(post_id, "after post.created and a newer post.updated",
                     until=lambda found: found is not None and found["like_count"] == 77)
    expect.equal(row and row["like_count"], 77, "like_count after post.created and then post.updated with 77 likes")
    before = po.snapshot(analytics.mysql, [post_id])
    older = analytics.produce(po.event(po.UPDATED, post_id, 10, dict(po.NOTHING_OPTIONAL, **{"stats.like_count": 5})))[0]
    doing = f"after a post.updated stamped {older['timestamp']} arrived after the newer one"
    watch.marker(doing)
    expect.equal(po.snapshot(analytics.mysql, [post_id]), before,
                 f"{doing}: the row must stay as the newer event left it")


@pytest.mark.weight(5)
@pytest.mark.must("an event delivered twice leaves the tables identical")
def test_a_batch_delivered_twice_leaves_the_table_identical(analytics):
    one, two = pipeline.new_id(), pipeline.new_id()
    batch = [po.event(po.CREATED, one, 0, po.NOTHING_OPTIONAL), po.event(po.PUBLISHED, one, 5),
             po.event(po.CREATED, two, 0), po.event(po.UPDATED, two, 6, {"stats.view_count": 5000}),
             po.event(po.DELETED, two, 7)]
    watch = po.Watch(analytics)
    analytics.produce(*batch)
    doing = "after a batch of post events (created and published of one post; created, updated, deleted of another)"
    row = watch.post(two, doing, until=lambda found: found is not None and found["deleted_at"] is not None)
    expect.true(row is not None and row["deleted_at"] is not None, f"{doing}: the deleted post has no deleted_at")
    before = po.snapshot(analytics.mysql, [one, two])
    analytics.produce(*batch)
    doing = "after the same batch of post events was delivered a second time"
    watch.marker(doing)
    expect.equal(po.snapshot(analytics.mysql, [one, two]), before,
                 f"{doing}: the rows of posts for its posts (expected: as after the first delivery)")
