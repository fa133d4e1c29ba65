"""02.2 Supplier password policy.

Each refusal test first registers another supplier with a password that meets every rule, so
a policy that refuses everything fails it too."""

import pytest

from grader.testkit import expect
from grader.testkit import suppliers as sup

pytestmark = pytest.mark.exercise("02.2")


async def _accepted(client, email: str, password: str) -> None:
    response = await sup.register(client, email, password)
    expect.status(response, 201, f"POST /suppliers/register for {email} with the password {password!r}, which meets "
                                 "every rule")


async def _refused(client, password: str, why: str) -> None:
    response = await sup.register(client, "sales@globex.example", password)
    expect.error(response, 422, f"POST /suppliers/register with the password {password!r} ({why})",
                 code="validation_error")


@pytest.mark.weight(2)
async def test_a_password_too_short_or_missing_a_letter_case_or_a_digit_is_refused(client):
    await _accepted(client, "sales@acme.example", "Abcdefgh1!")
    for password, why in (("Abcdefg1!", "only 9 characters"), ("abcdefgh1!", "no upper-case letter"),
                          ("ABCDEFGH1!", "no lower-case letter"), ("Abcdefghij!", "no digit")):
        await _refused(client, password, why)


async def test_a_password_without_a_special_character_is_refused(client):
    await _accepted(client, "sales@acme.example", "Harbour-Crane-77")
    await _refused(client, "HarbourCrane77", "no special character: Task 01's policy would accept it")
