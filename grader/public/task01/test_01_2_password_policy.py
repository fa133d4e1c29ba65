"""01.2 Password policy."""

import pytest

from grader.testkit import accounts, expect

pytestmark = pytest.mark.exercise("01.2")


@pytest.mark.parametrize(
    "password, why",
    [
        ("Ab1defg", "only 7 characters"),
        ("abcdefgh1", "no upper-case letter"),
        ("Abcdefghij", "no digit"),
        ("xxAda2024x", "contains the email's local part 'ada'"),
    ],
)
async def test_a_weak_password_is_refused(client, password, why):
    response = await accounts.register(client, "ada@example.com", password)
    expect.error(response, 422, f"registering with password {password!r} ({why})", code="validation_error")


async def test_a_password_that_meets_every_rule_is_accepted(client):
    response = await accounts.register(client, "ada@example.com", "Tulip-Garden-7")
    expect.status(response, 201, "registering with password 'Tulip-Garden-7' (meets every rule)")
