"""MySQL for the grader: a throwaway local server (MariaDB or MySQL, whichever is
installed, with a fresh data directory in a temporary directory that ``stop`` removes) or
an external server at ``MYSQL_HOST``/``MYSQL_PORT``. Readiness is ``SELECT 1`` through
pymysql."""

import os
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

from grader.stacks.base import Backend
from grader.stacks.process import ServerProcess, free_port

START_SECONDS = 30
INIT_SECONDS = 120  # MySQL's --initialize takes several seconds, MariaDB's install about one
DATABASE = "analytics"
USER = "grader"
DEFAULTS = {"MYSQL_HOST": "localhost", "MYSQL_PORT": "3306", "MYSQL_USER": "root", "MYSQL_PASSWORD": "",
            "MYSQL_DATABASE": DATABASE}
# Server binaries live in sbin or libexec, which a learner's PATH often lacks.
EXTRA_DIRS = ("/usr/sbin", "/usr/local/sbin", "/usr/libexec", "/usr/local/mysql/bin", "/opt/homebrew/bin")
INSTALL_HINT = ("install one: Debian/Ubuntu `sudo apt-get install mariadb-server`, macOS `brew install mariadb` "
                "(the grader starts its own throwaway server; nothing needs to run), or start the compose stack's "
                "MySQL (`docker compose up -d mysql`) and grade with STACK=services.")
# Small, and unsafe on a crash: the data lives for one grading run. A small redo log is
# written faster at initialisation; giving the server the same size avoids a resize.
INNODB_ARGS = ("--innodb-buffer-pool-size=16M", "--innodb-log-file-size=8M", "--innodb-flush-log-at-trx-commit=2",
               "--loose-innodb-doublewrite=OFF")


def ping(host: str, port: int, user: str, password: str, database: str | None = None, timeout: int = 2,
         unix_socket: str | None = None) -> str:
    """"" when the server answers ``SELECT 1`` for this user and database, else why not."""
    import pymysql

    try:
        conn = pymysql.connect(host=host, port=port, user=user, password=password, database=database,
                               unix_socket=unix_socket, connect_timeout=timeout, read_timeout=timeout)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1")
        finally:
            conn.close()
    except pymysql.MySQLError as exc:
        if len(exc.args) == 2 and isinstance(exc.args[0], int):
            return f"error {exc.args[0]}: {exc.args[1]}"
        return f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # a bad host name or port
        return f"{type(exc).__name__}: {exc}"
    return ""


def _search_path(*dirs: str) -> str:
    return os.pathsep.join([os.environ.get("PATH", ""), *dirs, *EXTRA_DIRS])


def server_binary() -> str | None:
    """mariadbd or mysqld, on PATH or where packages put them."""
    for name in ("mariadbd", "mysqld"):
        found = shutil.which(name, path=_search_path())
        if found:
            return found
    return None


