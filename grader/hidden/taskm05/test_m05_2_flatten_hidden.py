"""M05.2 Flatten a post (hidden tests)."""

from datetime import datetime

import pytest

from grader.testkit import expect, pipeline
from grader.testkit import post_events as po

pytestmark = pytest.mark.exercise("M05.2")


def _row_of(analytics, sent: dict, doing: str) -> dict:
    row = po.Watch(analytics).post(sent["entity_id"], doing)
    expect.true(row is not None, f"{doing}: no row in posts with post_id {sent['entity_id']!r} within "
                                 f"{pipeline.ROW_SECONDS:g} s")
    return row


@pytest.mark.weight(4)
def test_times_with_an_offset_are_stored_as_utc(analytics):
    post_id = pipeline.new_id()
    data = po.document(post_id, {"created_at": "2025-03-01T12:00:00.250000+02:00",
                                 "published_at": "2025-03-02T08:30:00",  # no offset: already UTC
                                 "stats.last_comment_at": "2025-03-02T09:00:00+01:00",
                                 "updated_at": "2025-03-02T08:30:00Z"})
    sent = analytics.produce(pipeline.envelope(po.PUBLISHED, post_id, data,
                                               timestamp="2025-03-02T04:45:00.500000-05:00"))[0]
    doing = ("after post.published with created_at '2025-03-01T12:00:00.250000+02:00', published_at "
             "'2025-03-02T08:30:00', stats.last_comment_at '2025-03-02T09:00:00+01:00', updated_at "
             "'2025-03-02T08:30:00Z' and the event timestamp '2025-03-02T04:45:00.500000-05:00'")
    row = _row_of(analytics, sent, doing)
    expect.equal((row["created_at"], row["published_at"], row["last_comment_at"], row["updated_at"],
                  row["event_timestamp"]),
                 (datetime(2025, 3, 1, 10, 0, 0, 250000), datetime(2025, 3, 2, 8, 30), datetime(2025, 3, 2, 8, 0),
                  datetime(2025, 3, 2, 8, 30), datetime(2025, 3, 2, 9, 45, 0, 500000)),
                 f"{doing}: (created_at, published_at, last_comment_at, updated_at, event_timestamp), in UTC")


@pytest.mark.weight(5)
def test_optional_fields_left_empty_become_null(analytics):
    sent = analytics.produce(po.event(po.CREATED, pipeline.new_id(), 0, po.NOTHING_OPTIONAL))[0]
    doing = ("after post.created of a draft text post without text, media, link preview, avatar or comments, not "
             "pinned, never published")
    row = _row_of(analytics, sent, doing)
    wrong = po.differences(row, dict(po.expected_row(sent), deleted_at=None))
    expect.true(not wrong, f"{doing}, the row's columns that differ from the event's data (media: the JSON array "
                           f"[]): {wrong}")


@pytest.mark.weight(3)
def test_text_in_any_script_is_kept(analytics):
    text = "Lauftreff am Sonntag 🏃 — 東京でも走ります. " + "ü" * 4000
    changes = {"text_content": text, "author.display_name": "Zoë Ørsted", "link_preview.title": "Größe M 🚀"}
    sent = analytics.produce(po.event(po.CREATED, pipeline.new_id(), 0, changes))[0]
    doing = "after post.created with a 4000-character text in several scripts, emoji included"
    row = _row_of(analytics, sent, doing)
    expect.equal((row["text_content"], row["author_display_name"], row["link_title"]), tuple(changes.values()),
                 f"{doing}: (text_content, author_display_name, link_title) of the row")
