"""The code location: what it holds, and how its sensor and schedule decide what to run."""

import datetime as dt
import json
import os
import subprocess
import sys

import dagster as dg
import pytest

from papertrend.orchestration.definitions import JOB_NAME, build_definitions
from papertrend.orchestration.instance import RUN_QUEUE_TAGS
from tests.conftest import REPO, run_cli
from tests.helpers import EXPECTED_ASSETS, EXPECTED_CHECKS, PER_DAY
from tests.synthetic import synthetic_entries, write_digest

pytestmark = pytest.mark.usefixtures("in_process_runs")


def _evaluate_sensor(defs, cursor=None):
    sensor = defs.resolve_sensor_def("digest_files_sensor")
    with dg.build_sensor_context(cursor=cursor, resources={"papertrend": defs.resources["papertrend"]}) as context:
        result = sensor.evaluate_tick(context)
    ranges = [
        (r.tags["dagster/asset_partition_range_start"], r.tags["dagster/asset_partition_range_end"])
        for r in result.run_requests
    ]
    return ranges, result.cursor


def test_code_location_loads_with_every_asset_check_sensor_schedule():
    env = {**os.environ, "DAGSTER_HOME": ""}
    env.pop("DAGSTER_HOME")
    loaded = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-m", "papertrend.orchestration.definitions"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr

    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    assert {k.to_user_string() for k in graph.get_all_asset_keys()} == EXPECTED_ASSETS
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert checks == EXPECTED_CHECKS
    assert defs.resolve_sensor_def("digest_files_sensor").job_name == JOB_NAME
    schedule = defs.resolve_schedule_def("daily_digest_schedule")
    assert schedule.job_name == JOB_NAME and schedule.cron_schedule == "0 9 * * *"
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.owners == ["team:papertrend"], key  # the UI's owner filter finds every asset
        if key.to_user_string() in PER_DAY:
            assert node.partitions_def is not None and node.backfill_policy == dg.BackfillPolicy.single_run()
        else:
            assert node.partitions_def is None, key
    for check_key in graph.asset_check_keys:  # a per-day asset's checks are per day, a whole table's whole
        per_day = check_key.asset_key.to_user_string() in PER_DAY
        assert (graph.get_check_spec(check_key).partitions_def is not None) == per_day, check_key
    # the steps that call a service claim its pool (limited on a team instance, orchestration/instance.py)
    pools = {k.to_user_string(): set(graph.get(k).pools) for k in graph.get_all_asset_keys() if graph.get(k).pools}
    assert pools == {
        "dim_paper": {"arxiv"},
        "enrichment_status_arxiv": {"arxiv"},
        "digest_day": {"huggingface"},
        **dict.fromkeys(
            ["bridge_paper_repo", "dim_repo", "fct_repo_stars_daily", "repo_history_sync", "enrichment_status_github"],
            {"github"},
        ),
    }
    assert defs.resolve_sensor_def("dead_run_monitor").default_status == dg.DefaultSensorStatus.RUNNING
    assert defs.resolve_job_def(JOB_NAME).tags == RUN_QUEUE_TAGS
    stg = graph.get(dg.AssetKey("stg_digest_entries"))
    columns = [c.name for c in stg.metadata["dagster/column_schema"].columns]
    assert columns[:3] == ["digest_date", "rank", "is_golden"] and "source_sha256" in columns


def test_partitions_start_is_configurable_and_follows_the_lake(capsys, tmp_path):
    os.environ["PAPERTREND_PARTITIONS_START"] = "2025-06-01"
    job = build_definitions().resolve_job_def(JOB_NAME)
    assert job.partitions_def.get_first_partition_key() == "2025-06-01"
    # a CLI backfill before the first partition: every later process sees those days, nothing set
    del os.environ["PAPERTREND_PARTITIONS_START"]
    root, data = tmp_path / "digests", tmp_path / "data"
    write_digest(root, dt.date(2024, 2, 6), synthetic_entries(dt.date(2024, 2, 6), 2))  # SYNTHETIC
    os.environ.update(PAPERTREND_DIGESTS_DIR=str(root), PAPERTREND_DATA_DIR=str(data))
    assert build_definitions().resolve_job_def(JOB_NAME).partitions_def.get_first_partition_key() == "2026-01-01"
    assert run_cli(capsys, "run", "--no-progress")[0] == 0
    job = build_definitions().resolve_job_def(JOB_NAME)
    assert job.partitions_def.get_first_partition_key() == "2024-02-06"


def test_sensor_requests_exactly_new_changed_and_deleted_days(capsys, tmp_path):
    """SYNTHETIC digests on three consecutive days and one after a gap."""
    root, data = tmp_path / "digests", tmp_path / "data"
    days = [dt.date(2026, 2, 2), dt.date(2026, 2, 3), dt.date(2026, 2, 4), dt.date(2026, 2, 9)]
    for day in days:
        write_digest(root, day, synthetic_entries(day, 2))
    os.environ.update(PAPERTREND_DIGESTS_DIR=str(root), PAPERTREND_DATA_DIR=str(data))
    ranges, cursor = _evaluate_sensor(build_definitions())
    assert ranges == [("2026-02-02", "2026-02-04"), ("2026-02-09", "2026-02-09")]
    # the cursor says what the folder held, in a line; the files' hashes are cached in the data dir instead
    assert json.loads(cursor) == {"days": len(days), "files": len(days), "newest_day": "2026-02-09"}
    assert len(json.loads((data / "source" / "file_hashes.json").read_text())) == len(days)

    assert run_cli(capsys, "run", "--no-progress")[0] == 0
    defs = build_definitions()
    assert _evaluate_sensor(defs, cursor)[0] == []  # everything loaded
    path = write_digest(root, days[1], synthetic_entries(days[1], 2))  # rewritten, same bytes
    os.utime(path, (1, 1))
    assert _evaluate_sensor(defs, cursor)[0] == []
    write_digest(root, days[1], synthetic_entries(days[1], 3))
    (root / "output" / "2026-02-09" / "papers" / "papers_summary.md").unlink()
    assert _evaluate_sensor(defs, cursor)[0] == [("2026-02-03", "2026-02-03"), ("2026-02-09", "2026-02-09")]
