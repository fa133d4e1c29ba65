"""What a working install of the kit can import. Read by ``grade`` before it runs tests and
by Task 00's dependency check, so both agree on what "installed" means."""

import importlib.util

GRADER_MODULES = ("pytest", "pytest_asyncio", "pytest_timeout", "httpx")
APP_MODULES = ("fastapi", "uvicorn", "beanie", "motor", "mongomock_motor", "pydantic", "email_validator",
               "bcrypt", "jwt", "httpx")


def missing(names: tuple[str, ...]) -> list[str]:
    """The modules among ``names`` that cannot be found (without importing them)."""
    return [name for name in dict.fromkeys(names) if importlib.util.find_spec(name) is None]
