"""03.4 Archive, unarchive and delete. Communities are put straight into the database."""

import pytest

from grader.testkit import accounts, communities, expect, tokens

pytestmark = pytest.mark.exercise("03.4")


async def test_archive_then_unarchive(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club", featured=True)
    headers = tokens.as_user(lea, settings)
    body = expect.status(await client.post(f"/communities/{club.id}/archive", headers=headers), 200,
                         "POST /communities/{id}/archive by the owner")
    expect.equal((body.get("status"), body.get("featured")), ("archived", False), "(status, featured) after archiving")
    body = expect.status(await client.post(f"/communities/{club.id}/unarchive", headers=headers), 200,
                         "POST /communities/{id}/unarchive by the owner")
    expect.equal(body.get("status"), "active", "status after unarchiving")
    expect.equal((await communities.stored(club)).status.value, "active", "status stored after unarchiving")


async def test_delete_is_soft(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club")
    expect.status(await client.delete(f"/communities/{club.id}", headers=tokens.as_user(lea, settings)), 204,
                  "DELETE /communities/{id} by the owner")
    stored = await communities.stored(club)
    expect.true(stored is not None, "after DELETE the document is gone from 'communities'; a delete must be soft")
    expect.about_now(stored.deleted_at, "deleted_at after DELETE /communities/{id}")
    expect.equal([e["data"] for e in events.of_type("community.deleted")], [{"id": str(club.id)}],
                 "data of the community.deleted events")
    response = await client.delete(f"/communities/{club.id}", headers=tokens.as_user(lea, settings))
    expect.error(response, 404, "DELETE /communities/{id} a second time", code="not_found")


@pytest.mark.weight(5)
@pytest.mark.must("only the owner or an admin archives or deletes a community")
async def test_only_the_owner_or_an_admin_archives_or_deletes(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    mod = await accounts.seed_user("mod@example.com", "Mod")
    ada = await accounts.seed_user("ada@example.com", "Ada", role="leader")  # a leader, but a plain member here
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    mine = await communities.seed_community(lea, "Mine", moderators=[mod], members=[ada])
    other = await communities.seed_community(lea, "Other", moderators=[mod], members=[ada])
    expect.status(await client.post(f"/communities/{mine.id}/archive", headers=tokens.as_user(lea, settings)), 200,
                  "POST /communities/{id}/archive by the owner")
    expect.status(await client.post(f"/communities/{mine.id}/unarchive", headers=tokens.as_user(root, settings)), 200,
                  "POST /communities/{id}/unarchive by an admin")
    expect.status(await client.post(f"/communities/{other.id}/archive", headers=tokens.as_user(lea, settings)), 200,
                  "POST /communities/{id}/archive of another community by the owner")
    for user, who in ((mod, "a moderator"), (ada, "a plain member (a leader elsewhere)")):
        expect.error(await client.post(f"/communities/{other.id}/unarchive", headers=tokens.as_user(user, settings)),
                     403, f"POST /communities/{{id}}/unarchive by {who}", code="forbidden")
    expect.equal((await communities.stored(other)).status.value, "archived", "status after refused unarchives")
    for user, who in ((mod, "a moderator"), (ada, "a plain member (a leader elsewhere)")):
        headers = tokens.as_user(user, settings)
        expect.error(await client.post(f"/communities/{mine.id}/archive", headers=headers), 403,
                     f"POST /communities/{{id}}/archive by {who}", code="forbidden")
        expect.error(await client.delete(f"/communities/{mine.id}", headers=headers), 403,
                     f"DELETE /communities/{{id}} by {who}", code="forbidden")
    stored = await communities.stored(mine)
    expect.equal((stored.status.value, stored.deleted_at), ("active", None),
                 "(status, deleted_at) after refused archive and delete requests")
    expect.equal(len(events.of_type("community.deleted")), 0, "community.deleted events after refused deletes")
    expect.status(await client.delete(f"/communities/{other.id}", headers=tokens.as_user(root, settings)), 204,
                  "DELETE /communities/{id} by an admin")
