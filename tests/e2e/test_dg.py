"""Dagster's own project CLI on the checkout, as a user who knows Dagster would use it: `dg check defs`,
`dg list defs` and `dg launch` read [tool.dg] in pyproject.toml and load the code location."""

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from papertrend.orchestration.definitions import JOB_NAME
from tests.conftest import REPO
from tests.helpers import EXPECTED_ASSETS, EXPECTED_CHECKS

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def _dg(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "dg"), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def dg_env(tmp_path) -> dict:
    """The project's environment activated, a Dagster instance and data dir of the test's own."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERTREND_")}
    env |= {
        "VIRTUAL_ENV": str(BIN.parent),
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        "DAGSTER_HOME": str(home),
        "PAPERTREND_DATA_DIR": str(tmp_path / "data"),
        "PAPERTREND_OFFLINE": "1",
    }
    return env


def test_dg_checks_lists_and_launches_the_project(dg_env, tmp_path):
    checked = _dg("check", "defs", env=dg_env)
    assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr[-2000:]
    assert "All definitions loaded successfully" in checked.stdout + checked.stderr

    listed = _dg("list", "defs", "--json", env=dg_env)
    assert listed.returncode == 0, listed.stderr[-2000:]
    found = json.loads(listed.stdout)
    assert {a["asset_key"] for a in found["assets"]} == EXPECTED_ASSETS
    assert {(c["asset_key"], c["name"]) for c in found["asset_checks"]} == EXPECTED_CHECKS
    assert [j["name"] for j in found["jobs"]] == [JOB_NAME]
    assert {s["name"] for s in found["sensors"]} == {"digest_files_sensor", "dead_run_monitor"}

    # two days of the bundled examples through the whole job, launched the dg way: one run for the range
    launched = _dg("launch", "--job", JOB_NAME, "--partition-range", "2026-03-13...2026-03-14", env=dg_env)
    assert launched.returncode == 0, launched.stderr[-3000:]
    lake = tmp_path / "data" / "lake" / "stg_digest_entries"
    assert sorted(p.name for p in lake.iterdir()) == ["digest_date=2026-03-13", "digest_date=2026-03-14"]
    assert pl.read_parquet(lake / "digest_date=2026-03-13" / "data.parquet").height == 29  # as its digest lists
    assert (tmp_path / "data" / "warehouse.duckdb").exists() and (tmp_path / "data" / "report").is_dir()
