"""M05.3 Upsert and soft delete."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import post_events as po

pytestmark = pytest.mark.exercise("M05.3")


@pytest.mark.weight(6)
def test_an_update_changes_the_row_and_keeps_created_at(analytics):
    post_id = pipeline.new_id()
    watch = po.Watch(analytics)
    created = analytics.produce(po.event(po.CREATED, post_id, 0))[0]
    expect.true(watch.post(post_id, "after post.created") is not None, f"after post.created of {post_id}, no row")
    changes = {"text_content": "Edited after the run.", "stats.like_count": 99, "is_pinned": False,
               "link_preview": None, "created_at": "2025-06-01T00:00:00Z", "updated_at": "2025-06-01T00:00:00Z"}
    updated = analytics.produce(po.event(po.UPDATED, post_id, 10, changes))[0]
    doing = f"after post.created and then post.updated with {changes}"
    row = watch.post(post_id, doing, until=lambda found: found is not None and found["like_count"] == 99)
    expected = dict(po.expected_row(updated), created_at=po.expected_row(created)["created_at"], deleted_at=None)
    wrong = po.differences(row, expected)
    expect.true(not wrong, f"{doing}: the row's columns that differ from the update (created_at: the first "
                           f"insert's): {wrong}")


@pytest.mark.weight(6)
@pytest.mark.must("deleted_at is the delete event's timestamp")
def test_a_delete_keeps_the_row_and_sets_deleted_at(analytics):
    gone, kept = pipeline.new_id(), pipeline.new_id()
    watch = po.Watch(analytics)
    analytics.produce(po.event(po.CREATED, gone, 0), po.event(po.CREATED, kept, 0))
    expect.true(watch.post(kept, "after post.created of two posts") is not None,
                "after post.created of two posts, no row for the second")
    before = watch.post(gone, "after post.created of two posts")
    deleted = analytics.produce(po.event(po.DELETED, gone, 90))[0]
    doing = f"after post.deleted of {gone} stamped {deleted['timestamp']} (of two posts)"
    row = watch.post(gone, doing, until=lambda found: found is not None and found["deleted_at"] is not None)
    expect.equal(row and row["deleted_at"], po.utc(deleted["timestamp"]),
                 f"{doing}: deleted_at of its row (the delete event's timestamp, in UTC; a soft delete keeps the row)")
    wrong = po.differences(row, dict(before, deleted_at=row and row["deleted_at"]))
    expect.true(not wrong, f"{doing}: the row's other columns changed: {wrong}")
    other = watch.post(kept, doing)
    expect.equal(other and other["deleted_at"], None, f"{doing}: deleted_at of the other post")
