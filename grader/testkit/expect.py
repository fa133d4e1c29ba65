"""Assertion helpers. Each failure says what the test did, what it expected and what
came back, in plain words."""

import json
from typing import Any

import httpx

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
