"""01.2 Password policy (hidden tests)."""

import pytest

from grader.testkit import accounts, expect

pytestmark = pytest.mark.exercise("01.2")


@pytest.mark.parametrize(
    "password, why",
    [
        ("Tulip-7x", "exactly 8 characters, the shortest allowed"),
        (("Tulip-Garden-7-" * 9)[:128], "exactly 128 characters, the longest allowed"),
    ],
)
async def test_a_password_at_a_length_boundary_is_accepted(client, password, why):
    response = await accounts.register(client, "ada@example.com", password)
    expect.status(response, 201, f"POST /register for ada@example.com with a password of {len(password)} characters ({why})")


@pytest.mark.parametrize(
    "password, why",
    [
        (("Tulip-Garden-7-" * 9)[:129], "129 characters, one more than allowed"),
        ("LOVELACE1815", "no lower-case letter"),
        ("Lovelace-Garden", "no digit"),
    ],
)
async def test_a_password_breaking_one_rule_is_refused(client, password, why):
    response = await accounts.register(client, "ada@example.com", password)
    shown = password if len(password) <= 20 else f"{password[:12]}... ({len(password)} characters)"
    expect.error(response, 422, f"POST /register for ada@example.com with password {shown!r} ({why})",
                 code="validation_error")
    expect.true(await accounts.stored_user("ada@example.com") is None,
                f"POST /register with password {shown!r} ({why}) was refused, but a user was stored anyway")


@pytest.mark.parametrize(
    "email, password",
    [
        ("ada@example.com", "Lovelace-ADA-1815"),
        ("ADA@example.com", "Lovelace-ada-1815"),
        ("Grace.Hopper@example.com", "1906-gRaCe.HoPpEr-x"),
    ],
)
async def test_the_local_part_check_ignores_case(client, email, password):
    response = await accounts.register(client, email, password)
    expect.error(response, 422,
                 f"POST /register for {email} with password {password!r}, which contains the email's local part "
                 f"in another case", code="validation_error")

