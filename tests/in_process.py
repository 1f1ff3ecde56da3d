"""Test-only: `papertrend run` with its run executed in the calling process instead of launched.

`papertrend run` launches each run the way the UI does (orchestration/launch.py): a code server, `dagster job
launch`, the run queue, a daemon and the run's own process, about 7 CPU-seconds more per run. The tests about
the data (parsing, loading, enrichment, the warehouse) run the same job with the same settings, tags and run
config in their own process instead, through ``execute_here``, and leave the launch to the tests about it
(tests/e2e/test_launch.py, the browser test, the wheel and the README command).

``python -m tests.in_process run ...`` is `papertrend run` so, in a process of its own (a test that kills it).
"""

import datetime as dt
import sys
from pathlib import Path

import dagster as dg
import pytest

from papertrend.orchestration import launch, settings


def execute_here(instance: dg.DagsterInstance, request: launch.LaunchRequest, on_record, on_note) -> dg.DagsterRun:
    """What ``launch.launch_and_wait`` does, with the run executed in this process (no origin to re-execute from)."""
    from papertrend.orchestration.definitions import JOB_NAME, build_definitions

    folders = request.run_config["resources"]["papertrend"]["config"]
    first_day = dt.date.fromisoformat(request.env[settings.ENV_PARTITIONS_START])
    job = build_definitions(folders["digests_dir"], Path(folders["data_dir"]), first_day=first_day).resolve_job_def(
        JOB_NAME
    )
    job.execute_in_process(
        instance=instance,
        run_id=request.run_id,
        tags=dict(request.tags),
        run_config=dict(request.run_config),
        raise_on_error=False,
    )
    launch.deliver_records(instance, request.run_id, None, on_record)
    run = instance.get_run_by_id(request.run_id)
    assert run is not None
    return run


@pytest.fixture
def in_process_runs(monkeypatch):
    """`papertrend run` in this test executes its runs here (see the module's doc)."""
    monkeypatch.setattr(launch, "launch_and_wait", execute_here)


if __name__ == "__main__":
    from papertrend.orchestration.cli import main

    launch.launch_and_wait = execute_here
    sys.exit(main(sys.argv[1:]))
