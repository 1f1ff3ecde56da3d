"""The Dagster instance the CLI, the UI and every run share, and what keeps it honest.

Two shapes, chosen by one environment variable:

- **local** (default): Dagster's own SQLite storage in ``<data-dir>/dagster_home``.
- **team**: ``PAPERTREND_POSTGRES_URL=postgresql://USER:PASSWORD@HOST:PORT/DB`` puts run, event-log
  and schedule storage in PostgreSQL (dagster-postgres), so a webserver, a daemon and run workers on
  different machines see one instance. ``dagster.yaml`` names the variable, never its value: the
  password is not written to disk.

Both shapes queue runs (Dagster's QueuedRunCoordinator) with limits that keep two runs off the same
lake and the same external service, and both watch for runs whose process died (see
``build_dead_run_sensor``).
"""

import os
import socket
import time
from pathlib import Path

import dagster as dg

ENV_POSTGRES_URL = "PAPERTREND_POSTGRES_URL"
# The same URL as dagster-postgres needs it: SQLAlchemy 2.1 reads postgresql:// with psycopg 3, whose
# server-side parameters break dagster-postgres's NOTIFY; it is written for psycopg2. Derived, not set.
ENV_DAGSTER_POSTGRES_URL = "PAPERTREND_DAGSTER_POSTGRES_URL"
MARKER = "# Written by papertrend"
# A single-run range records ONE "planned" event per asset instead of one per asset and day (Dagster's
# own switch, read where runs are created: this process, or the UI's webserver and daemon). The price:
# when such a run fails, its days show as missing rather than failed; the failed run is on the backfill page.
PLANNED_EVENTS_SWITCH = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"
# The materializations a single-run range records, one per asset and day, are written to the event log
# in batches of this many (Dagster's own switch, read by the process that executes the run). PostgreSQL
# storage writes a batch in one statement; SQLite's still writes them one at a time. bench/run measures it.
EVENT_BATCH_SWITCH = "DAGSTER_EVENT_BATCH_SIZE"
EVENT_BATCH_SIZE = "1000"

# Every run of papertrend_job carries this tag, and the run queue starts one run with it at a time: every run
# writes the lake, so one tag keeps runs apart; the services each run calls are paced per call (sources/http.py)
# and, on a team instance, per step by pools (below). One tag: the Runs list shows what a user filters by.
RUN_QUEUE_TAGS = {"papertrend/lake": "write"}
# The steps that call a service claim its pool (team instance: one step per service at a time, across runs
# and machines). Not on the local instance: with no daemon to free them, a killed run's slots would stay taken.
POOLS = {"arxiv_metadata": "arxiv", "digest_day": "huggingface", "github_stars": "github"}
# Runs launched from the UI's asset graph carry no job tags; Dagster tags each with its backfill.
BACKFILL_TAG = "dagster/backfill"
# The process a run executes in, set by the run itself when it starts: host:pid:process start time.
WORKER_TAG = "papertrend/worker"

_HEADER = f"""\
{MARKER}; rewritten when papertrend's defaults change. Remove this first line to keep your edits.
# The CLI and `papertrend ui` share this instance.
telemetry:
  enabled: false
"""

_POSTGRES = f"""\
storage:
  postgres:
    postgres_url:
      env: {ENV_DAGSTER_POSTGRES_URL}
"""

# The queue is looked at every second (Dagster's default: 5 s): a run launched from the UI starts that much sooner.
_RUNS = """\
run_queue:
  dequeue_interval_seconds: 1
concurrency:
  runs:
    max_concurrent_runs: 4
    tag_concurrency_limits:
""" + "".join(f"      - key: {key}\n        limit: 1\n" for key in [*RUN_QUEUE_TAGS, BACKFILL_TAG])
_POOLS = """\
  pools:
    default_limit: 1
"""
_MONITORING = """\
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  cancel_timeout_seconds: 180
  poll_interval_seconds: 20
  free_slots_after_run_end_seconds: 30
"""


def dagster_yaml() -> str:
    """The instance configuration for this environment: PostgreSQL when ``PAPERTREND_POSTGRES_URL`` is set."""
    if os.environ.get(ENV_POSTGRES_URL):
        return _HEADER + _POSTGRES + _RUNS + _POOLS + _MONITORING
    return _HEADER + "# storage: Dagster's SQLite, in this folder\n" + _RUNS + _MONITORING


