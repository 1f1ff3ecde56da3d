import os
import shutil
import socket
from pathlib import Path

import duckdb
import pytest

from orchestration.cli import main

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "dailynews"
EXAMPLES = REPO / "examples" / "digests"


@pytest.fixture(autouse=True)
def _restore_environ():
    """The CLI exports its options as environment variables; give each test a clean copy back."""
    saved = dict(os.environ)
    for name in [n for n in os.environ if n.startswith(("PAPERTREND_", "ARXIV_", "HF_", "GITHUB_"))] + ["DAGSTER_HOME"]:
        os.environ.pop(name, None)
    # Tests never reach the internet: enrichment is offline unless a test points it at the fake server.
    os.environ["PAPERTREND_OFFLINE"] = "1"
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def corpus_dir() -> Path:
    if not (CORPUS / "output").is_dir():
        pytest.skip(f"the real corpus is not at {CORPUS} (a user's clone has no ../shared)")
    return CORPUS


@pytest.fixture
def examples_copy(tmp_path) -> Path:
    """A writable copy of the bundled example digests."""
    target = tmp_path / "digests"
    shutil.copytree(EXAMPLES, target)
    return target


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """``papertrend ARGS`` in this process; the environment it exports is undone after, as a process exit would."""
    capsys.readouterr()
    saved = dict(os.environ)
    try:
        code = main([str(a) for a in args])
    finally:
        os.environ.clear()
        os.environ.update(saved)
    out, err = capsys.readouterr()
    return code, out, err


def query(db: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


CONTRACT_TABLES = ("stg_digest_entries", "digest_quarantine", "digest_files")


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of every contract table, in a stable order."""
    return {table: sorted(query(db, f"SELECT * FROM {table}"), key=repr) for table in CONTRACT_TABLES}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def fake_apis():
    """A started fake arXiv + Hugging Face server on 127.0.0.1; yields (server, base_url)."""
    from tests.fake_apis.server import FakeApis

    server = FakeApis()
    base = server.start()
    try:
        yield server, base
    finally:
        server.stop()
