"""The platform's error hierarchy.

Services raise these; the backend turns each into an HTTP response with the body
``{"error": {"code": ..., "message": ..., "details": ...}}`` and the status below.
"""

from typing import Any


class AppError(Exception):
    status_code = 500
    code = "internal_error"

    def __init__(self, message: str, *, details: Any = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details
        if code is not None:
            self.code = code

    def to_body(self) -> dict:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


class TokenError(AppError):
    """A verification or reset token that is unknown, expired or already used."""

    status_code = 400
    code = "invalid_token"


class AuthenticationError(AppError):
    """Who you are could not be established (bad credentials, bad or expired access token)."""

    status_code = 401
    code = "authentication_failed"


class AuthorizationError(AppError):
    """You are known but not allowed to do this."""

    status_code = 403
    code = "forbidden"


class AccountStatusError(AppError):
    """The account exists but its status forbids the action (pending, suspended, locked)."""

    status_code = 403
    code = "account_status"


class AccountLockedError(AccountStatusError):
    code = "account_locked"


class NotFoundError(AppError):
    status_code = 404
    code = "not_found"


class DuplicateError(AppError):
    status_code = 409
    code = "duplicate"


class StateConflictError(AppError):
    """The action is not allowed in the entity's current state."""

    status_code = 409
    code = "state_conflict"


class VersionConflictError(AppError):
    status_code = 409
    code = "version_conflict"


class InsufficientStockError(AppError):
    status_code = 409
    code = "insufficient_stock"


class ValidationError(AppError):
    """Input that is well-formed but breaks a business rule (e.g. the password policy)."""

    status_code = 422
    code = "validation_error"


class RateLimitError(AppError):
    status_code = 429
    code = "rate_limited"
