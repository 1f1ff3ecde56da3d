"""The path a user takes in the UI: `papertrend ui` (dagster dev: webserver + daemon) on 127.0.0.1, a partition-range
backfill launched through GraphQL, one run for the range, rows in the warehouse. SYNTHETIC digests."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port, query
from tests.synthetic import synthetic_entries, write_digest

pytestmark = pytest.mark.slow

DAYS = [dt.date(2026, 2, 2) + dt.timedelta(days=i) for i in range(3)]
ASSETS = [
    "stg_digest_entries",
    "digest_quarantine",
    "digest_files",
    "dim_paper",
    "stg_hf_daily_papers",
    "enrichment_status",
    "bridge_paper_repo",
    "dim_repo",
    "fct_repo_stars_daily",
    "repo_history_sync",
    "analyst_warehouse",
]

LAUNCH = """
mutation($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}"""
STATUS = """
query($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    ... on PartitionBackfill { status numPartitions runs(limit: 10) { runId status tags { key value } } }
  }
}"""
CHECKS = """
query($key: AssetKeyInput!) {
  assetNodeOrError(assetKey: $key) {
    ... on AssetNode { assetChecksOrError { ... on AssetChecks { checks { name } } } }
  }
}"""


@pytest.fixture
def dagster_dev(tmp_path):
    root = tmp_path / "digests"
    for day in DAYS:
        write_digest(root, day, synthetic_entries(day, 2 + DAYS.index(day)))
    os.environ.update(
        PAPERTREND_DIGESTS_DIR=str(root),
        PAPERTREND_DATA_DIR=str(tmp_path / "data"),
        PAPERTREND_PARTITIONS_START="2026-02-01",
        PAPERTREND_OFFLINE="1",  # enrichment records its gaps; nothing leaves the machine
    )
    port = free_port()
    log = open(tmp_path / "dagster-dev.log", "w")
    process = subprocess.Popen(
        [Path(sys.executable).parent / "papertrend", "ui", "--port", str(port)],
        cwd=tmp_path,
        env=os.environ.copy(),
        stdout=log,
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
            assert process.poll() is None, (tmp_path / "dagster-dev.log").read_text()
            time.sleep(0.5)
        else:
            pytest.fail("dagster dev did not answer within 120 s")
        assert (tmp_path / "data" / "dagster_home" / "dagster.yaml").exists()  # the instance the CLI uses too
        yield url, tmp_path / "data"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def graphql(url: str, document: str, variables: dict) -> dict:
    response = requests.post(f"{url}/graphql", json={"query": document, "variables": variables}, timeout=30)
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_backfill_launched_in_the_ui_runs_once_and_fills_the_warehouse(dagster_dev):
    url, data = dagster_dev
    checks = graphql(url, CHECKS, {"key": {"path": ["stg_digest_entries"]}})
    names = {c["name"] for c in checks["assetNodeOrError"]["assetChecksOrError"]["checks"]}
    assert names == {"matches_contract", "nothing_quarantined", "agrees_with_stats_json"}

    params = {
        "partitionNames": [d.isoformat() for d in DAYS],
        "assetSelection": [{"path": [key]} for key in ASSETS],
        "fromFailure": False,
    }
    launched = graphql(url, LAUNCH, {"params": params})["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        backfill = graphql(url, STATUS, {"id": launched["backfillId"]})["partitionBackfillOrError"]
        if backfill["status"] not in ("REQUESTED", "CANCELING"):
            break
        time.sleep(1)
    else:
        pytest.fail(f"backfill still {backfill['status']} after 300 s")
    assert backfill["status"] == "COMPLETED_SUCCESS", backfill
    [run] = backfill["runs"]  # single-run backfill policy: the whole range in one run
    tags = {t["key"]: t["value"] for t in run["tags"]}
    assert run["status"] == "SUCCESS"
    assert (tags["dagster/asset_partition_range_start"], tags["dagster/asset_partition_range_end"]) == (
        "2026-02-02",
        "2026-02-04",
    )
    rows = query(
        data / "warehouse.duckdb", "SELECT digest_date, count(*) FROM stg_digest_entries GROUP BY ALL ORDER BY 1"
    )
    assert rows == [(DAYS[0], 2), (DAYS[1], 3), (DAYS[2], 4)]
