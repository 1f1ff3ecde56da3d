import contextlib
import io
import os
import shutil
import tempfile
from pathlib import Path

import duckdb
import pytest

from papertrend.orchestration.cli import main
from papertrend.transforms import clock
from tests.in_process import execute_here, in_process_runs  # noqa: F401 (a fixture for every test module)
from tests.services import PgBouncer, PostgresServer, S3Server

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "dailynews"
EXAMPLES = REPO / "examples" / "digests"
RAM_DISK = Path("/dev/shm")
_RAM_BASETEMP = pytest.StashKey[Path]()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Test files (tmp_path) in RAM when the machine has a tmpfs at /dev/shm, unless told otherwise.

    Dagster's SQLite storage commits every event with an fsync: about 20 ms an event on this machine's
    disk, 7 ms on tmpfs, and the suite's end-to-end runs spend most of their time there. The files are
    as real either way. ``--basetemp DIR`` or ``PAPERTREND_TEST_TMP=disk`` keeps them on disk. Runs in
    the controller only: pytest-xdist hands each worker a folder under it.
    """
    if (
        config.option.basetemp
        or hasattr(config, "workerinput")
        or os.environ.get("PAPERTREND_TEST_TMP") == "disk"
        or not os.access(RAM_DISK, os.W_OK)
    ):
        return
    config.option.basetemp = tempfile.mkdtemp(prefix="papertrend-tests-", dir=RAM_DISK)
    config.stash[_RAM_BASETEMP] = Path(config.option.basetemp)


def pytest_sessionfinish(session, exitstatus):
    """RAM is given back after a passing run; after a failure the files stay for a look, and we say where."""
    folder = session.config.stash.get(_RAM_BASETEMP, None)
    if folder is None:
        return
    if exitstatus == 0:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"\ntest files kept in {folder} (in RAM: remove it when done)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Each phase's report on the test item (``item.report_call``), for fixtures that act on a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _restore_environ():
    """Tests set papertrend's variables (and the instance sets DAGSTER_HOME); give each test a clean copy back.

    PAPERTREND_NOW survives: ``PAPERTREND_NOW=2026-11-30T00:30:00Z make test`` runs the whole suite
    with papertrend's clock (and the fake services', which read the same one) pinned there.
    """
    saved = dict(os.environ)
    for name in [n for n in os.environ if n.startswith(("PAPERTREND_", "ARXIV_", "HF_", "GITHUB_"))] + ["DAGSTER_HOME"]:
        if name != clock.ENV_NOW:
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


def day_checks(data: Path) -> dict[str, dict[str, str]]:
    """Each day's latest ``day_checks`` result in the data dir's instance, by day: its status
    (SUCCEEDED/FAILED), severity, description, and one line per sub-check ("passed: …" or "FAILED: …")."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(data / "dagster_home")) as instance:
        records = instance.event_log_storage.get_asset_check_execution_history(
            dg.AssetCheckKey(dg.AssetKey("digest_day"), "day_checks"), limit=100_000
        )
    out: dict[str, dict[str, str]] = {}
    for record in records:  # newest first
        if record.partition in out or record.event is None or record.event.dagster_event is None:
            continue
        evaluation = record.event.dagster_event.event_specific_data
        out[record.partition] = {
            "status": record.status.value,
            "severity": evaluation.severity.value,
            "description": evaluation.description,
            **{name: value.value for name, value in evaluation.metadata.items() if name != "result"},
        }
    return out


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


