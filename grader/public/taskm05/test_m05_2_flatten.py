"""M05.2 Flatten a post.

Each test sends one post event, built from a real ``Post`` with ``event_data()`` as the app
sends it, and compares the post's row with the doc's table of columns."""

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import post_events as po

pytestmark = pytest.mark.exercise("M05.2")

AUTHOR_LINK_AND_STATS = ("post_id", "community_id", "post_type", "status", "author_user_id", "author_display_name",
                         "author_avatar", "author_type", "text_content", "link_url", "link_title", "link_description",
                         "link_image", "link_site_name", "view_count", "like_count", "comment_count", "share_count",
                         "save_count", "engagement_rate", "is_pinned", "distribution_status")


def _row_of(analytics, sent: dict, doing: str) -> dict:
    row = po.Watch(analytics).post(sent["entity_id"], doing)
    expect.true(row is not None, f"{doing}: no row in posts with post_id {sent['entity_id']!r} within "
                                 f"{pipeline.ROW_SECONDS:g} s")
    return row


@pytest.mark.weight(7)
def test_the_author_the_link_preview_and_the_stats_become_columns(analytics):
    sent = analytics.produce(po.event(po.CREATED, pipeline.new_id(), 0))[0]
    doing = "after post.created of a pinned link post with every part filled in"
    row = _row_of(analytics, sent, doing)
    expected = {column: po.expected_row(sent)[column] for column in AUTHOR_LINK_AND_STATS}
    wrong = po.differences(row, expected)
    expect.true(not wrong, f"{doing}, the row's columns that differ from the event's data: {wrong}")


@pytest.mark.weight(6)
def test_the_media_list_is_stored_as_json_and_times_come_from_the_document(analytics):
    sent = analytics.produce(po.event(po.CREATED, pipeline.new_id(), 200))[0]
    doing = "after post.created with an image and a video"
    row = _row_of(analytics, sent, doing)
    expected = {column: po.expected_row(sent)[column]
                for column in ("media", "last_comment_at", "published_at", "created_at", "updated_at", "event_id",
                               "event_timestamp")}
    expected["deleted_at"] = None  # a post's events never carry a deletion: only post.deleted sets it
    wrong = po.differences(row, expected)
    expect.true(not wrong, f"{doing}, the row's columns that differ from the event's data (media read as JSON): "
                           f"{wrong}")
