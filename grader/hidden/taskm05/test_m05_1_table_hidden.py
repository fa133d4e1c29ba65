"""M05.1 The posts table (hidden tests)."""

import signal

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import post_events as po

pytestmark = pytest.mark.exercise("M05.1")


@pytest.mark.weight(3)
def test_the_indexes_of_the_feeds_and_utf8mb4(analytics):
    indexes = analytics.mysql.indexes("posts")
    shown = {name: index["columns"] for name, index in indexes.items()}
    for columns in (["community_id", "deleted_at", "published_at"], ["author_user_id", "deleted_at", "created_at"]):
        found = [index for index in indexes.values() if index["columns"] == columns and not index["unique"]]
        expect.true(found, f"the indexes of posts are {shown}; expected a plain one on ({', '.join(columns)}), in "
                           "this order")
    rows = analytics.mysql.query("SELECT TABLE_COLLATION FROM information_schema.TABLES "
                                 "WHERE TABLE_SCHEMA = %s AND TABLE_NAME = 'posts'", (analytics.database,))
    collation = rows[0]["TABLE_COLLATION"] if rows else None
    expect.true(str(collation).startswith("utf8mb4"), f"the table posts has the collation {collation!r}; expected "
                                                      "one of utf8mb4 (DEFAULT CHARSET=utf8mb4)")


@pytest.mark.weight(2)
def test_the_service_starts_again_on_its_table_and_keeps_its_rows(new_analytics):
    service = new_analytics()
    service.start()
    post_id = pipeline.new_id()
    watch = po.Watch(service)
    service.produce(po.event(po.CREATED, post_id, 0))
    expect.true(watch.post(post_id, "after post.created") is not None, f"after post.created of {post_id}, no row")
    service.signal(signal.SIGTERM)
    expect.true(service.wait_exit() is not None, "the analytics service did not stop within 10 s of SIGTERM")
    try:
        service.start()
    except pipeline.ServiceDown as exc:
        raise AssertionError(f"starting the analytics service a second time, on the table it created the first "
                             f"time (tables() runs at every start: CREATE TABLE IF NOT EXISTS): {exc}") from None
    watch = po.Watch(service)
    service.produce(po.event(po.UPDATED, post_id, 1, {"stats.like_count": 555}))
    row = watch.post(post_id, "after a restart and post.updated",
                     until=lambda found: found is not None and found["like_count"] == 555)
    expect.equal(row and row["like_count"], 555, "like_count of a post updated after the service started again")
