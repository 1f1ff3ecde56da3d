"""`papertrend run` launches its run the way the UI does (orchestration/launch.py): the run has its origin in the
code location, carries the command's settings as run config, executes in a process of its own, and the command
leaves no process behind, also when interrupted. (Re-executing such a run from the UI: test_ui_browser.py.)
Digests are SYNTHETIC; services are the fake server on 127.0.0.1."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from papertrend.orchestration.instance import WORKER_TAG
from tests.helpers import point_at
from tests.synthetic import synthetic_entries, write_digest

pytestmark = pytest.mark.slow
PAPERTREND = Path(sys.executable).parent / "papertrend"
DAY = dt.date(2026, 2, 2)


def _processes() -> list[tuple[int, int, int, str]]:
    """Every live process: (pid, parent pid, session, command line). An exited one whose parent has not collected
    it yet (a zombie, as a container's first process may leave it) is not running and left out."""
    done = subprocess.run(
        ["ps", "-ww", "-o", "pid=,ppid=,sid=,stat=,args=", "-e"], capture_output=True, text=True, check=True
    )
    rows = (line.split(None, 4) for line in done.stdout.splitlines())
    return [(int(p), int(pp), int(s), args) for p, pp, s, stat, args in rows if not stat.startswith("Z")]


def instance_run(data: Path) -> dg.DagsterRun:
    """The data dir's newest run."""
    with dg.DagsterInstance.from_config(str(data / "dagster_home")) as instance:
        return instance.get_runs(limit=1)[0]


def test_ctrl_c_cancels_a_launched_run_which_has_its_origin_and_settings(tmp_path, fake_apis):
    server, base = fake_apis
    write_digest(tmp_path / "digests", DAY, synthetic_entries(DAY, 3))
    point_at(base)
    data = tmp_path / "data"
    command = [PAPERTREND, "run", "--no-progress", "--digests", tmp_path / "digests", "--data-dir", data]

    # interrupted while the run waits on Hugging Face: the run is canceled, the command says so, nothing is left
    server.inject("hf_daily", "slow:60")
    cli = subprocess.Popen(
        [*command, "--refresh"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not server.faults_injected["slow:60"] and time.monotonic() < deadline:
        assert cli.poll() is None, cli.communicate()
        time.sleep(0.2)
    assert server.faults_injected["slow:60"], "the run never reached the Hugging Face request"
    helpers = [(pid, args) for pid, parent, _, args in _processes() if parent == cli.pid]
    tools = sorted(" ".join(Path(word).name for word in args.split()[1:3]) for _, args in helpers)
    assert tools == ["dagster api", "dagster-daemon run"], helpers  # the code server and the daemon
    sessions = {pid for pid, _ in helpers}  # each helper leads a session of its own; the run's process is in one
    worker = int(instance_run(data).tags[WORKER_TAG].split(":")[1])
    assert worker in {pid for pid, _, sid, _ in _processes() if sid in sessions}
    cli.send_signal(signal.SIGINT)  # what Ctrl-C in its terminal sends it
    out, err = cli.communicate(timeout=120)
    assert cli.returncode == 130, out + err
    assert "interrupted: canceling run" in err and "was canceled" in err, err
    run = instance_run(data)
    assert run.status == dg.DagsterRunStatus.CANCELED

    # a run of the job in the code location, with the command's settings as its run config
    assert run.remote_job_origin is not None
    assert run.remote_job_origin.location_name == "papertrend.orchestration.definitions"
    assert run.job_name == "papertrend_job" and run.tags["papertrend/lake"] == "write"
    assert run.tags["papertrend/launched_by"] == "cli"
    settings = run.run_config["resources"]
    assert settings["papertrend"]["config"]["digests_dir"] == str(tmp_path / "digests")
    enrichment = settings["enrichment"]["config"]
    assert enrichment | {"refresh": True, "offline": False, "hf_url": base} == enrichment
    left = [p for p in _processes() if p[2] in sessions]
    assert left == [], left  # code server, daemon and the run's process all gone
