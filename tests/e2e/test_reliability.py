"""Faults, crashes and concurrency: the warehouse ends equal to a clean run's, and no reader ever sees
half a day. Digests are SYNTHETIC; services are the fake server on 127.0.0.1."""

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO, query, run_cli
from tests.helpers import daily_lists, point_at
from tests.synthetic import synthetic_entries, write_digest

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("in_process_runs")]
# `papertrend run` with its run executed in its own process: a SIGKILL kills the writer (tests/in_process.py)
PAPERTREND_RUN = [sys.executable, "-m", "tests.in_process", "run"]
DAYS = [dt.date(2026, 4, 1) + dt.timedelta(days=i) for i in range(16)]
STATUS_COLUMNS = "source, key, status, reason"  # attempts and times differ between runs by nature


def warehouse_state(db: Path) -> dict[str, list]:
    """Every table's rows, with fetch and attempt times left out (they differ between any two runs)."""
    tables = {
        "stg_digest_entries": "*",
        "digest_quarantine": "*",
        "digest_files": "*",
        "dim_paper": "* EXCLUDE (fetched_at)",
        "stg_hf_daily_papers": "* EXCLUDE (fetched_at)",
        "enrichment_status": STATUS_COLUMNS,
    }
    return {name: sorted(query(db, f"SELECT {cols} FROM {name}"), key=repr) for name, cols in tables.items()}


@pytest.fixture
def digests(tmp_path):
    root = tmp_path / "digests"
    for i, day in enumerate(DAYS):
        if i % 7 != 5:  # a missing day each week
            write_digest(root, day, synthetic_entries(day, 12))
    return root


def start_run(digests: Path, data: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*PAPERTREND_RUN, "--digests", digests, "--data-dir", data, "--no-progress", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
        cwd=REPO,
    )


class AnalystWatcher(threading.Thread):
    """Reads warehouse.duckdb and the lake over and over, recording any half-written day it sees."""

    def __init__(self, data: Path):
        super().__init__(daemon=True)
        self.data, self.stop, self.reads, self.violations = data, threading.Event(), 0, []

    def run(self):
        db = self.data / "warehouse.duckdb"
        while not self.stop.is_set():
            if db.exists():
                try:
                    with duckdb.connect(str(db), read_only=True) as con:
                        torn = con.execute(
                            "SELECT f.digest_date FROM digest_files f "
                            "LEFT JOIN (SELECT digest_date, count(*) n FROM stg_digest_entries GROUP BY ALL) e "
                            "USING (digest_date) "
                            "LEFT JOIN (SELECT digest_date, count(*) n FROM digest_quarantine GROUP BY ALL) q "
                            "USING (digest_date) "
                            "WHERE f.parsed_count <> coalesce(e.n, 0) OR f.quarantined_count <> coalesce(q.n, 0)"
                        ).fetchall()
                    self.violations += [f"torn day in warehouse: {d}" for (d,) in torn]
                    self.reads += 1
                except duckdb.IOException as exc:  # never expected: the file is swapped whole
                    self.violations.append(f"cannot read warehouse: {exc}")
            for path in (self.data / "lake").glob("*/*/data.parquet"):
                try:
                    pq.read_metadata(path)
                except FileNotFoundError:
                    pass  # a table folder listed before its first file: not a torn file
                except Exception as exc:  # a partial Parquet file
                    self.violations.append(f"unreadable {path}: {exc}")
            time.sleep(0.05)


