"""The team deployment on a real PostgreSQL server (tests/services.py): Dagster's run, event-log and
schedule storage in PostgreSQL, a killed CLI run detected, and request pacing shared through the
database (the daemon's own runs: test_team_daemon.py). Digests are SYNTHETIC, except the bundled
examples (facts of real digests)."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from papertrend.orchestration.instance import ENV_DAGSTER_POSTGRES_URL, ENV_POSTGRES_URL, WORKER_TAG, sqlalchemy_url
from papertrend.transforms.discovery import discover_digests
from tests.conftest import EXAMPLES, REPO, run_cli
from tests.helpers import PINNED, everything, online, pg_rows
from tests.synthetic import synthetic_entries, write_digest

pytestmark = pytest.mark.slow


@pytest.mark.usefixtures("in_process_runs")
def test_postgres_instance_builds_the_same_warehouse_as_sqlite(tmp_path, capsys, pin_clock, postgres_url):
    pin_clock(PINNED)  # enrichment dates its outcomes: the same instant for both runs
    common = ("run", "--digests", str(EXAMPLES), "--offline", "--no-progress")
    assert run_cli(capsys, *common, "--data-dir", str(tmp_path / "local"))[0] == 0
    os.environ[ENV_POSTGRES_URL] = postgres_url
    code, out, err = run_cli(capsys, *common, "--data-dir", str(tmp_path / "team"))
    assert code == 0, err

    local = everything(tmp_path / "local" / "warehouse.duckdb")
    team = everything(tmp_path / "team" / "warehouse.duckdb")
    assert local == team
    assert len(local["stg_digest_entries"]) == 286 and len(local) > 30  # the 28 bundled days
    # The run is recorded in PostgreSQL, not in a SQLite file; the instance file names the variable only.
    [(runs,)] = pg_rows(postgres_url, "SELECT count(*) FROM runs WHERE status = 'SUCCESS'")
    assert runs == 1
    [(materializations,)] = pg_rows(
        postgres_url, "SELECT count(*) FROM event_logs WHERE dagster_event_type = 'ASSET_MATERIALIZATION'"
    )
    assert materializations > 28
    # Written in batches (DAGSTER_EVENT_BATCH_SIZE): still one materialization per day, and every day the
    # run covered is materialized for the instance (what the UI's partition status reads).
    days = pg_rows(
        postgres_url,
        "SELECT partition, count(*) FROM event_logs WHERE dagster_event_type = 'ASSET_MATERIALIZATION' "
        "AND asset_key = '[\"digest_day\"]' GROUP BY partition",
    )
    assert {n for _, n in days} == {1} and {d.isoformat() for d in discover_digests(EXAMPLES)} <= {d for d, _ in days}
    home = tmp_path / "team" / "dagster_home"
    os.environ[ENV_DAGSTER_POSTGRES_URL] = sqlalchemy_url(postgres_url)  # what the CLI derives for its instance
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_materialized_partitions(dg.AssetKey("digest_day")) == {d for d, _ in days}
    assert not list(home.rglob("*.db"))
    config = (home / "dagster.yaml").read_text()
    assert "env: PAPERTREND_DAGSTER_POSTGRES_URL" in config and "SYNTHETIC-test-password" not in config
    assert "QueuedRunCoordinator" not in config and "tag_concurrency_limits:" in config and "run_monitoring:" in config
    # the local shape is unchanged: SQLite in its folder
    assert list((tmp_path / "local" / "dagster_home").rglob("*.db"))


# --- webserver + daemon ---------------------------------------------------------------------------------

DAYS = [dt.date(2026, 2, 2) + dt.timedelta(days=i) for i in range(8)]


def test_a_run_whose_process_is_killed_is_marked_failed_by_the_dead_run_monitor(tmp_path, postgres_url, fake_apis):
    """`papertrend run` launches its run through the team instance's queue; the daemon it starts for it (no other
    serves the queue) hands it to a process of its own. Killed, that process would leave the run "started" forever
    (and its pools held): the daemon marks it failed (Dagster's run monitoring asks the code server that started
    it; papertrend's dead-run monitor sensor checks the process itself), and the command says so."""
    import dagster as dg

    from papertrend.orchestration.instance import get_instance, prepare_home

    server, base = fake_apis
    day = dt.date(2026, 2, 2)
    write_digest(tmp_path / "digests", day, synthetic_entries(day, 2))
    server.inject("hf_daily", "slow:60")
    environment = online(base, postgres_url, PAPERTREND_HTTP_TIMEOUT_S="120")
    command = [Path(sys.executable).parent / "papertrend", "run", "--no-progress", "--data-dir", str(tmp_path / "data")]
    cli = subprocess.Popen(
        [*command, "--digests", str(tmp_path / "digests")], env=environment, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while not server.faults_injected["slow:60"] and time.monotonic() < deadline:
        assert cli.poll() is None
        time.sleep(0.2)
    assert server.faults_injected["slow:60"], "the run never reached the Hugging Face request"

    os.environ[ENV_POSTGRES_URL] = postgres_url
    prepare_home(tmp_path / "data" / "dagster_home")
    instance = get_instance()
    [run] = instance.get_runs()
    assert run.status == dg.DagsterRunStatus.STARTED and run.remote_job_origin is not None  # a launched run
    worker = int(run.tags[WORKER_TAG].split(":")[1])
    assert worker != cli.pid  # the run executes in a process of its own
    os.kill(worker, signal.SIGKILL)
    _, err = cli.communicate(timeout=120)  # the monitors look every 15 to 20 s
    assert cli.returncode == 1, err
    run = instance.get_run_by_id(run.run_id)
    assert run is not None and run.status == dg.DagsterRunStatus.FAILURE
    assert f"run {run.run_id} failed" in err and ("marked as failed" in err or "is gone" in err), err


def test_the_pace_holds_across_machines_that_share_only_postgresql(tmp_path, postgres_url, fake_apis):
    """Two runs at once, each with a data directory of its own (two machines: no lock file in common), one
    PostgreSQL: together they send Hugging Face and arXiv no more than one request per interval."""
    server, base = fake_apis
    interval = 0.4
    for machine in ("a", "b"):
        for day in DAYS[:4]:
            write_digest(tmp_path / machine / "digests", day, synthetic_entries(day, 2))
    environment = online(base, postgres_url, HF_MIN_INTERVAL_S=str(interval), ARXIV_MIN_INTERVAL_S=str(interval))
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.in_process", "run", "--no-progress"]  # each machine executes its run
            + ["--digests", str(tmp_path / m / "digests"), "--data-dir", str(tmp_path / m / "data")],
            env=environment,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for m in ("a", "b")
    ]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err.decode()
    arrivals = sorted(server.arrivals["hf_daily"] + server.arrivals["hf_paper"])
    assert len(arrivals) >= 2 * (4 + 8)  # both machines asked: every day's list and every paper
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    assert min(gaps) >= interval - 0.05, sorted(gaps)[:3]
    arxiv = sorted(server.arrivals["arxiv"])
    assert len(arxiv) >= 2 and min(b - a for a, b in zip(arxiv, arxiv[1:], strict=False)) >= interval - 0.05


def test_ledgers_on_two_machines_hand_out_slots_one_interval_apart(postgres_url):
    """The ledger alone, two connections standing for two machines, four threads each."""
    import threading

    from papertrend.sources.pacing import PostgresLedger

    ledgers = [PostgresLedger(postgres_url), PostgresLedger(postgres_url)]
    slots: list[float] = []
    delays: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def take(ledger: PostgresLedger) -> None:
        try:
            for _ in range(5):
                delay, slot = ledger.reserve("arxiv", 0.2)
                with lock:
                    slots.append(slot)
                    delays.append(delay)
        except BaseException as exc:  # reported below: an exception in a thread would only warn
            errors.append(exc)

    threads = [threading.Thread(target=take, args=(ledgers[i % 2],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert all(0 <= d <= 20 * 0.2 for d in delays), delays
    slots.sort()
    assert len(slots) == 20
    # every reservation moved the shared next slot on by one interval (slots in the server's clock)
    gaps = [b - a for a, b in zip(slots, slots[1:], strict=False)]
    assert min(gaps) >= 0.2 - 1e-6, gaps
