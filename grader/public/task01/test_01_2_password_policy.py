"""01.2 Password policy.

Each refusal test first registers another account with a password that meets every rule, so
a policy that refuses everything fails it too."""

import pytest

from grader.testkit import accounts, expect

pytestmark = pytest.mark.exercise("01.2")

STRONG = "Tulip-Garden-7"


async def _accepted(client, email: str, password: str) -> None:
    response = await accounts.register(client, email, password)
    expect.status(response, 201, f"POST /register for {email} with the password {password!r}, which meets every rule")


async def test_a_password_too_short_or_missing_a_kind_of_character_is_refused(client):
    await _accepted(client, "grace@example.com", STRONG)
    for password, why in (("Ab1defg", "only 7 characters"), ("abcdefgh1", "no upper-case letter"),
                          ("ABCDEFGH1", "no lower-case letter"), ("Abcdefghij", "no digit")):
        response = await accounts.register(client, "ada@example.com", password)
        doing = f"POST /register for ada@example.com with the password {password!r} ({why})"
        error = expect.error(response, 422, doing, code="validation_error")
        expect.equal(error.get("details"), {"field": "password"}, f"{doing}: details of the error")


async def test_a_password_containing_the_emails_local_part_is_refused(client):
    await _accepted(client, "grace@example.com", "xxAda2024x")
    response = await accounts.register(client, "ada@example.com", "xxAda2024x")
    expect.error(response, 422, "POST /register for ada@example.com with the password 'xxAda2024x', which contains "
                                "the email's local part 'ada' (the same password was accepted for grace@example.com)",
                 code="validation_error")


async def test_a_password_that_meets_every_rule_is_accepted(client):
    await _accepted(client, "ada@example.com", STRONG)
