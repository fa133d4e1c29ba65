"""03.7 Moderation. Communities are put straight into the database."""

from datetime import timedelta

import pytest

from grader.testkit import accounts, communities, expect, paging, tokens
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("03.7")


@pytest.mark.ties("GET /communities/{id}/moderation-log")
async def test_suspend_then_reinstate_and_the_log_says_who(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    club = await communities.seed_community(lea, "Garden Club")
    headers = tokens.as_user(root, settings)
    body = expect.status(await client.post(f"/communities/{club.id}/suspend", json={"reason": "Spam"}, headers=headers),
                         200, "POST /communities/{id}/suspend by an admin")
    expect.equal(body.get("status"), "suspended", "status after suspending")
    body = expect.status(await client.post(f"/communities/{club.id}/reinstate", headers=headers), 200,
                         "POST /communities/{id}/reinstate by an admin")
    expect.equal(body.get("status"), "active", "status after reinstating")
    log = expect.status(await client.get(f"/communities/{club.id}/moderation-log", headers=tokens.as_user(lea, settings)),
                        200, "GET /communities/{id}/moderation-log by the owner")
    expect.equal([(e.get("action"), e.get("actor_id"), e.get("reason")) for e in log],
                 [("reinstated", str(root.id), None), ("suspended", str(root.id), "Spam")],
                 "(action, actor_id, reason) of the log entries, newest first")
    expect.about_now(log[-1].get("created_at") if log else None, "created_at of the 'suspended' entry")
    # Entries made in the same instant: the tiebreak (_id, descending as the log is newest first) decides.
    quiet = await communities.seed_community(lea, "Quiet Club")
    same_time = utc_now() - timedelta(hours=1)
    older = await communities.seed_log_entry(quiet, root, "featured", created_at=same_time - timedelta(hours=1))
    ids, insert_order = paging.tied_ids(5)
    for n, entry_id in enumerate(insert_order):
        await communities.seed_log_entry(quiet, root, "suspended" if n % 2 else "reinstated", reason=f"Tied {n}",
                                         created_at=same_time, id=entry_id)
    path = f"/communities/{quiet.id}/moderation-log"
    log = expect.status(await client.get(path, headers=tokens.as_user(lea, settings)), 200,
                        f"GET {path} by the owner")
    names = {str(i): f"'Tied {n}'" for n, i in enumerate(insert_order)} | {str(older.id): "older"}
    paging.expect_each_once(log, [*reversed(ids), older.id], f"ids of the entries of GET {path}, newest first: 5 made "
                            "in one instant (ties in descending _id order), then one an hour older", names=names)


async def test_only_an_active_community_can_be_featured(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    headers = tokens.as_user(root, settings)
    club = await communities.seed_community(lea, "Garden Club")
    body = expect.status(await client.post(f"/communities/{club.id}/feature", headers=headers), 200,
                         "POST /communities/{id}/feature of an active community by an admin")
    expect.equal(body.get("featured"), True, "featured after featuring")
    expect.about_now((await communities.stored(club)).featured_at, "featured_at stored")
    for status in ("archived", "suspended"):
        other = await communities.seed_community(lea, f"Club {status}", status=status)
        expect.error(await client.post(f"/communities/{other.id}/feature", headers=headers), 409,
                     f"POST /feature of a {status} community", code="state_conflict")
        expect.equal((await communities.stored(other)).featured, False, f"featured of the {status} community")
    expect.equal([e["entity_id"] for e in events.of_type("community.featured")], [str(club.id)],
                 "entity_id of the community.featured events")


@pytest.mark.weight(5)
@pytest.mark.must("only admins suspend, reinstate or feature a community")
async def test_only_admins_suspend_reinstate_or_feature(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    mod = await accounts.seed_user("mod@example.com", "Mod")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    club = await communities.seed_community(lea, "Garden Club", moderators=[mod])
    paused = await communities.seed_community(lea, "Paused", status="suspended")
    as_root = tokens.as_user(root, settings)
    expect.status(await client.post(f"/communities/{paused.id}/reinstate", headers=as_root), 200, "reinstate by an admin")
    expect.status(await client.post(f"/communities/{paused.id}/suspend", json={"reason": "Again"}, headers=as_root), 200,
                  "suspend by an admin")
    shown = await communities.seed_community(lea, "Shown")
    expect.status(await client.post(f"/communities/{shown.id}/feature", headers=as_root), 200, "feature by an admin")
    for user, who in ((lea, "the owner"), (mod, "a moderator")):
        headers = tokens.as_user(user, settings)
        for path, body in ((f"/communities/{club.id}/suspend", {"reason": "Mine"}), (f"/communities/{club.id}/feature", None),
                           (f"/communities/{paused.id}/reinstate", None)):
            expect.error(await client.post(path, json=body, headers=headers), 403, f"POST {path} by {who}",
                         code="forbidden")
    club_now, paused_now = await communities.stored(club), await communities.stored(paused)
    expect.equal((club_now.status.value, club_now.featured, paused_now.status.value), ("active", False, "suspended"),
                 "(status, featured of the active one; status of the suspended one) after refused requests")
    expect.equal(len(await communities.log_entries(club)), 0, "log entries of the community after refused requests")
    expect.equal(len(events.of_type("community.suspended")), 1, "community.suspended events (one by the admin)")
