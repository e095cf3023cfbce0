"""A throwaway PostgreSQL server for the database tests and the store benchmark.

Debian's server binaries (``/usr/lib/postgresql/*/bin``, which ``.ci/run`` installs)
start a new cluster on a free local port, as the ``postgres`` user when running as root
(the server refuses root), and it is stopped and removed after.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["postgres_bin", "throwaway_cluster"]


def postgres_bin() -> Path | None:
    """The folder of PostgreSQL's server binaries (the newest Debian's), if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _major(path: str) -> int:
    version = Path(path).parents[1].name
    return int(version) if version.isdigit() else 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    """``command`` as the ``postgres`` user when we are root (the server refuses root)."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def throwaway_cluster(bin_dir: Path, *, durable: bool = False) -> Iterator[str]:
    """A new PostgreSQL cluster on a free local port, for as long as the block runs: its
    superuser's URL (``postgresql+psycopg://postgres@localhost:PORT/postgres``).

    :param durable: keep ``fsync`` on (a benchmark); off, the tests run faster.
    """
    data = Path(tempfile.mkdtemp(prefix="kinerja-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()
    run = {"check": True, "capture_output": True}
    options = f"-p {port} -c listen_addresses=localhost -c unix_socket_directories={data}"
    options += "" if durable else " -c fsync=off -c synchronous_commit=off"
    try:
        subprocess.run(
            _as_server_user([str(bin_dir / "initdb"), "-D", str(data / "db"), "-U", "postgres",
                             "-A", "trust", "-E", "UTF8", "--no-sync"]), **run)  # fmt: skip
        subprocess.run(
            _as_server_user([str(bin_dir / "pg_ctl"), "start", "-w", "-D", str(data / "db"),
                             "-l", str(data / "log"), "-o", options]), **run)  # fmt: skip
        try:
            yield f"postgresql+psycopg://postgres@localhost:{port}/postgres"
        finally:
            subprocess.run(
                _as_server_user([str(bin_dir / "pg_ctl"), "stop", "-m", "fast", "-w", "-D",
                                 str(data / "db")]), **run)  # fmt: skip
    finally:
        shutil.rmtree(data, ignore_errors=True)
