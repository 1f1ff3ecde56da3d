"""Real servers for tests, started on loopback from installed packages, stopped afterwards.

- PostgreSQL from Debian's ``postgresql`` package: ``initdb`` and ``pg_ctl`` in a temporary folder on a
  free port. PostgreSQL refuses to run as root (CI runs as root), so as root it runs as the package's
  ``postgres`` user.
- PgBouncer from Debian's ``pgbouncer`` package in front of that PostgreSQL, in transaction pooling: the
  team deployment as docs/deployment.md describes it. Like PostgreSQL, it runs as ``postgres`` under root.
- An S3-compatible server: moto's server mode (``moto[server]``, a dev dependency).

When a package is missing the test skips and says how to install it.
"""

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

INSTALL_POSTGRES = "PostgreSQL is not installed: `apt-get install postgresql` (Debian; .ci/run does it in CI)"
INSTALL_PGBOUNCER = "PgBouncer is not installed: `apt-get install pgbouncer` (Debian; .ci/run does it in CI)"
PGBOUNCER = Path("/usr/sbin/pgbouncer")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def papertrend_ui(
    args: list, env: dict, cwd: Path, log: Path, executable: Path | None = None
) -> Iterator[tuple[str, int]]:
    """``papertrend ui`` (webserver and daemon, sharing one code server) on a free loopback port, in its own
    process group; yields (url, pid) once it answers, and stops the whole group afterwards. ``executable``: another
    environment's ``papertrend`` (default: this one's)."""
    import requests

    port = free_port()
    with open(log, "w") as log_file:
        process = subprocess.Popen(
            [executable or Path(sys.executable).parent / "papertrend", "ui", *args, "--port", str(port)],
            cwd=cwd,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/server_info", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert process.poll() is None, log.read_text()
            time.sleep(0.5)
        else:
            pytest.fail(f"papertrend ui did not answer within 120 s: {log.read_text()[-3000:]}")
        yield url, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def postgres_bin() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


class PostgresServer:
    """One PostgreSQL cluster; each test takes a database of its own (``new_database``)."""

    def __init__(self):
        bindir = postgres_bin()
        if bindir is None:
            pytest.skip(INSTALL_POSTGRES)
        self.bindir = bindir
        self.port = free_port()
        self.user = "papertrend"
        self.password = "SYNTHETIC-test-password"
        self.root = Path(tempfile.mkdtemp(prefix="papertrend-pg-"))
        self._as: list[str] = []
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("running as root and no 'postgres' user to run PostgreSQL as: " + INSTALL_POSTGRES)
            runuser = shutil.which("runuser", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
            if runuser is None:
                pytest.skip("running as root and no runuser to run PostgreSQL as 'postgres' (util-linux)")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self._as = [runuser, "-u", "postgres", "--"]
        self.data = self.root / "data"
        password_file = self.root / "pw"
        password_file.write_text(self.password)
        if self._as:
            os.chown(password_file, pwd.getpwnam("postgres").pw_uid, -1)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            self.user,
            "--pwfile",
            str(password_file),
            "-A",
            "scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options, "-w", "start")

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run(
            [*self._as, str(self.bindir / tool), *args], capture_output=True, text=True, check=False, cwd=self.root
        )
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed ({result.returncode}): {result.stderr or result.stdout}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg2

        name = f"t_{uuid.uuid4().hex[:12]}"
        connection = psycopg2.connect(self.url())
        connection.autocommit = True  # CREATE DATABASE runs outside a transaction
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()
        return self.url(name)

    def scram_verifier(self) -> str:
        """The role's password as PostgreSQL stores it (``SCRAM-SHA-256$…``), for PgBouncer's auth_file."""
        import psycopg2

        connection = psycopg2.connect(self.url())
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (self.user,))
                return cursor.fetchone()[0]
        finally:
            connection.close()

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class PgBouncer:
    """Debian's PgBouncer on a free loopback port, transaction pooling, in front of ``server``.

    The settings are the ones docs/deployment.md gives: ``pool_mode = transaction``,
    ``server_reset_query_always`` so that a client's session setting (dagster-postgres sets
    ``statement_timeout`` on its pooled connections) never leaks to another client's transactions, and
    an auth_file holding the role's SCRAM verifier, not its password.
    """

    def __init__(self, server: PostgresServer):
        if not PGBOUNCER.exists():
            pytest.skip(INSTALL_PGBOUNCER)
        self.server = server
        self.port = free_port()
        self.root = server.root / "pgbouncer"
        self.root.mkdir()
        # The role's SCRAM verifier, as PostgreSQL stores it, never the password: PgBouncer then checks a login
        # without deriving the key again (3 ms a connection here instead of 5.6 ms with a plaintext password).
        (self.root / "userlist.txt").write_text(f'"{server.user}" "{server.scram_verifier()}"\n')
        (self.root / "pgbouncer.ini").write_text(
            f"""[databases]
* = host=127.0.0.1 port={server.port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir = {self.root}
auth_type = scram-sha-256
auth_file = {self.root}/userlist.txt
pool_mode = transaction
server_reset_query = DISCARD ALL
server_reset_query_always = 1
max_client_conn = 1000
default_pool_size = 20
ignore_startup_parameters = extra_float_digits,options
logfile = {self.root}/pgbouncer.log
pidfile = {self.root}/pgbouncer.pid
"""
        )
        if server._as:
            owner = pwd.getpwnam("postgres")
            for path in (self.root, *self.root.iterdir()):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        started = subprocess.run(
            [*server._as, str(PGBOUNCER), "-d", str(self.root / "pgbouncer.ini")],
            capture_output=True,
            text=True,
            check=False,
        )
        if started.returncode != 0:
            raise RuntimeError(f"pgbouncer failed ({started.returncode}): {started.stderr or started.stdout}")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"pgbouncer did not listen on {self.port}: {self.log()}")

    def url(self, direct_url: str) -> str:
        """The same database and credentials as ``direct_url``, through PgBouncer."""
        return direct_url.replace(f"@127.0.0.1:{self.server.port}/", f"@127.0.0.1:{self.port}/")

    def log(self) -> str:
        path = self.root / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        pid_file = self.root / "pgbouncer.pid"
        if pid_file.exists():
            try:
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            except (ProcessLookupError, ValueError):
                pass


class S3Server:
    """moto's S3-compatible server on a free loopback port (its own thread), with one bucket."""

    def __init__(self, bucket: str = "papertrend-lake"):
        try:
            from moto.server import ThreadedMotoServer
        except ImportError:
            pytest.skip("moto's server mode is not installed: `pip install 'moto[server]'` (a dev dependency)")
        self.port = free_port()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.bucket = bucket
        self.environ = {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "SYNTHETICACCESSKEY",
            "AWS_SECRET_ACCESS_KEY": "SYNTHETIC-secret-key-never-recorded",
            "AWS_REGION": "us-east-1",
        }
        import boto3

        self.client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=self.environ["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.environ["AWS_SECRET_ACCESS_KEY"],
        )
        self.client.create_bucket(Bucket=bucket)

    def keys(self, prefix: str = "") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def stop(self) -> None:
        self._server.stop()
