"""03.7 Moderation (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, communities, expect, race, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("03.7")


async def _people():
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    return lea, root


@pytest.mark.weight(5)
@pytest.mark.must("only the owner, its moderators or an admin manage a community")
async def test_who_may_read_the_moderation_log(client, settings):
    lea, root = await _people()
    mod = await accounts.seed_user("mod@example.com", "Mod")
    ada = await accounts.seed_user("ada@example.com", "Ada", role="leader")  # a leader, but a plain member here
    bob = await accounts.seed_user("bob@example.com", "Bob")
    club = await communities.seed_community(lea, "Secret", visibility="private", moderators=[mod], members=[ada])
    path = f"/communities/{club.id}/moderation-log"
    for user, who in ((lea, "the owner"), (mod, "a moderator"), (root, "an admin")):
        expect.status(await client.get(path, headers=tokens.as_user(user, settings)), 200, f"GET {path} by {who}")
    expect.error(await client.get(path, headers=tokens.as_user(ada, settings)), 403, f"GET {path} by a plain member (a leader elsewhere)",
                 code="forbidden")
    expect.error(await client.get(path, headers=tokens.as_user(bob, settings)), 404, f"GET {path} of a private "
                 "community by a non-member", code="not_found")


async def test_suspending_ends_featuring(client, settings):
    lea, root = await _people()
    club = await communities.seed_community(lea, "Garden Club", featured=True)
    body = expect.status(await client.post(f"/communities/{club.id}/suspend", json={"reason": "Spam"},
                                           headers=tokens.as_user(root, settings)), 200, "suspend a featured community")
    expect.equal(body.get("featured"), False, "featured after suspending")
    expect.equal((await communities.stored(club)).featured, False, "featured stored after suspending")


async def test_the_log_records_the_reason_and_when_and_events_follow(client, events, settings):
    lea, root = await _people()
    club = await communities.seed_community(lea, "Garden Club", created_at=utc_now() - timedelta(days=2))
    headers = tokens.as_user(root, settings)
    expect.status(await client.post(f"/communities/{club.id}/feature", headers=headers), 200, "feature")
    expect.about_now((await communities.stored(club)).updated_at, "updated_at after featuring (it was 2 days ago)")
    expect.status(await client.post(f"/communities/{club.id}/suspend", json={"reason": "Off topic"}, headers=headers),
                  200, "suspend")
    entries = await communities.log_entries(club)
    expect.equal([(e.action.value, e.actor_id, e.reason) for e in entries],
                 [("featured", str(root.id), None), ("suspended", str(root.id), "Off topic")],
                 "(action, actor_id, reason) stored in the moderation log, oldest first")
    expect.about_now(entries[0].created_at if entries else None, "created_at of the first entry")
    expect.status(await client.post(f"/communities/{club.id}/reinstate", headers=headers), 200, "reinstate")
    got = [(e["event_type"], e["entity_id"], e["data"].get("status")) for e in events.events
           if e["event_type"].startswith("community.")]
    expect.equal(got, [("community.featured", str(club.id), "active"),
                       ("community.suspended", str(club.id), "suspended"),
                       ("community.reinstated", str(club.id), "active")], "(event_type, entity_id, data.status)")


@pytest.mark.race("a suspend, reinstate or feature sent several times at the same moment happens once")
async def test_suspend_reinstate_and_feature_only_from_the_right_status(client, events, settings):
    lea, root = await _people()
    headers = tokens.as_user(root, settings)
    club = await communities.seed_community(lea, "Garden Club")
    expect.error(await client.post(f"/communities/{club.id}/reinstate", headers=headers), 409,
                 "reinstate an active community", code="state_conflict")
    expect.status(await client.post(f"/communities/{club.id}/suspend", json={"reason": "x"}, headers=headers), 200,
                  "suspend")
    expect.error(await client.post(f"/communities/{club.id}/suspend", json={"reason": "x"}, headers=headers), 409,
                 "suspend a suspended community", code="state_conflict")
    old = await communities.seed_community(lea, "Old", status="archived")
    expect.error(await client.post(f"/communities/{old.id}/suspend", json={"reason": "x"}, headers=headers), 409,
                 "suspend an archived community", code="state_conflict")
    fresh = await communities.seed_community(lea, "Fresh")
    expect.status(await client.post(f"/communities/{fresh.id}/feature", headers=headers), 200, "feature")
    expect.error(await client.post(f"/communities/{fresh.id}/feature", headers=headers), 409, "feature again",
                 code="state_conflict")
    expect.equal(len(await communities.log_entries(fresh)), 1, "log entries after one feature and a refused one")
    # The same rule when the requests race: each may read the status before one changes it.
    for round_ in race.rounds():
        rush = await communities.seed_community(lea, f"Rush {round_}")
        done = {"featured": 0, "suspended": 0, "reinstated": 0}
        for move, action, body in (("feature", "featured", None), ("suspend", "suspended", {"reason": "x"}),
                                   ("reinstate", "reinstated", None), ("feature", "featured", None)):
            path = f"/communities/{rush.id}/{move}"
            responses = await race.at_once(client.post(path, json=body, headers=headers) for _ in range(4))
            expect.equal(race.statuses(responses), [200, 409, 409, 409], f"statuses of 4 POST {path} sent at the same "
                         "moment (the move happens once: change the community with one conditional update)")
            for response in race.winners(responses, 409):
                expect.error(response, 409, f"a POST {path} that lost the race", code="state_conflict")
            done[action] += 1
            entries = [e for e in await communities.log_entries(rush) if e.action.value == action]
            moved = [e for e in events.of_type(f"community.{action}") if e["entity_id"] == str(rush.id)]
            expect.equal((len(entries), len(moved)), (done[action], done[action]), f"('{action}' log entries, "
                         f"community.{action} events) after {done[action]} time(s) 4 POST {path} at the same moment")
