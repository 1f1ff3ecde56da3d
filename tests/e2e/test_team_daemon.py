"""The team deployment's daemon on a real PostgreSQL server behind PgBouncer (tests/services.py): a backfill
and runs launched through the webserver's API, queued and run by the daemon in processes of their own, a
killed run detected and launched again. A file of its own, so it runs beside test_team.py. Digests are
SYNTHETIC."""

import datetime as dt
import os
import signal
import time

import pytest
import requests

from papertrend.orchestration.definitions import JOB_NAME
from papertrend.orchestration.instance import WORKER_TAG
from tests.conftest import query
from tests.helpers import PER_DAY, online, pg_rows
from tests.services import papertrend_ui
from tests.synthetic import synthetic_entries, write_digest

pytestmark = pytest.mark.slow


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
