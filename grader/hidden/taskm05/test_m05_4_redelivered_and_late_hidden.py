"""M05.4 Redelivered and late events (hidden tests)."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import post_events as po
from grader.testkit import supplier_events as se

pytestmark = pytest.mark.exercise("M05.4")


@pytest.mark.weight(5)
@pytest.mark.must("a deleted post stays deleted")
def test_events_after_the_delete_do_not_undelete_the_post(analytics):
    post_id, other_id = pipeline.new_id(), pipeline.new_id()
    watch = po.Watch(analytics)
    analytics.produce(po.event(po.CREATED, post_id, 0), po.event(po.DELETED, post_id, 20))
    row = watch.post(post_id, "after post.created and post.deleted",
                     until=lambda found: found is not None and found["deleted_at"] is not None)
    expect.true(row is not None and row["deleted_at"] is not None, "after post.created and post.deleted, no deleted_at")
    # A newer update (a stats change published after the delete) and the created once more.
    analytics.produce(po.event(po.UPDATED, post_id, 30, {"stats.view_count": 4321}), po.event(po.CREATED, post_id, 0),
                      po.event(po.UPDATED, other_id, 30, {"stats.view_count": 4321}))
    doing = "after a post.updated stamped after the post.deleted, and the post.created again"
    other = watch.post(other_id, doing)
    expect.true(other is not None and other["view_count"] == 4321,
                f"{doing}: the same post.updated for another post was not applied")
    now = watch.post(post_id, doing, until=lambda found: found is not None and found["view_count"] == 4321)
    expect.equal(now and (now["deleted_at"], now["view_count"]), (row["deleted_at"], 4321),
                 f"{doing}: (deleted_at, view_count) of the deleted post's row (the newer update is applied; "
                 "deleted_at stays)")


@pytest.mark.weight(5)
@pytest.mark.must("an event delivered twice leaves the tables identical")
def test_an_event_applied_again_after_a_crash_leaves_the_table_identical(new_analytics):
    one, two = pipeline.new_id(), pipeline.new_id()
    batch = [po.event(po.CREATED, two, 0), po.event(po.CREATED, one, 0),
             po.event(po.UPDATED, one, 5, {"stats.like_count": 12}), po.event(po.DELETED, two, 6)]
    last = batch[-1]["event_id"]
    service = new_analytics(env={"ANALYTICS_FAULT": f"kill-after:{last}"})
    service.start()
    watch = po.Watch(service)
    service.produce(*batch)
    doing = ("after post events whose last, a post.deleted, was applied (its transaction committed) and the service "
             "was killed before it could commit the offset")
    if not se.wait_fault(service, last):
        raise AssertionError(f"the analytics service was not killed after applying the post.deleted within "
                             f"{pipeline.ROW_SECONDS:g} s: {watch.problem() or service.reports()}")
    before = po.snapshot(service.mysql, [one, two])
    expect.equal(sorted((r["post_id"] == one, r["deleted_at"] is None) for r in before),
                 [(False, False), (True, True)], f"{doing}: (is the updated post, not deleted) of the two rows")
    expect.equal(service.committed(po.DELETED), 3, f"{doing}: the offset the service's group committed on the post "
                                                   "topic (the post.deleted's, 3: to be read again)")
    try:
        service.start()
    except pipeline.ServiceDown as exc:
        raise AssertionError(f"{doing}, starting it again: {exc}") from None
    watch = po.Watch(service)
    doing = "after the service started again and got that post.deleted a second time"
    watch.marker(doing)
    expect.equal(po.snapshot(service.mysql, [one, two]), before,
                 f"{doing}: the rows of posts (expected: as before the crash)")
