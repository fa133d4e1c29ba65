"""The analytics service's MySQL connection.

TASK M00 - you implement everything below. Read tasks/M00-mysql-connection.md first.
Useful: mysql.connector (pooling.MySQLConnectionPool, errors.ProgrammingError,
errors.InterfaceError, errorcode), contextlib.contextmanager.

The service builds one ``Database`` from ``MySQLSettings.from_env()``, calls ``connect()``
and ``init_tables(...)`` with every table the tasks define, and applies each event inside
one ``with db.transaction() as conn:`` block.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

POOL_NAME = "analytics"
DEFAULT_POOL_SIZE = 5


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


class DatabaseError(RuntimeError):
    """MySQL could not be reached or refused us; the message names the setting to fix."""


@dataclass(frozen=True)
class MySQLSettings:
    host: str = "localhost"
    port: int = 3306
    user: str = "analytics"
    password: str = ""
    database: str = "analytics"
    pool_size: int = DEFAULT_POOL_SIZE

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "MySQLSettings":
        """Exercise M00.1. Read ``MYSQL_HOST``, ``MYSQL_PORT``, ``MYSQL_USER``,
        ``MYSQL_PASSWORD``, ``MYSQL_DATABASE`` and ``MYSQL_POOL_SIZE`` from ``env``
        (``os.environ`` when None); unset or empty keeps the default. A port or pool size
        that is not a whole number in range (port 1-65535, pool 1-32) raises
        ``SettingsError`` naming the variable and the value it got."""
        raise NotImplementedError("MySQLSettings.from_env")


class Database:
    """Exercises M00.1 to M00.3."""

    def __init__(self, settings: MySQLSettings):
        """Keep the settings; connect nothing yet."""
        raise NotImplementedError("Database.__init__")

    def connect(self) -> None:
        """Exercise M00.1. Create the connection pool (``pool_size`` connections, named
        ``POOL_NAME``, autocommit off) and check it with ``SELECT 1``. When MySQL refuses,
        raise ``DatabaseError`` saying which setting to fix: ``MYSQL_HOST``/``MYSQL_PORT``
        when nothing answers there, ``MYSQL_USER``/``MYSQL_PASSWORD`` when access is denied,
        ``MYSQL_DATABASE`` when the database does not exist or the user may not use it (1049,
        1044); never the password itself."""
        raise NotImplementedError("Database.connect")

    def init_tables(self, statements: Iterable[str]) -> None:
        """Exercise M00.2. Run each ``CREATE TABLE IF NOT EXISTS ...`` statement, in order,
        on one connection, and commit. Running it again on a database that has the tables
        changes nothing and raises nothing; a statement MySQL refuses raises."""
        raise NotImplementedError("Database.init_tables")

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """Exercise M00.3. One unit of work: take a connection from the pool (reconnecting
        it when MySQL dropped it), yield it, commit when the block ends normally, roll back
        when it raises (and re-raise), and always give the connection back to the pool."""
        raise NotImplementedError("Database.transaction")

    def close(self) -> None:
        """Close the pool's connections (safe to call twice)."""
        raise NotImplementedError("Database.close")
