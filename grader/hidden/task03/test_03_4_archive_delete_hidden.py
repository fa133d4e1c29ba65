"""03.4 Archive, unarchive and delete (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, communities, expect, race, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("03.4")


@pytest.mark.race("an archive or unarchive sent several times at the same moment happens once")
async def test_disallowed_transitions_are_state_conflicts(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    suspended = await communities.seed_community(lea, "Paused", status="suspended")
    headers = tokens.as_user(lea, settings)
    expect.error(await client.post(f"/communities/{club.id}/unarchive", headers=headers), 409,
                 "POST /unarchive of an active community", code="state_conflict")
    expect.status(await client.post(f"/communities/{club.id}/archive", headers=headers), 200, "POST /archive")
    expect.error(await client.post(f"/communities/{club.id}/archive", headers=headers), 409,
                 "POST /archive of an archived community", code="state_conflict")
    expect.error(await client.post(f"/communities/{suspended.id}/archive", headers=headers), 409,
                 "POST /archive of a suspended community", code="state_conflict")
    expect.error(await client.post(f"/communities/{suspended.id}/unarchive", headers=headers), 409,
                 "POST /unarchive of a suspended community", code="state_conflict")
    expect.equal((await communities.stored(suspended)).status.value, "suspended", "status of the suspended community")
    # The same rule when the requests race: each may read the status before one changes it.
    for round_ in race.rounds():
        rush = await communities.seed_community(lea, f"Rush {round_}")
        for path, action in ((f"/communities/{rush.id}/archive", "archived"),
                             (f"/communities/{rush.id}/unarchive", "unarchived")):
            responses = await race.at_once(client.post(path, headers=headers) for _ in range(4))
            expect.equal(race.statuses(responses), [200, 409, 409, 409], f"statuses of 4 POST {path} sent at the same "
                         "moment (the move happens once: change the status with one conditional update)")
            for response in race.winners(responses, 409):
                expect.error(response, 409, f"a POST {path} that lost the race", code="state_conflict")
            entries = [e.action.value for e in await communities.log_entries(rush) if e.action.value == action]
            moved = [e for e in events.of_type(f"community.{action}") if e["entity_id"] == str(rush.id)]
            expect.equal((len(entries), len(moved)), (1, 1), f"('{action}' log entries, community.{action} events) "
                         f"after 4 POST {path} sent at the same moment")


async def test_archive_and_unarchive_emit_events_and_log_who_did_it(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    club = await communities.seed_community(lea, "Garden Club", created_at=utc_now() - timedelta(days=2))
    expect.status(await client.post(f"/communities/{club.id}/archive", headers=tokens.as_user(lea, settings)), 200,
                  "POST /archive by the owner")
    expect.about_now((await communities.stored(club)).updated_at, "updated_at after archiving (it was 2 days ago)")
    expect.status(await client.post(f"/communities/{club.id}/unarchive", headers=tokens.as_user(root, settings)), 200,
                  "POST /unarchive by an admin")
    got = [(e["event_type"], e["entity_id"], e["data"].get("status")) for e in events.events
           if e["event_type"].startswith("community.")]
    expect.equal(got, [("community.archived", str(club.id), "archived"), ("community.unarchived", str(club.id), "active")],
                 "(event_type, entity_id, data.status) of the community events")
    entries = await communities.log_entries(club)
    expect.equal([(e.action.value, e.actor_id) for e in entries], [("archived", str(lea.id)), ("unarchived", str(root.id))],
                 "(action, actor_id) of the moderation-log entries")


async def test_a_deleted_community_is_gone_but_keeps_its_slug(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    expect.status(await client.delete(f"/communities/{club.id}", headers=tokens.as_user(lea, settings)), 204,
                  "DELETE /communities/{id} by the owner")
    stored = await communities.stored(club)
    expect.equal(stored.slug, "garden-club", "slug of the deleted community (it stays taken)")
    expect.about_now(stored.updated_at, "updated_at after the delete")
    for path in (f"/communities/{club.id}/archive", f"/communities/{club.id}/unarchive"):
        expect.error(await client.post(path, headers=tokens.as_user(lea, settings)), 404, f"POST {path} after the "
                     "delete", code="not_found")
