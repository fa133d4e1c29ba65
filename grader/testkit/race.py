"""Concurrent requests, for the tests of rules two requests can race on (scoring rule 7 in
grader/checks/scoring.py): a token works once, of concurrent registrations with one email exactly
one wins, a count stays right, a decision is made once.

    for round_ in race.rounds():
        responses = await race.at_once(client.post(...) for _ in range(3))
        expect.equal(race.statuses(responses), [200, 400, 400], "...")

On embedded every database call gives way to the other requests first (testkit.stack), so
the requests interleave the same way every time and one round shows a read-then-write. On a
real server they overlap only some of the time, so the race is run ``REMOTE_ROUNDS`` times.
"""

import asyncio
from collections.abc import Awaitable, Iterable

import httpx

from grader.testkit import stack

REMOTE_ROUNDS = 3


def rounds() -> range:
    """The rounds of a race: 1, 2, ... (one on embedded, REMOTE_ROUNDS on a real server)."""
    return range(1, 1 + (REMOTE_ROUNDS if stack.remote() else 1))


async def at_once(requests: Iterable[Awaitable[httpx.Response]]) -> list[httpx.Response]:
    """Send the requests at the same time; their responses, in the order given."""
    return list(await asyncio.gather(*requests))


def statuses(responses: Iterable[httpx.Response]) -> list[int]:
    """The status codes, sorted (which request wins a race is not the point)."""
    return sorted(r.status_code for r in responses)


def winners(responses: Iterable[httpx.Response], status: int = 200) -> list[httpx.Response]:
    return [r for r in responses if r.status_code == status]
