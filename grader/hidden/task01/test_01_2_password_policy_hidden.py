"""01.2 Password policy (hidden tests)."""

import pytest

from grader.testkit import accounts, expect

pytestmark = pytest.mark.exercise("01.2")

LONG = "Tulip-Garden-7-" * 9  # 135 characters; cut to the length a test needs


def _shown(password: str) -> str:
    return repr(password) if len(password) <= 20 else f"{password[:12]!r}... ({len(password)} characters)"


async def test_the_length_limits_are_8_and_128_characters(client):
    cases = [
        ("ada@example.com", "Tulip-7x", 201, "exactly 8 characters, the shortest allowed"),
        ("grace@example.com", LONG[:128], 201, "exactly 128 characters, the longest allowed"),
        ("alan@example.com", LONG[:129], 422, "129 characters, one more than allowed"),
    ]
    for email, password, expected, why in cases:
        response = await accounts.register(client, email, password)
        doing = f"POST /register for {email} with password {_shown(password)} ({why})"
        if expected == 201:
            expect.status(response, 201, doing)
        else:
            expect.error(response, 422, doing, code="validation_error")
    expect.true(await accounts.stored_user("alan@example.com") is None,
                "the registration with a 129-character password was refused, but a user was stored anyway")


async def test_the_local_part_check_ignores_case(client):
    cases = [
        ("ada@example.com", "Lovelace-ADA-1815"),
        ("ADA@example.com", "Lovelace-ada-1815"),
        ("Grace.Hopper@example.com", "1906-gRaCe.HoPpEr-x"),
    ]
    for number, (email, password) in enumerate(cases):
        control = f"control{number}@example.com"
        response = await accounts.register(client, control, password)
        expect.status(response, 201, f"POST /register for {control} with password {password!r} (meets every rule)")
        response = await accounts.register(client, email, password)
        expect.error(response, 422,
                     f"POST /register for {email} with password {password!r}, which contains the email's local part "
                     f"in another case", code="validation_error")
