"""M05.3 Upsert and soft delete (hidden tests)."""

from datetime import timedelta, timezone

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import post_events as po

pytestmark = pytest.mark.exercise("M05.3")


@pytest.mark.weight(5)
@pytest.mark.must("deleted_at is the delete event's timestamp")
def test_deleted_at_with_an_offset_is_stored_in_utc(analytics):
    post_id = pipeline.new_id()
    watch = po.Watch(analytics)
    analytics.produce(po.event(po.CREATED, post_id, 0))
    expect.true(watch.post(post_id, "after post.created") is not None, f"after post.created of {post_id}, no row")
    stamp = po.at(45).astimezone(timezone(timedelta(hours=-4))).isoformat()
    deleted = analytics.produce(pipeline.envelope(po.DELETED, post_id, {"id": post_id}, timestamp=stamp))[0]
    doing = f"after post.deleted with the timestamp {deleted['timestamp']}"
    row = watch.post(post_id, doing, until=lambda found: found is not None and found["deleted_at"] is not None)
    expect.equal(row and row["deleted_at"], po.utc(deleted["timestamp"]),
                 f"{doing}: deleted_at of its row (the event's timestamp, in UTC)")


@pytest.mark.weight(4)
def test_a_second_delete_keeps_the_first_deleted_at(analytics):
    post_id = pipeline.new_id()
    watch = po.Watch(analytics)
    analytics.produce(po.event(po.CREATED, post_id, 0))
    first = analytics.produce(po.event(po.DELETED, post_id, 30))[0]
    row = watch.post(post_id, "after post.created and post.deleted",
                     until=lambda found: found is not None and found["deleted_at"] is not None)
    expect.equal(row and row["deleted_at"], po.utc(first["timestamp"]), "deleted_at after post.created and post.deleted")
    analytics.produce(po.event(po.DELETED, post_id, 40))
    doing = "after a second post.deleted (another event id, a later timestamp) of a deleted post"
    watch.marker(doing)
    now = watch.post(post_id, doing)
    expect.equal(now and now["deleted_at"], po.utc(first["timestamp"]), f"{doing}: deleted_at (the first deletion's)")


@pytest.mark.weight(4)
def test_an_update_of_a_post_not_seen_yet_inserts_its_row(analytics):
    post_id = pipeline.new_id()
    updated = analytics.produce(po.event(po.UPDATED, post_id, 10))[0]
    doing = "after post.updated of a post whose post.created the replica never got"
    row = po.Watch(analytics).post(post_id, doing)
    wrong = po.differences(row, dict(po.expected_row(updated), deleted_at=None))
    expect.true(not wrong, f"{doing}: the row's columns that differ from the event's data: {wrong}")