def test_kill_9_at_random_points_then_a_rerun_equals_a_clean_run(tmp_path, digests):
    clean = tmp_path / "clean"
    started = time.monotonic()
    done = start_run(digests, clean)
    assert done.wait(timeout=300) == 0, done.stderr.read()
    clean_seconds = time.monotonic() - started
    expected = warehouse_state(clean / "warehouse.duckdb")

    kills = []
    for seed in (1, 2):  # 1 kills a first run, 2 one over a complete warehouse (docs/reliability.md)
        data = tmp_path / f"crash-{seed}"
        rng = random.Random(seed)
        if seed % 2 == 0:  # half the crashes hit a warehouse that already holds a complete run: the clean one's
            shutil.copytree(clean, data)
        watcher = AnalystWatcher(data)
        watcher.start()
        victim = start_run(digests, data)
        delay = rng.uniform(1.0, 0.8 * clean_seconds)  # startup included: most kills land mid-run
        time.sleep(delay)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        kills.append((seed, round(delay, 2), victim.returncode))
        rerun = start_run(digests, data)
        assert rerun.wait(timeout=300) == 0, rerun.stderr.read()
        watcher.stop.set()
        watcher.join()
        assert watcher.violations == [], watcher.violations
        assert warehouse_state(data / "warehouse.duckdb") == expected, f"seed {seed}"
        assert not list(data.glob(".warehouse.duckdb.*")) and not list((data / "lake").rglob(".*.tmp"))
    assert any(code == -signal.SIGKILL for _, _, code in kills), kills  # at least one kill landed mid-run
    print("kills (seed, seconds, returncode):", kills)


def test_two_overlapping_runs_at_once_lose_nothing_and_duplicate_nothing(tmp_path, digests):
    clean = tmp_path / "clean"
    assert start_run(digests, clean).wait(timeout=300) == 0
    data = tmp_path / "shared"
    watcher = AnalystWatcher(data)
    watcher.start()
    first = start_run(digests, data, "--start", str(DAYS[0]), "--end", str(DAYS[10]))
    second = start_run(digests, data, "--start", str(DAYS[5]), "--end", str(DAYS[-1]))
    for run in (first, second):
        assert run.wait(timeout=300) == 0, run.stderr.read()
    watcher.stop.set()
    watcher.join()
    assert watcher.violations == [] and watcher.reads > 0
    assert warehouse_state(data / "warehouse.duckdb") == warehouse_state(clean / "warehouse.duckdb")
    db = data / "warehouse.duckdb"
    assert query(
        db,
        "SELECT count(*) FROM (SELECT digest_date, source_line FROM stg_digest_entries "
        "GROUP BY ALL HAVING count(*) > 1)",
    ) == [(0,)]
    assert query(db, "SELECT count(*) FROM digest_files") == [(len(DAYS),)]


def test_flaky_services_then_a_calm_run_equal_a_fault_free_run(capsys, tmp_path, digests, fake_apis):
    server, base = fake_apis
    server.daily = daily_lists(digests)
    point_at(base)
    os.environ.update(PAPERTREND_HTTP_TIMEOUT_S="1", PAPERTREND_MAX_ATTEMPTS="2")
    calm = tmp_path / "calm"
    assert run_cli(capsys, "run", "--digests", digests, "--data-dir", calm, "--no-progress")[0] == 0
    expected = warehouse_state(calm / "warehouse.duckdb")
    assert {row[2] for row in expected["enrichment_status"]} == {"ok"}

    server.reset_counts()
    server.fault_rate(
        0.3, ["429", "429:0", "503", "503:0", "slow:1.5", "drop", "truncate", "malformed", "empty"], seed=7
    )
    data = tmp_path / "flaky"
    assert run_cli(capsys, "run", "--digests", digests, "--data-dir", data, "--no-progress")[0] == 0
    faults = sum(server.faults_injected.values())
    requests = sum(server.counts.values())
    db = data / "warehouse.duckdb"
    papers = query(db, "SELECT count(DISTINCT arxiv_id) FROM stg_digest_entries")[0][0]
    enriched = query(db, "SELECT count(*) FROM dim_paper")[0][0]
    open_gaps = query(db, "SELECT key, status, reason FROM enrichment_status WHERE status <> 'ok'")
    assert enriched + len([g for g in open_gaps if "-" not in g[0]]) == papers  # every paper: enriched, or a status row
    assert all(reason for _, _, reason in open_gaps)

    server.fault_rate(0, [])
    assert run_cli(capsys, "run", "--digests", digests, "--data-dir", data, "--no-progress")[0] == 0
    assert warehouse_state(db) == expected
    print(
        f"faults injected: {faults} of {requests} requests ({dict(server.faults_injected)}); "
        f"after the flaky run {enriched}/{papers} papers enriched, {len(open_gaps)} gaps; all filled by the calm run"
    )
