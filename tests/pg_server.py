"""A throw-away local PostgreSQL 15 + PostGIS 3 server for tests (Debian packages, no mocks).

Initialised in a temporary folder, listening on 127.0.0.1 at a free port, trust authentication,
stopped and removed afterwards. The server refuses to run as root: as root it runs as the
``postgres`` system user (``runuser``). Never touches a server it did not start.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("SERVICECIRCLE_PG_BIN", "/usr/lib/postgresql/15/bin"))
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")
PG_USER = "sc_test"


def must_run() -> bool:
    """True in CI (``CI`` set) and under ``make test``: a missing server is then a failure, not a skip."""
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return ci or os.environ.get("SERVICECIRCLE_REQUIRE_POSTGIS", "") == "1"


def missing() -> str | None:
    """Why the server cannot start here (binaries absent), or None."""
    for p in (PG_BIN / "initdb", PG_BIN / "pg_ctl", POSTGIS_CONTROL):
        if not p.exists():
            return f"{p} is missing (install postgresql-15-postgis-3: bash scripts/install_system_deps.sh)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalPostgis:
    """Start with :meth:`start`, get ``url(db)``, stop with :meth:`stop`."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="sc_pg_"))
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self.running = False

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(a) for a in args]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> "LocalPostgis":
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        data = self.dir / "data"
        self._run(PG_BIN / "initdb", "-D", data, "-A", "trust", "-U", PG_USER, "-E", "UTF8", "--no-locale")
        self._run(PG_BIN / "pg_ctl", "-D", data, "-w", "-t", "60", "-l", self.dir / "log",
                  "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", "start")
        self.running = True
        atexit.register(self.stop)  # also when the test process ends without running fixture teardown
        return self

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://{PG_USER}@127.0.0.1:{self.port}/{db}"

    def create_db(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and remove its folder (once; safe to call again)."""
        if not self.running:
            return
        self.running = False
        try:
            self._run(PG_BIN / "pg_ctl", "-D", self.dir / "data", "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
