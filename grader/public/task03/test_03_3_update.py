"""03.3 Update with a version check. Communities are put straight into the database."""

import pytest

from grader.testkit import accounts, communities, expect, race, tokens

pytestmark = pytest.mark.exercise("03.3")


async def test_update_changes_the_given_fields_and_the_version(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club", tags=["roses"])
    response = await client.patch(f"/communities/{club.id}", json={"version": 1, "description": "Seeds and soil."},
                                  headers=tokens.as_user(lea, settings))
    body = expect.status(response, 200, "PATCH /communities/{id} by the owner with version 1 and a description")
    expect.equal((body.get("description"), body.get("tags"), body.get("name"), body.get("version")),
                 ("Seeds and soil.", ["roses"], "Garden Club", 2), "(description, tags, name, version) after the update")
    stored = await communities.stored(club)
    expect.equal((stored.description, stored.version), ("Seeds and soil.", 2), "(description, version) stored")


@pytest.mark.weight(5)
@pytest.mark.must("a stale version changes nothing")
@pytest.mark.race("of PATCH requests sent at the same moment with one version, exactly one wins")
async def test_a_stale_version_changes_nothing(client, events, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    club = await communities.seed_community(lea, "Garden Club", version=3)
    headers = tokens.as_user(lea, settings)
    expect.status(await client.patch(f"/communities/{club.id}", json={"version": 3, "description": "First"},
                                     headers=headers), 200, "PATCH /communities/{id} with the current version 3")
    before = await communities.stored(club)
    for version in (3, 2, 7):
        response = await client.patch(f"/communities/{club.id}", json={"version": version, "description": "Late"},
                                      headers=headers)
        error = expect.error(response, 409, f"PATCH /communities/{{id}} with version {version} when the stored one "
                             "is 4", code="version_conflict")
        expect.equal(error.get("details"), {"current_version": 4}, f"details of the 409 for version {version}")
    after = await communities.stored(club)
    expect.equal((after.description, after.version, after.updated_at), (before.description, 4, before.updated_at),
                 "(description, version, updated_at) after PATCH requests with stale versions (nothing may change)")
    expect.equal(len(events.of_type("community.updated")), 1, "community.updated events after one accepted update")
    # The same rule when the requests race: each may read the version before one changes it.
    versions = [4 + n for n in range(2 * len(race.rounds()))]  # two races a round
    for version in versions:
        responses = await race.at_once(client.patch(f"/communities/{club.id}", headers=headers,
                                                    json={"version": version, "name": f"Club {version}.{i}"})
                                       for i in range(6))
        expect.equal(race.statuses(responses), [200] + [409] * 5, f"statuses of 6 PATCH requests sent at the same "
                     f"moment, all with version {version} (exactly one may win: check and change in one atomic update)")
        for response in race.winners(responses, 409):
            expect.error(response, 409, f"a PATCH with version {version} that lost the race", code="version_conflict")
        expect.equal((await communities.stored(club)).version, version + 1,
                     f"version after one winning update of version {version} among 6 sent at the same moment")
    expect.equal(len(events.of_type("community.updated")), 1 + len(versions),
                 "community.updated events (one per accepted update, none for a refused one)")


@pytest.mark.weight(5)
@pytest.mark.must("only the owner, its moderators or an admin manage a community")
async def test_only_the_owner_moderators_or_an_admin_update(client, settings):
    lea = await accounts.seed_user("lea@example.com", "Lea", role="leader")
    mod = await accounts.seed_user("mod@example.com", "Mod")
    ada = await accounts.seed_user("ada@example.com", "Ada", role="leader")  # a leader, but a plain member here
    other = await accounts.seed_user("other@example.com", "Other", role="leader")
    root = await accounts.seed_user("root@example.com", "Root", role="admin")
    club = await communities.seed_community(lea, "Garden Club", moderators=[mod], members=[ada])
    hidden = await communities.seed_community(lea, "Secret Garden", visibility="private")
    version = 1
    for user, who in ((lea, "the owner"), (mod, "a moderator"), (root, "an admin")):
        response = await client.patch(f"/communities/{club.id}", json={"version": version, "description": who},
                                      headers=tokens.as_user(user, settings))
        expect.status(response, 200, f"PATCH /communities/{{id}} by {who}")
        version += 1
    for user, who in ((ada, "a plain member (a leader elsewhere)"), (other, "another leader")):
        response = await client.patch(f"/communities/{club.id}", json={"version": version, "description": "Mine now"},
                                      headers=tokens.as_user(user, settings))
        expect.error(response, 403, f"PATCH /communities/{{id}} by {who}", code="forbidden")
    stored = await communities.stored(club)
    expect.equal((stored.description, stored.version), ("an admin", version),
                 "(description, version) after refused updates by a member and another leader")
    response = await client.patch(f"/communities/{hidden.id}", json={"version": 1, "description": "Mine now"},
                                  headers=tokens.as_user(other, settings))
    expect.error(response, 404, "PATCH /communities/{id} of a private community by a non-member (it cannot see it: "
                                "404 before 403)", code="not_found")
    expect.equal((await communities.stored(hidden)).version, 1, "version of the private community after that PATCH")
