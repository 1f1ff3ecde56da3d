"""papertrend installed like a library: a wheel built from the repository, installed into a fresh virtual
environment, used from a folder outside the repository, with no options (the bundled examples ship inside it)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.conftest import REPO
from tests.services import papertrend_ui

pytestmark = pytest.mark.slow


def _run(args: list, cwd: Path, env: dict, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_a_wheel_installed_elsewhere_runs_queries_reports_and_serves_the_ui(tmp_path):
    dist, venv, work = tmp_path / "dist", tmp_path / "venv", tmp_path / "somewhere-else"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPERTREND_", "DAGSTER_HOME", "VIRTUAL_ENV"))}
    env["PAPERTREND_OFFLINE"] = "1"  # nothing leaves the machine but the package index
    uv = Path(sys.executable).parent / "uv"  # what make setup installs with; its cache makes this quick
    built = _run([uv, "build", "--wheel", "--quiet", "--out-dir", dist, REPO], work, env)
    assert built.returncode == 0, built.stderr[-3000:]
    [wheel] = dist.glob("papertrend-*.whl")
    assert _run([sys.executable, "-m", "venv", "--without-pip", venv], work, env).returncode == 0  # uv installs
    installed = _run(
        [uv, "pip", "install", "--quiet", "--python", venv / "bin" / "python", "-c", REPO / "constraints.txt", wheel],
        work,
        env,
    )
    if installed.returncode != 0 and "not found in the package registry" in installed.stderr + installed.stdout:
        pytest.skip(f"the package index is not reachable: {installed.stderr[-300:]}")
    assert installed.returncode == 0, installed.stderr[-3000:]
    papertrend = venv / "bin" / "papertrend"
    where = _run([venv / "bin" / "python", "-c", "import papertrend.orchestration as o; print(o.__file__)"], work, env)
    assert str(venv) in where.stdout, where  # the installed copy, not the checkout

    done = _run([papertrend, "run", "--no-progress"], work, env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "2026-03-13 .. 2026-04-09 (28 days)" in done.stdout and "286 loaded, 0 quarantined" in done.stdout
    assert "../" not in done.stdout  # paths as given, never climbing out of the current folder
    asked = _run([papertrend, "sql", "SELECT count(*) AS n FROM stg_digest_entries", "--format", "csv"], work, env)
    assert asked.returncode == 0 and asked.stdout.split() == ["n", "286"], asked
    drawn = _run([papertrend, "report"], work, env)
    assert drawn.returncode == 0 and (work / "data" / "report" / "trend_report.html").exists(), drawn

    with papertrend_ui([], env, work, tmp_path / "ui.log", executable=papertrend) as (url, _):
        graph = requests.post(
            f"{url}/graphql", json={"query": "{ assetNodes { assetKey { path } } }"}, timeout=60
        ).json()
        keys = {"/".join(node["assetKey"]["path"]) for node in graph["data"]["assetNodes"]}
        assert {"digest_day", "stg_digest_entries", "analyst_warehouse"} <= keys, graph
