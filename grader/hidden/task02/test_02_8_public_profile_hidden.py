"""02.8 Public profile (hidden tests)."""

import pytest

from grader.testkit import expect
from grader.testkit import suppliers as sup

pytestmark = pytest.mark.exercise("02.8")


async def test_a_suspended_supplier_is_hidden_and_a_verified_one_says_so(client):
    acme = await sup.seed_supplier("sales@acme.example", verification="verified")
    suspended = await sup.seed_supplier("sales@globex.example", "Globex AG", status="suspended")
    body = expect.status(await client.get(f"/suppliers/{acme.id}"), 200, "GET /suppliers/{id} of a verified supplier")
    expect.equal(body.get("verification_status"), "verified", "verification_status of a verified supplier")
    expect.error(await client.get(f"/suppliers/{suspended.id}"), 404, "GET /suppliers/{id} of a suspended supplier",
                 code="not_found")
