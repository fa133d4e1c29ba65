"""Settings, read from the environment when the app is created (never at import time)."""

import os
from dataclasses import dataclass

# Only for local development; set JWT_SECRET (32+ characters) anywhere else.
DEV_JWT_SECRET = "dev-only-secret-change-me-0123456789abcdef"


@dataclass(frozen=True)
class Settings:
    mongodb_url: str = "mongodb://localhost:27017"
    database_name: str = "social_commerce"
    jwt_secret: str = DEV_JWT_SECRET
    jwt_algorithm: str = "HS256"
    access_token_minutes: int = 60
    bcrypt_rounds: int = 12
    # Where events and mail go: "log" (development) or "collection" (kept in the database,
    # which is how the grader reads them when the app runs in its own process); events may
    # also go to "kafka" (Task 09's publisher), or to several sinks: "collection,kafka".
    event_sink: str = "log"
    mail_sink: str = "log"
    # Answer an unexpected exception with its type and the line of your code that raised
    # it (a 500 body), instead of a bare "Internal Server Error". For development and grading.
    error_details: bool = False
    # JSON {module: reason}: modules found broken before start-up, refused at once (grading).
    unavailable_modules: str = ""
    # Service modules to import at start-up, each within import_seconds (see diagnostics).
    preload_modules: str = ""
    import_seconds: float = 10.0
    # Seed data at start-up (`make serve SIZE=small`): small, medium or large ("" for none),
    # the generator's seed and the anchor day (shared/seed.py). Only an empty database is filled.
    seed_size: str = ""
    seed_value: str = "42"
    seed_anchor: str = ""

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ
        return cls(
            mongodb_url=env.get("MONGODB_URL", cls.mongodb_url),
            database_name=env.get("DATABASE_NAME", cls.database_name),
            jwt_secret=env.get("JWT_SECRET", cls.jwt_secret),
            jwt_algorithm=env.get("JWT_ALGORITHM", cls.jwt_algorithm),
            access_token_minutes=int(env.get("ACCESS_TOKEN_MINUTES", cls.access_token_minutes)),
            bcrypt_rounds=int(env.get("BCRYPT_ROUNDS", cls.bcrypt_rounds)),
            event_sink=env.get("EVENT_SINK", cls.event_sink),
            mail_sink=env.get("MAIL_SINK", cls.mail_sink),
            error_details=env.get("ERROR_DETAILS", "") == "1",
            unavailable_modules=env.get("UNAVAILABLE_MODULES", ""),
            preload_modules=env.get("PRELOAD_MODULES", ""),
            import_seconds=float(env.get("IMPORT_SECONDS", cls.import_seconds)),
            seed_size=env.get("SEED_SIZE", cls.seed_size),
            seed_value=env.get("SEED_VALUE", cls.seed_value) or cls.seed_value,
            seed_anchor=env.get("SEED_ANCHOR", cls.seed_anchor),
        )