# The instants where "what day is it" has more than one answer (issue 11): UTC vs Pacific, DST, new
# year. All lie after every date the tests' data uses, so the whole suite can run pinned at each one
# (PAPERTREND_NOW=... make test); the later ones are ahead of the wall clock, which Dagster must follow.
EDGE_INSTANTS = {
    "monday_0030_utc": "2026-11-30T00:30:00Z",  # Sunday 16:30 in Pacific time
    "0759_utc": "2026-11-24T07:59:00Z",  # Monday 23:59 PST: the last minute the Pacific day lags
    "saturday_2359_pt": "2026-11-28T23:59:00-08:00",  # Sunday 07:59 UTC
    "dst_ends": "2026-11-01T07:30:00Z",  # 00:30 PDT on the day clocks fall back (UTC-8 would say 31 October)
    "dst_starts": "2027-03-14T10:30:00Z",  # 03:30 PDT, just after clocks sprang forward
    "new_year_eve_utc": "2026-12-31T23:59:00Z",  # 15:59 PST; already 1 January in Shanghai
    "new_year_utc": "2027-01-01T00:30:00Z",  # still 31 December in Pacific time
}
# instant -> (UTC day, Pacific day), worked out by hand
EDGE_DAYS = {
    "monday_0030_utc": ("2026-11-30", "2026-11-29"),
    "0759_utc": ("2026-11-24", "2026-11-23"),
    "saturday_2359_pt": ("2026-11-29", "2026-11-28"),
    "dst_ends": ("2026-11-01", "2026-11-01"),
    "dst_starts": ("2027-03-14", "2027-03-14"),
    "new_year_eve_utc": ("2026-12-31", "2026-12-31"),
    "new_year_utc": ("2027-01-01", "2026-12-31"),
}
LOCAL_ZONES = ("UTC", "Asia/Shanghai", "America/Los_Angeles")


@pytest.fixture
def pin_clock(monkeypatch):
    """``pin_clock("2026-11-30T00:30:00Z")`` pins papertrend's clock for this test and its subprocesses."""

    def pin(instant: str) -> None:
        monkeypatch.setenv(clock.ENV_NOW, instant)

    return pin


@pytest.fixture
def local_zone(monkeypatch):
    """``local_zone("Asia/Shanghai")`` sets the machine's local zone (TZ) for this test."""
    import time

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="session")
def examples_warehouse(tmp_path_factory) -> Path:
    """A data dir built once by `papertrend run --offline` over the bundled examples (its run executed here:
    tests/in_process.py); tests only read it."""
    from papertrend.orchestration import launch

    data = tmp_path_factory.mktemp("examples") / "data"
    saved = dict(os.environ)
    try:
        os.environ.pop("DAGSTER_HOME", None)
        os.environ["PAPERTREND_OFFLINE"] = "1"
        with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(io.StringIO()) as out:
            patch.setattr(launch, "launch_and_wait", execute_here)
            code = main(["run", "--digests", str(EXAMPLES), "--data-dir", str(data), "--no-progress"])
        assert code == 0, out.getvalue()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return data


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL cluster on loopback for the session (skips, saying how to install, when absent)."""
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pgbouncer(postgres_server):
    """Debian's PgBouncer in transaction pooling in front of the session's PostgreSQL (the team deployment)."""
    bouncer = PgBouncer(postgres_server)
    yield bouncer
    bouncer.stop()


@pytest.fixture
def postgres_url(postgres_server, pgbouncer) -> str:
    """A fresh database of its own for one test, reached through PgBouncer as a team deployment reaches it."""
    return pgbouncer.url(postgres_server.new_database())


@pytest.fixture
def s3_server():
    server = S3Server()
    yield server
    server.stop()


# The files that take longest (`make test PYTEST_ARGS=--durations=20`), longest first: mostly waiting on
# Dagster's daemon, a browser or a fresh environment, so they overlap well with the rest.
LONGEST_FILES = (
    "test_team_daemon.py",
    "test_ui_browser.py",
    "test_wheel.py",
    "test_reliability.py",
    "test_bench.py",
    "test_object_lake.py",
    "test_team.py",
)


def pytest_collection_modifyitems(config, items):
    """The longest files first, then the other end-to-end tests (marked slow), in file order otherwise.

    With the suite spread over processes one file each (make test: ``--dist loadfile
    --no-loadscope-reorder``), the long files start first and the short ones fill in around them,
    instead of one long file running alone at the end.
    """

    def rank(item) -> tuple[int, bool]:
        name = item.path.name
        first = LONGEST_FILES.index(name) if name in LONGEST_FILES else len(LONGEST_FILES)
        return first, item.get_closest_marker("slow") is None

    items.sort(key=rank)
