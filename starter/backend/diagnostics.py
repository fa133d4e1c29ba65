"""Say what went wrong inside the app in a way a learner (and the grader) can act on.

- ``error_details``: an unexpected exception becomes a 500 whose body names the exception
  and the innermost line of the service code that raised it, instead of a bare
  "Internal Server Error". ``exit()`` inside a request is reported the same way instead
  of stopping the server.
- ``block_modules``: modules the grader found broken before the app started (an import
  that hangs or ends the process) are refused at once with the reason, so every request
  that needs them fails fast instead of hanging again.
"""

import json
import os
import sys
import traceback
from importlib.abc import MetaPathFinder

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

TEXT_LIMIT = 500
SERVICE_DIR = os.path.join("backend", "services") + os.sep
APP_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ModuleUnavailable(ImportError):
    """A module the grader found broken before the app started."""


class _Blocker(MetaPathFinder):
    def __init__(self, reasons: dict[str, str]) -> None:
        self.reasons = reasons

    def find_spec(self, fullname, path=None, target=None):
        if fullname in self.reasons:
            raise ModuleUnavailable(self.reasons[fullname])
        return None


def block_modules(reasons_json: str) -> None:
    """``reasons_json`` maps module names to why they cannot be imported (JSON)."""
    try:
        reasons = json.loads(reasons_json) if reasons_json else {}
    except ValueError:
        return
    if isinstance(reasons, dict) and reasons:
        sys.meta_path.insert(0, _Blocker({str(k): str(v)[:TEXT_LIMIT] for k, v in reasons.items()}))


def where(exc: BaseException) -> str | None:
    """``backend/services/auth.py:42 in login`` for the innermost service frame, if any."""
    found = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        path = os.path.relpath(frame.f_code.co_filename, APP_ROOT)
        if path.startswith(SERVICE_DIR):
            found = f"{path}:{lineno} in {frame.f_code.co_name}"
    return found


def describe(exc: BaseException) -> dict:
    details = {"exception": type(exc).__name__, "text": str(exc)[:TEXT_LIMIT]}
    location = where(exc)
    if location:
        details["where"] = location
    return {"error": {"code": "internal_error", "message": "The app raised an unexpected exception.",
                      "details": details}}


def install(app: FastAPI) -> None:
    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(describe(exc), status_code=500)

    @app.middleware("http")
    async def catch_exit(request: Request, call_next):
        try:
            return await call_next(request)
        except (SystemExit, KeyboardInterrupt) as exc:  # not Exception: would stop the server
            return JSONResponse(describe(exc), status_code=500)
