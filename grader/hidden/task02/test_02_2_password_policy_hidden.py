"""02.2 Supplier password policy (hidden tests)."""

import pytest

from grader.testkit import expect
from grader.testkit import suppliers as sup

pytestmark = pytest.mark.exercise("02.2")


async def test_the_length_bounds_are_10_and_128(client):
    for email, password in (("a@acme.example", "Abcdefgh1!"), ("b@acme.example", "Aa1!" + "x" * 124)):
        expect.status(await sup.register(client, email, password), 201,
                      f"POST /suppliers/register with a valid password of {len(password)} characters")
    response = await sup.register(client, "c@acme.example", "Aa1!" + "x" * 125)
    expect.error(response, 422, "POST /suppliers/register with a password of 129 characters", code="validation_error")


async def test_a_space_is_not_a_special_character(client):
    expect.status(await sup.register(client, "a@acme.example", "Harbour Crane 7?"), 201,
                  "POST /suppliers/register with the password 'Harbour Crane 7?'")
    response = await sup.register(client, "b@acme.example", "Harbour Crane 77")
    expect.error(response, 422, "POST /suppliers/register with 'Harbour Crane 77' (spaces, but no special character)",
                 code="validation_error")
