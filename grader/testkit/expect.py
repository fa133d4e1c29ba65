"""Assertion helpers. Each failure says what the test did, what it expected and what
came back, in plain words."""

import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from shared.events import SECRET_KEYS
from shared.timeutil import as_utc, utc_now

MAX_BODY = 300


def show(response: httpx.Response) -> str:
    try:
        body = json.dumps(response.json())
    except ValueError:
        body = response.text
    if len(body) > MAX_BODY:
        body = body[:MAX_BODY] + "..."
    return f"HTTP {response.status_code} {body}"


def status(response: httpx.Response, expected: int, doing: str) -> Any:
    """Check the status code; return the JSON body."""
    if response.status_code != expected:
        raise AssertionError(f"{doing}: expected HTTP {expected}, got {show(response)}")
    if "json" in response.headers.get("content-type", ""):
        return response.json()
    return response.text


def error(response: httpx.Response, expected_status: int, doing: str, code: str | None = None) -> dict:
    """Check an error response: status, the {"error": {"code", "message"}} shape, and the code."""
    body = status(response, expected_status, doing)
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or "code" not in error or "message" not in error:
        raise AssertionError(f"{doing}: expected an error body {{'error': {{'code', 'message'}}}}, got {show(response)}")
    if code is not None and error["code"] != code:
        raise AssertionError(f"{doing}: expected error code {code!r}, got {error['code']!r} ({error['message']})")
    return error


def equal(actual: Any, expected: Any, what: str) -> None:
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def true(condition: Any, message: str) -> None:
    if not condition:
        raise AssertionError(message)


# -- dates and times ---------------------------------------------------------------------

TOLERANCE = timedelta(minutes=1)  # how far "about now" may be off: the tests take seconds


def _span(delta: timedelta) -> str:
    """A duration in words: "30 minutes", "6 hours", "1 minute", "90 seconds"."""
    seconds = int(abs(delta.total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}" + ("s" if count != 1 else "")
    return f"{seconds} second" + ("s" if seconds != 1 else "")


def _off_by(actual: datetime, expected: datetime) -> str:
    """How far ``actual`` is from ``expected``, roughly: "10 minutes early", "6 hours late"."""
    seconds = (actual - expected).total_seconds()
    size = abs(seconds)
    for unit, length in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if size >= 2 * length:
            amount = f"{round(size / length)} {unit}s"
            break
    else:
        amount = f"{round(size)} seconds"
    return f"{amount} {'late' if seconds > 0 else 'early'}"


def _moment(value: Any) -> datetime | None:
    """A stored or returned date and time as an aware UTC datetime: a datetime (naive ones are
    UTC, as MongoDB gives them back), an ISO 8601 string, or seconds since 1970 (JWT claims)."""
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        try:
            return as_utc(datetime.fromisoformat(value))
        except ValueError:
            return None
    return None


def _shown_moment(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def about(value: Any, expected: datetime, what: str, tolerance: timedelta = TOLERANCE) -> datetime:
    """Check that ``value`` is ``expected`` give or take ``tolerance``; return it as a UTC datetime."""
    actual, expected = _moment(value), as_utc(expected)
    if actual is None:
        raise AssertionError(f"{what}: expected a date and time (about {_shown_moment(expected)}), got {value!r}")
    if abs(actual - expected) > tolerance:
        raise AssertionError(f"{what}: expected about {_shown_moment(expected)} (give or take {_span(tolerance)}), "
                             f"got {_shown_moment(actual)} ({_off_by(actual, expected)})")
    return actual


def about_now(value: Any, what: str, tolerance: timedelta = TOLERANCE, *,
              from_now: timedelta = timedelta(0)) -> datetime:
    """Check that ``value`` is now, or ``from_now`` later, give or take ``tolerance``."""
    expected = utc_now() + from_now
    when = "now" if not from_now else f"{_span(from_now)} from now"
    actual = _moment(value)
    if actual is None:
        raise AssertionError(f"{what}: expected a date and time {when} ({_shown_moment(expected)}), got {value!r}")
    if abs(actual - expected) > tolerance:
        raise AssertionError(f"{what}: expected about {when} ({_shown_moment(expected)}, give or take "
                             f"{_span(tolerance)}), got {_shown_moment(actual)} ({_off_by(actual, expected)})")
    return actual


# -- secrets -----------------------------------------------------------------------------

BCRYPT_HASH = re.compile(r"^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$")
SECRET_WORDS = "a password, a password hash, login bookkeeping ('security') or a token"
BCRYPT_READS = 72  # bytes: bcrypt ignores (or, from bcrypt 5, refuses) anything longer


def every_character_counts(stored: str, password: str, what: str) -> None:
    """For a password longer than bcrypt reads: the stored hash must not be opened by the
    password's first 72 bytes alone (a hash of the cut password would let in every password
    that shares them). Any pre-hash of the whole password passes."""
    import bcrypt

    raw = password.encode("utf-8")
    if len(raw) > BCRYPT_READS and bcrypt.checkpw(raw[:BCRYPT_READS], stored.encode("ascii")):
        raise AssertionError(f"{what}: the stored hash is also opened by the password's first {BCRYPT_READS} bytes "
                             "alone, so any password sharing them would log in; make a long password short "
                             "before bcrypt sees it, with every character counting (pre-hash it)")


def _secret_paths(value: Any, values: tuple[str, ...], path: str = "") -> list[str]:
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if key in SECRET_KEYS or key == "password":
                found.append(here)
            else:
                found += _secret_paths(item, values, here)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found += _secret_paths(item, values, f"{path}[{index}]")
    elif isinstance(value, str) and (BCRYPT_HASH.match(value) or any(secret in value for secret in values)):
        found.append(path or "the value itself")
    return found


def no_secrets(data: Any, what: str, values: Iterable[str] = ()) -> None:
    """Check that ``data`` (a response body or an event's data) holds no secret at any depth:
    no key such as password, password_hash, security, token or token_hash, no string that is
    a bcrypt hash, and none of ``values`` (the raw password, a mailed token...) inside a string."""
    found = _secret_paths(data, tuple(v for v in values if v))
    if found:
        raise AssertionError(f"{what} must hold no secret ({SECRET_WORDS}), found one at: {', '.join(found)}")