def sqlalchemy_url(url: str) -> str:
    """``postgresql://…`` (or ``postgres://…``) with the psycopg2 driver named, as dagster-postgres needs it."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.split("+")[0] not in ("postgresql", "postgres"):
        raise ValueError(f"{ENV_POSTGRES_URL} must look like postgresql://USER:PASSWORD@HOST:PORT/DB")
    return f"postgresql+psycopg2://{rest}"


def prepare_home(home: Path) -> Path:
    """Write ``dagster.yaml`` (unless the user took it over) and point DAGSTER_HOME at ``home``.

    The processes this one starts (``papertrend ui``'s webserver, daemon, code server, run workers)
    inherit the environment set here.
    """
    url = os.environ.get(ENV_POSTGRES_URL)
    if url:
        os.environ[ENV_DAGSTER_POSTGRES_URL] = sqlalchemy_url(url)
    home.mkdir(parents=True, exist_ok=True)
    config_file = home / "dagster.yaml"
    wanted = dagster_yaml()
    if not config_file.exists() or (config_file.read_text().startswith(MARKER) and config_file.read_text() != wanted):
        config_file.write_text(wanted)
    os.environ["DAGSTER_HOME"] = str(home)
    os.environ.setdefault(PLANNED_EVENTS_SWITCH, "1")
    os.environ.setdefault(EVENT_BATCH_SWITCH, EVENT_BATCH_SIZE)
    return home


def get_instance() -> dg.DagsterInstance:
    """The instance at DAGSTER_HOME, its databases created by one process at a time.

    Two runs started together on a new data dir would otherwise both create the SQLite schemas and
    collide (alembic's version stamp is unique). PostgreSQL's migrations take their own lock.
    """
    from filelock import FileLock

    home = Path(os.environ["DAGSTER_HOME"])
    with FileLock(str(home / ".initialise.lock")):
        instance = dg.DagsterInstance.get()
        instance.get_runs(limit=1)
        instance.all_instigator_state()
        instance.event_log_storage.get_asset_records()
        if os.environ.get(ENV_POSTGRES_URL):
            _initialise_pools(instance)
    return instance


def _initialise_pools(instance: dg.DagsterInstance) -> None:
    """Give each service's pool its limit row before any run claims a slot.

    Dagster creates the row on a pool's first use; two runs doing so at once on a new database collide
    (a unique key), and the loser's run fails. Created here, where a collision is retried.
    """
    from sqlalchemy.exc import SQLAlchemyError

    storage = instance.event_log_storage
    for pool in sorted(set(POOLS.values())):
        for attempt in range(4):
            try:
                if pool not in storage.get_concurrency_keys():
                    storage.initialize_concurrency_limit_to_default(pool)
                break
            except SQLAlchemyError:
                if attempt == 3:
                    raise
                time.sleep(0.2 * (attempt + 1))


# --- runs whose process died -------------------------------------------------------------------------


def _start_time(pid: int) -> float | None:
    import psutil

    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None


def this_process() -> str:
    """``host:pid:start`` of this process: a pid alone could be reused by another process."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"


def record_worker(instance: dg.DagsterInstance | None, run_id: str | None) -> None:
    """Tag the run with the process it executes in (called once per run, when its resources start)."""
    if instance is not None and run_id is not None:
        instance.add_run_tags(run_id, {WORKER_TAG: this_process()})


def worker_is_gone(worker: str, host: str) -> bool | None:
    """True when ``worker`` ran on ``host`` and its process no longer exists; None when it ran elsewhere."""
    worker_host, _, rest = worker.partition(":")
    pid_text, _, started = rest.partition(":")
    if worker_host != host or not pid_text.isdigit():
        return None
    return str(_start_time(int(pid_text))) != started


def build_dead_run_sensor() -> dg.SensorDefinition:
    """Marks failed a started run whose process died (``kill -9``, out of memory, a lost machine's restart).

    Dagster's run monitoring asks the run launcher whether a worker is alive; the default launcher (a
    subprocess of the code server) cannot answer, so without this a killed run would stay "started"
    forever and hold its queue slot and concurrency pools. Each run records its process in the
    ``papertrend/worker`` tag; this sensor, evaluated by the daemon's code server, checks the runs of
    its own host. On a cluster (Docker, Kubernetes launchers) Dagster's own worker health check does it.
    """

    @dg.sensor(
        name="dead_run_monitor",
        minimum_interval_seconds=15,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Marks failed a started run whose process no longer exists (checks runs of this host).",
    )
    def dead_run_monitor(context: dg.SensorEvaluationContext):
        host = socket.gethostname()
        failed = []
        for record in context.instance.get_run_records(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])):
            run = record.dagster_run
            worker = run.tags.get(WORKER_TAG)
            if worker and worker_is_gone(worker, host):
                context.instance.report_run_failed(
                    run, f"papertrend: the run's process ({worker}) is gone; it died without ending the run"
                )
                failed.append(run.run_id)
        return dg.SkipReason(
            f"marked failed: {', '.join(failed)}" if failed else "every started run of this host is alive"
        )

    return dead_run_monitor
