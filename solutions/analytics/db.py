"""The analytics service's MySQL connection.

TASK M00 - you implement everything below. Read tasks/M00-mysql-connection.md first.
Useful: mysql.connector (pooling.MySQLConnectionPool, errors.ProgrammingError,
errors.InterfaceError, errorcode), contextlib.contextmanager.

The service builds one ``Database`` from ``MySQLSettings.from_env()``, calls ``connect()``
and ``init_tables(...)`` with every table the tasks define, and applies each event inside
one ``with db.transaction() as conn:`` block.
"""

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

import mysql.connector
from mysql.connector import errorcode, pooling

POOL_NAME = "analytics"
DEFAULT_POOL_SIZE = 5
MAX_POOL_SIZE = pooling.CNX_POOL_MAXSIZE  # 32: the most mysql-connector's pools allow

# What each refusal asks to fix (the variables, never their values).
NOTHING_ANSWERS = {errorcode.CR_CONN_HOST_ERROR, errorcode.CR_CONNECTION_ERROR, errorcode.CR_UNKNOWN_HOST}
WHO = {errorcode.ER_ACCESS_DENIED_ERROR}
WHICH_DATABASE = {errorcode.ER_BAD_DB_ERROR, errorcode.ER_DBACCESS_DENIED_ERROR}


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


class DatabaseError(RuntimeError):
    """MySQL could not be reached or refused us; the message names the setting to fix."""


def _whole_number(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}, got {raw!r}")
    return value


@dataclass(frozen=True)
class MySQLSettings:
    host: str = "localhost"
    port: int = 3306
    user: str = "analytics"
    password: str = field(default="", repr=False)  # never in a message or a log line
    database: str = "analytics"
    pool_size: int = DEFAULT_POOL_SIZE

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "MySQLSettings":
        """Exercise M00.1. Read ``MYSQL_HOST``, ``MYSQL_PORT``, ``MYSQL_USER``,
        ``MYSQL_PASSWORD``, ``MYSQL_DATABASE`` and ``MYSQL_POOL_SIZE`` from ``env``
        (``os.environ`` when None); unset or empty keeps the default. A port or pool size
        that is not a whole number in range (port 1-65535, pool 1-32) raises
        ``SettingsError`` naming the variable and the value it got."""
        env = os.environ if env is None else env
        return cls(
            host=env.get("MYSQL_HOST") or cls.host,
            port=_whole_number(env, "MYSQL_PORT", cls.port, 1, 65535),
            user=env.get("MYSQL_USER") or cls.user,
            password=env.get("MYSQL_PASSWORD") or "",
            database=env.get("MYSQL_DATABASE") or cls.database,
            pool_size=_whole_number(env, "MYSQL_POOL_SIZE", DEFAULT_POOL_SIZE, 1, MAX_POOL_SIZE),
        )


class Database:
    """Exercises M00.1 to M00.3."""

    def __init__(self, settings: MySQLSettings):
        """Keep the settings; connect nothing yet."""
        self.settings = settings
        self._pool: pooling.MySQLConnectionPool | None = None

    def _refusal(self, error: mysql.connector.Error) -> str:
        s = self.settings
        code = getattr(error, "errno", None)
        said = f"MySQL error {code}: {getattr(error, 'msg', None) or error}"
        if code in NOTHING_ANSWERS:
            return f"nothing answers at {s.host}:{s.port} ({said}); check MYSQL_HOST and MYSQL_PORT"
        if code in WHO:
            return f"MySQL refused the user {s.user!r} ({said}); check MYSQL_USER and MYSQL_PASSWORD"
        if code in WHICH_DATABASE:
            return (f"the database {s.database!r} does not exist or {s.user!r} may not use it ({said}); "
                    "check MYSQL_DATABASE")
        return f"could not connect to MySQL at {s.host}:{s.port} as {s.user!r} ({said})"

    def connect(self) -> None:
        """Exercise M00.1. Create the connection pool (``pool_size`` connections, named
        ``POOL_NAME``, autocommit off) and check it with ``SELECT 1``. When MySQL refuses,
        raise ``DatabaseError`` saying which setting to fix: ``MYSQL_HOST``/``MYSQL_PORT``
        when nothing answers there, ``MYSQL_USER``/``MYSQL_PASSWORD`` when access is denied,
        ``MYSQL_DATABASE`` when the database does not exist or the user may not use it (1049,
        1044); never the password itself."""
        s = self.settings
        try:
            self._pool = pooling.MySQLConnectionPool(
                pool_name=POOL_NAME, pool_size=s.pool_size, host=s.host, port=s.port, user=s.user,
                password=s.password, database=s.database, autocommit=False, charset="utf8mb4")
            conn = self._pool.get_connection()
            try:
                cursor = conn.cursor()
                cursor.execute("SELECT 1")
                cursor.fetchall()
                cursor.close()
            finally:
                conn.close()
        except mysql.connector.Error as error:
            self._pool = None
            raise DatabaseError(self._refusal(error)) from None

    def _checked_out(self):
        if self._pool is None:
            raise DatabaseError("not connected: call connect() first")
        return self._pool.get_connection()  # pings it, and reconnects one MySQL dropped

    def init_tables(self, statements: Iterable[str]) -> None:
        """Exercise M00.2. Run each ``CREATE TABLE IF NOT EXISTS ...`` statement, in order,
        on one connection, and commit. Running it again on a database that has the tables
        changes nothing and raises nothing; a statement MySQL refuses raises."""
        conn = self._checked_out()
        try:
            cursor = conn.cursor()
            for statement in statements:
                cursor.execute(statement)
            cursor.close()
            conn.commit()
        finally:
            conn.close()

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """Exercise M00.3. One unit of work: take a connection from the pool (reconnecting
        it when MySQL dropped it), yield it, commit when the block ends normally, roll back
        when it raises (and re-raise), and always give the connection back to the pool."""
        conn = self._checked_out()
        try:
            yield conn
            conn.commit()
        except BaseException:
            try:
                conn.rollback()
            except mysql.connector.Error:
                pass  # the connection is gone, and its transaction with it
            raise
        finally:
            conn.close()  # a pooled connection goes back to the pool

    def close(self) -> None:
        """Close the pool's connections (safe to call twice)."""
        if self._pool is not None:
            self._pool._remove_connections()  # the pool's only way to close its idle connections
            self._pool = None
