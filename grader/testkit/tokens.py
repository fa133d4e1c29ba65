"""Access tokens made by the testkit, following Task 01's token contract (tasks/01-user.md,
01.4), so a test of any task can act as any account without running learner code."""

import warnings
from datetime import timedelta
from typing import Any

import jwt

from shared.timeutil import utc_now


def access_token(account_id: Any, role: str | None, settings, *, minutes: float | None = None,
                 algorithm: str | None = None, secret: str | None = None, **claims: Any) -> str:
    """A token for ``account_id`` with ``role``; ``minutes`` < 0 makes an expired one, and
    ``claims`` add or override claims (``type="refresh"``, ``sub=None`` drops ``sub``).
    ``algorithm="none"`` makes an unsigned token; ``secret`` signs with another key."""
    now = utc_now()
    lifetime = timedelta(minutes=settings.access_token_minutes if minutes is None else minutes)
    body = {"sub": str(account_id), "role": role, "type": "access", "iat": now, "exp": now + lifetime}
    body.update(claims)
    body = {k: v for k, v in body.items() if v is not None}
    algorithm = algorithm or settings.jwt_algorithm
    key = None if algorithm == "none" else (secret or settings.jwt_secret)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyJWT warns about HMAC keys shorter than HS384/HS512 want
        return jwt.encode(body, key, algorithm=algorithm)


def bearer(token: str) -> dict[str, str]:
    """The request header that carries ``token``."""
    return {"Authorization": f"Bearer {token}"}


def as_user(user, settings, **options: Any) -> dict[str, str]:
    """Headers that act as ``user`` (a User document) with its stored role; ``options`` as
    for ``access_token``."""
    role = getattr(user.role, "value", user.role)
    return bearer(access_token(user.id, role, settings, **options))


def with_bad_signature(token: str) -> str:
    """The same header and claims with a signature that does not match them."""
    head, payload, signature = token.split(".")
    return ".".join([head, payload, signature[::-1] if signature[::-1] != signature else signature + "A"])


def claims_of(token: Any, settings, *, verify_exp: bool = True) -> dict:
    """Decode a token the app issued, or fail with a message that says why."""
    problem = "" if isinstance(token, str) else f"expected a string, got {token!r}"
    if not problem:
        try:
            return jwt.decode(token, settings.jwt_secret, algorithms=[settings.jwt_algorithm],
                              options={"verify_exp": verify_exp})
        except jwt.InvalidTokenError as exc:
            problem = str(exc)
    raise AssertionError(f"the access token is not a JWT signed with settings.jwt_secret using "
                         f"{settings.jwt_algorithm}: {problem}")
