"""The team deployment on a real PostgreSQL server (tests/services.py): Dagster's run, event-log and
schedule storage in PostgreSQL, runs queued and launched by the daemon in processes of their own, a
killed run detected, and request pacing shared through the database. Digests are SYNTHETIC, except
the bundled examples (facts of real digests)."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import psycopg2
import pytest
import requests

from papertrend.orchestration.definitions import JOB_NAME
from papertrend.orchestration.instance import ENV_DAGSTER_POSTGRES_URL, ENV_POSTGRES_URL, WORKER_TAG, sqlalchemy_url
from papertrend.transforms.discovery import discover_digests
from tests.conftest import EXAMPLES, query, run_cli
from tests.helpers import PER_DAY, PINNED, everything
from tests.services import papertrend_ui
from tests.synthetic import synthetic_entries, write_digest

pytestmark = pytest.mark.slow


def online(base: str, postgres_url: str, **settings: str) -> dict:
    """The environment of a `papertrend run` on the team instance, enrichment at the fake services."""
    return os.environ | {
        ENV_POSTGRES_URL: postgres_url,
        "PAPERTREND_OFFLINE": "0",
        "PAPERTREND_GITHUB": "off",
        "HF_API_URL": base,
        "ARXIV_API_URL": f"{base}/api/query",
        **settings,
    }


def pg_rows(url: str, sql: str) -> list[tuple]:
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        connection.close()


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

LAUNCH = """
mutation($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}"""
BACKFILL = """
query($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    ... on PartitionBackfill { status runs(limit: 10) { runId status } }
  }
}"""
RUNS = """
query {
  runsOrError(limit: 50) {
    ... on Runs { results { runId status startTime endTime tags { key value } } }
  }
}"""
LOCATION = """
query { workspaceOrError { ... on Workspace { locationEntries { name } } } }"""
LAUNCH_RUN = """
mutation($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
  }
}"""
RUN = """
query($id: ID!) {
  runOrError(runId: $id) {
    ... on Run {
      status tags { key value } eventConnection(afterCursor: null, limit: 500) {
        events { __typename ... on MessageEvent { message } }
      }
    }
  }
}"""


class Dagster:
    def __init__(self, url: str):
        self.url = url

    def graphql(self, document: str, variables: dict | None = None) -> dict:
        response = requests.post(
            f"{self.url}/graphql", json={"query": document, "variables": variables or {}}, timeout=30
        )
        assert response.ok, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    def backfill(self, days: list[dt.date]) -> str:
        params = {"partitionNames": [d.isoformat() for d in days], "fromFailure": False, "allPartitions": False}
        params["assetSelection"] = [{"path": [name]} for name in ASSETS]
        launched = self.graphql(LAUNCH, {"params": params})["launchPartitionBackfill"]
        assert launched["__typename"] == "LaunchBackfillSuccess", launched
        return launched["backfillId"]

    def wait_backfill(self, backfill_id: str, timeout_s: float = 300) -> dict:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            backfill = self.graphql(BACKFILL, {"id": backfill_id})["partitionBackfillOrError"]
            if backfill["status"] not in ("REQUESTED", "CANCELING"):
                return backfill
            time.sleep(1)
        pytest.fail(f"backfill {backfill_id} still {backfill['status']} after {timeout_s} s")

    def launch_job(self, first: dt.date, last: dt.date) -> str:
        """A run of papertrend_job for a range of days, as the sensor and the schedule submit it: queued."""
        [location] = self.graphql(LOCATION)["workspaceOrError"]["locationEntries"]
        selector = {"repositoryLocationName": location["name"], "repositoryName": "__repository__"}
        tags = {"dagster/asset_partition_range_start": first.isoformat(), "dagster/asset_partition_range_end": last}
        params = {
            "selector": selector | {"jobName": JOB_NAME},
            "executionMetadata": {"tags": [{"key": k, "value": str(v)} for k, v in tags.items()]},
            "runConfigData": {},
        }
        launched = self.graphql(LAUNCH_RUN, {"params": params})["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        return launched["run"]["runId"]

    def run(self, run_id: str) -> dict:
        run = self.graphql(RUN, {"id": run_id})["runOrError"]
        return run | {"tags": {t["key"]: t["value"] for t in run["tags"]}}

    def wait_run(self, run_id: str, timeout_s: float = 300) -> dict:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            run = self.run(run_id)
            if run["status"] in ("SUCCESS", "FAILURE", "CANCELED"):
                return run
            time.sleep(1)
        pytest.fail(f"run {run_id} still {run['status']} after {timeout_s} s")

    def runs(self) -> list[dict]:
        results = self.graphql(RUNS)["runsOrError"]["results"]
        return [r | {"tags": {t["key"]: t["value"] for t in r["tags"]}} for r in results]


ASSETS = sorted(PER_DAY)  # the per-day assets: one run for the range


@pytest.fixture
def team_ui(tmp_path, postgres_url, fake_apis):
    """`papertrend ui` (webserver + daemon) on a PostgreSQL instance, enrichment at the fake services."""
    server, base = fake_apis
    root = tmp_path / "digests"
    for day in DAYS:
        write_digest(root, day, synthetic_entries(day, 2))
    os.environ.update(
        online(
            base,
            postgres_url,
            PAPERTREND_DIGESTS_DIR=str(root),
            PAPERTREND_DATA_DIR=str(tmp_path / "data"),
            PAPERTREND_PARTITIONS_START="2026-02-01",
            ARXIV_MIN_INTERVAL_S="0",
            HF_MIN_INTERVAL_S="0",
            PAPERTREND_BACKOFF_BASE_S="0.01",
            PAPERTREND_HTTP_TIMEOUT_S="120",
        )
    )
    with papertrend_ui([], os.environ.copy(), tmp_path, tmp_path / "dagster-dev.log") as (url, pid):
        yield Dagster(url), server, root, tmp_path / "data", pid


def test_daemon_queues_runs_detects_a_killed_one_and_reruns_it(team_ui, postgres_url):
    dagster, server, digests, data, ui_pid = team_ui

    # 1. A backfill launched through the webserver's GraphQL API: the daemon picks it up and runs it in a
    #    process of its own (neither the webserver's nor this test's), recorded in PostgreSQL.
    first = dagster.wait_backfill(dagster.backfill(DAYS[:3]))
    assert first["status"] == "COMPLETED_SUCCESS", first
    [run] = [r for r in dagster.runs() if r["runId"] == first["runs"][0]["runId"]]
    host, pid, _ = run["tags"][WORKER_TAG].split(":")
    assert int(pid) not in (ui_pid, os.getpid())
    assert pg_rows(postgres_url, f"SELECT status FROM runs WHERE run_id = '{run['runId']}'") == [("SUCCESS",)]
    lake = data / "lake" / "digest_files"
    assert sorted(p.name for p in lake.iterdir()) == [f"digest_date={d}" for d in DAYS[:3]]

    # 2. Two overlapping runs of the job submitted at once, as the sensor or the schedule would: the queue
    #    starts one at a time (tag limits), both finish, and every day is in the warehouse once.
    second, third = dagster.launch_job(DAYS[2], DAYS[5]), dagster.launch_job(DAYS[4], DAYS[7])
    seen = {dagster.run(third)["status"]}
    results = [dagster.wait_run(second), dagster.wait_run(third)]
    assert [r["status"] for r in results] == ["SUCCESS", "SUCCESS"], results
    assert "QUEUED" in seen
    finished = sorted(
        (r for r in dagster.runs() if r["status"] == "SUCCESS" and r["startTime"]), key=lambda r: r["startTime"]
    )
    assert len(finished) >= 3
    for earlier, later in zip(finished, finished[1:], strict=False):
        assert later["startTime"] >= earlier["endTime"], (earlier, later)  # never two at once
    db = data / "warehouse.duckdb"
    assert query(db, "SELECT count(*), count(DISTINCT digest_date) FROM digest_files") == [(8, 8)]
    assert query(db, "SELECT count(*), count(DISTINCT (digest_date, rank)) FROM stg_digest_entries") == [(16, 16)]

    # 3. A run whose process is killed (-9) is marked failed, not left "started"; launched again, it
    #    completes. A new day's Hugging Face list answers slowly, so the run is caught waiting for it.
    new_day = DAYS[-1] + dt.timedelta(days=1)
    write_digest(digests, new_day, synthetic_entries(new_day, 3))
    server.inject("hf_daily", "slow:60")
    victim = dagster.launch_job(new_day, new_day)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        run = dagster.run(victim)
        if run["status"] == "STARTED" and WORKER_TAG in run["tags"] and server.faults_injected["slow:60"]:
            break
        time.sleep(0.5)
    else:
        pytest.fail(
            f"the run never reached the Hugging Face request ({run['status']}, {server.counts}, "
            f"{server.faults_injected}, {query(data / 'warehouse.duckdb', 'FROM digest_files')})"
        )
    os.kill(int(run["tags"][WORKER_TAG].split(":")[1]), signal.SIGKILL)
    failed = dagster.wait_run(victim, timeout_s=120)
    assert failed["status"] == "FAILURE"
    messages = [e.get("message") or "" for e in failed["eventConnection"]["events"]]
    # the code server that launched it saw its process end (the dead-run monitor covers the other cases)
    assert any("terminated by signal 9" in m for m in messages), messages[-3:]
    again = dagster.wait_run(dagster.launch_job(new_day, new_day))
    assert again["status"] == "SUCCESS", again
    assert query(db, "SELECT count(*), max(digest_date) FROM digest_files") == [(9, new_day)]


def test_a_killed_cli_run_is_marked_failed_by_the_dead_run_monitor(tmp_path, postgres_url, fake_apis):
    """`papertrend run` executes in its own process, which no code server watches: killed, its run would stay
    "started" forever (and hold its pools). The daemon's dead-run monitor sensor marks it failed."""
    import dagster as dg

    from papertrend.orchestration.instance import build_dead_run_sensor, get_instance, prepare_home

    server, base = fake_apis
    day = dt.date(2026, 2, 2)
    write_digest(tmp_path / "digests", day, synthetic_entries(day, 2))
    server.inject("hf_daily", "slow:60")
    environment = online(base, postgres_url, PAPERTREND_HTTP_TIMEOUT_S="120")
    command = [Path(sys.executable).parent / "papertrend", "run", "--no-progress", "--data-dir", str(tmp_path / "data")]
    process = subprocess.Popen(
        [*command, "--digests", str(tmp_path / "digests")], env=environment, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while not server.faults_injected["slow:60"] and time.monotonic() < deadline:
        assert process.poll() is None
        time.sleep(0.2)
    assert server.faults_injected["slow:60"], "the run never reached the Hugging Face request"
    process.kill()
    process.wait()

    os.environ[ENV_POSTGRES_URL] = postgres_url
    prepare_home(tmp_path / "data" / "dagster_home")
    instance = get_instance()
    [run] = instance.get_runs()
    assert run.status == dg.DagsterRunStatus.STARTED and run.tags[WORKER_TAG].split(":")[1] == str(process.pid)
    result = build_dead_run_sensor()(dg.build_sensor_context(instance=instance))
    assert run.run_id in str(result.skip_message)
    run = instance.get_run_by_id(run.run_id)
    assert run is not None and run.status == dg.DagsterRunStatus.FAILURE
    # a live run is left alone: the monitor marks nothing more
    assert "alive" in str(build_dead_run_sensor()(dg.build_sensor_context(instance=instance)).skip_message)


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
            [Path(sys.executable).parent / "papertrend", "run", "--no-progress"]
            + ["--digests", str(tmp_path / m / "digests"), "--data-dir", str(tmp_path / m / "data")],
            env=environment,
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