def _is_mariadb(binary: str) -> bool:
    # Debian's mysqld is MariaDB; RHEL's /usr/libexec/mysqld may be either.
    try:
        version = subprocess.run([binary, "--version"], check=False, capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return Path(binary).name == "mariadbd"
    return "mariadb" in version.lower()


def _init_command(binary: str, mariadb: bool, datadir: Path, user_args: list[str]) -> list[str] | None:
    """How to create the system tables in ``datadir`` (root may log in without a password),
    or None when MariaDB's install script is missing."""
    if not mariadb:  # MySQL 5.7+ initialises with the server binary itself
        return [binary, "--no-defaults", "--initialize-insecure", f"--datadir={datadir}", *user_args, *INNODB_ARGS]
    home = Path(binary).resolve().parent.parent  # /usr for /usr/sbin/mariadbd
    script = (shutil.which("mariadb-install-db", path=_search_path(str(home / "bin"), str(home / "scripts")))
              or shutil.which("mysql_install_db", path=_search_path(str(home / "bin"), str(home / "scripts"))))
    if script is None:
        return None
    return [script, "--no-defaults", f"--datadir={datadir}", f"--basedir={home}",
            "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve",
            *user_args, *INNODB_ARGS]


def _run(argv: list[str]) -> str:
    """Run a setup command: "" when it succeeds, else the end of its output."""
    try:
        done = subprocess.run(argv, check=False, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=INIT_SECONDS)
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    if done.returncode == 0:
        return ""
    tail = " | ".join((done.stdout + done.stderr).strip().splitlines()[-4:])
    return f"exit code {done.returncode}: {tail[-600:]}"


def _create_database(socket: str, password: str) -> str:
    """As root (no password yet, over the socket), create the database and the user the
    app and tests log in as."""
    import pymysql

    try:
        conn = pymysql.connect(unix_socket=socket, user="root", password="", connect_timeout=5)
        try:
            with conn.cursor() as cur:
                cur.execute(f"CREATE DATABASE {DATABASE}")
                cur.execute(f"CREATE USER '{USER}'@'%%' IDENTIFIED BY %s", (password,))
                # All of this throwaway server: the tests give each analytics service a
                # database and a user of its own (grader/testkit/pipeline.py).
                cur.execute(f"GRANT ALL PRIVILEGES ON *.* TO '{USER}'@'%' WITH GRANT OPTION")
        finally:
            conn.close()
    except pymysql.MySQLError as exc:
        return f"setting up the local MySQL server failed: {exc}"
    return ""


def start_local() -> Backend:
    binary = server_binary()
    if binary is None:
        return Backend("mysql", "local", missing=True,
                       problem=f"no MariaDB or MySQL server (mariadbd/mysqld) is installed: {INSTALL_HINT}")
    mariadb = _is_mariadb(binary)
    # A Unix socket path must stay under about 100 bytes; macOS's temp dir is long.
    workdir = Path(tempfile.mkdtemp(prefix="grade-mysql-", dir="/tmp" if len(tempfile.gettempdir()) > 60 else None))
    datadir, socket = workdir / "data", str(workdir / "mysqld.sock")

    def remove_workdir() -> None:
        shutil.rmtree(workdir, ignore_errors=True)

    # Both servers refuse to run as root unless told to. The data directory is made as root
    # (then given to the server's own user, see ServerProcess); the server itself never is.
    init_user_args = ["--user=root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    init = _init_command(binary, mariadb, datadir, init_user_args)
    if init is None:
        remove_workdir()
        return Backend("mysql", "local", problem=(
            f"MariaDB is installed ({binary}) but its mariadb-install-db script is not: install the "
            "mariadb-server package, or grade on the services stack (STACK=services) and MYSQL_HOST set."))
    failed = _run(init)
    if failed:
        remove_workdir()
        return Backend("mysql", "local",
                       problem=f"creating a MySQL data directory with {Path(init[0]).name} failed ({failed})")

    port = free_port()
    where = f"127.0.0.1:{port}"
    # --no-defaults: no my.cnf, so nothing turns on skip-networking or points elsewhere.
    files = workdir / "files"  # the only folder LOAD DATA / SELECT ... INTO OUTFILE may touch
    files.mkdir()
    server = ServerProcess("MariaDB" if mariadb else "MySQL", [
        binary, "--no-defaults", f"--datadir={datadir}", f"--socket={socket}",
        f"--pid-file={workdir / 'mysqld.pid'}", f"--tmpdir={workdir}", f"--port={port}", "--bind-address=127.0.0.1",
        "--skip-name-resolve", "--skip-log-bin", f"--secure-file-priv={files}", *INNODB_ARGS,
        *([] if mariadb else ["--loose-mysqlx=OFF"]),  # MySQL 8 would also listen on 33060 (X protocol)
    ], owns=[workdir])

    def stop() -> None:
        server.stop()
        remove_workdir()

    password = secrets.token_urlsafe(12)
    problem = (server.wait_ready(lambda: ping("", 0, "root", "", timeout=1, unix_socket=socket), START_SECONDS)
               or _create_database(socket, password)
               # Over the socket first: MySQL 8's caching_sha2_password then lets TCP logins
               # through without the RSA exchange pymysql needs the cryptography package for.
               or ping("", 0, USER, password, DATABASE, unix_socket=socket)
               or ping("127.0.0.1", port, USER, password, DATABASE))
    if problem:
        stop()
        return Backend("mysql", where, problem=problem)
    env = {"MYSQL_HOST": "127.0.0.1", "MYSQL_PORT": str(port), "MYSQL_USER": USER, "MYSQL_PASSWORD": password,
           "MYSQL_DATABASE": DATABASE}
    return Backend("mysql", where, env, stop=stop)


def external(env: dict[str, str] | None = None) -> Backend:
    env = os.environ if env is None else env
    settings = {name: env.get(name, default) for name, default in DEFAULTS.items()}
    host, user, database = settings["MYSQL_HOST"], settings["MYSQL_USER"], settings["MYSQL_DATABASE"]
    where = f"{host}:{settings['MYSQL_PORT']}"
    try:
        port = int(settings["MYSQL_PORT"])
    except ValueError:
        return Backend("mysql", where, settings,
                       problem=f"MYSQL_PORT must be a port number, not {settings['MYSQL_PORT']!r}.")
    problem = ping(host, port, user, settings["MYSQL_PASSWORD"], database)
    if problem.startswith("error 1049"):
        problem = (f"MySQL at {where} has no database {database!r}: create it (CREATE DATABASE {database}) "
                   "or set MYSQL_DATABASE to one that exists.")
    elif problem.startswith(("error 1044", "error 1045")):
        problem = (f"MySQL at {where} refused user {user!r} ({problem}). Set MYSQL_USER and MYSQL_PASSWORD "
                   f"to an account that may use database {database!r}.")
    elif problem:
        problem = (f"MySQL at {where} did not answer ({problem}). Start it, set MYSQL_HOST and MYSQL_PORT "
                   "to where it runs, or grade on the local stack (STACK=local, no Docker needed).")
    else:
        problem = _may_create(host, port, user, settings["MYSQL_PASSWORD"], where)
    return Backend("mysql", where, settings, problem=problem)


def _may_create(host: str, port: int, user: str, password: str, where: str) -> str:
    """The tests give each analytics service a database and a user of its own
    (grader/testkit/pipeline.py): the account must be allowed to make them."""
    import pymysql

    name = "grader_probe_" + secrets.token_hex(4)
    try:
        conn = pymysql.connect(host=host, port=port, user=user, password=password, connect_timeout=5)
        try:
            with conn.cursor() as cur:
                cur.execute(f"CREATE DATABASE `{name}`")
                cur.execute(f"DROP DATABASE `{name}`")
        finally:
            conn.close()
    except pymysql.MySQLError as exc:
        return (f"MySQL at {where}: user {user!r} may not create databases ({exc.args[-1] if exc.args else exc}). "
                "The tests give each analytics service a database and a user of its own: grade with an account "
                "that may create both (the compose stack's grader service uses root).")
    return ""
