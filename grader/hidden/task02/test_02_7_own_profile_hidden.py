"""02.7 Own profile (hidden tests)."""

from datetime import timedelta

import pytest

from grader.testkit import expect
from grader.testkit import suppliers as sup
from shared.timeutil import utc_now

pytestmark = pytest.mark.exercise("02.7")


async def test_an_update_moves_updated_at_keeps_created_at_and_emits_no_secrets(client, events, settings):
    created = utc_now() - timedelta(days=2)
    acme = await sup.seed_supplier(created_at=created)
    address = dict(sup.ADDRESS, street_address_1="Lagerweg 3")
    changes = {"contact_info": {"contact_person_title": "CEO"}, "company_info": {"shipping_address": address}}
    expect.status(await client.patch("/suppliers/me", json=changes, headers=sup.as_supplier(acme, settings)), 200,
                  f"PATCH /suppliers/me with {changes}")
    stored = await sup.stored(acme)
    expect.about_now(stored.updated_at, "updated_at after PATCH /suppliers/me (it was two days ago)")
    expect.about(stored.created_at, created, "created_at after PATCH (it must not change)", tolerance=timedelta(seconds=1))
    expect.equal((stored.contact_info.contact_person_title, stored.contact_info.contact_person_name,
                  stored.company_info.shipping_address and stored.company_info.shipping_address.street_address_1),
                 ("CEO", "Greta Hansen", "Lagerweg 3"),
                 "(contact_person_title, contact_person_name, shipping_address.street_address_1) after the update")
    updated = events.of_type("supplier.updated")
    expect.equal(len(updated), 1, "supplier.updated events after one update")
    expect.no_secrets(updated[0]["data"], "the supplier.updated event data", (acme.password_hash,))
    expect.equal(updated[0]["data"]["contact_info"]["contact_person_title"], "CEO",
                 "contact_info.contact_person_title in the supplier.updated data (supplier.event_data() after the change)")
