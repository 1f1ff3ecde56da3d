"""The Dagster code location: ``dagster dev -m papertrend.orchestration.definitions`` (or ``papertrend ui``).

The asset graph at the data's grain: per-day assets (one partition per digest date) where a day's
rows are that day's alone; unpartitioned assets for the tables that hold the whole history and are
rebuilt whole. One job runs both in one run for a range of days (the CLI, the sensor, the schedule).

The whole-history assets are defined at module level in their modules. The per-day ones are built for
the deployment's days (``build_*_assets(partitions_def)``): which days those are is read from the lake
(orchestration/partitions.py), so that whatever was loaded is a partition in every process.
Configuration reaches assets only as resources (orchestration/resources.py).
"""

import datetime as dt
from pathlib import Path

import dagster as dg

from ..warehouse import DataDir
from . import settings
from .analytics.assets import analytics_model
from .enrich.assets import arxiv_metadata
from .enrich.github_assets import github_stars
from .ingest.assets import build_day_assets
from .ingest.sensors import build_digest_sensor
from .ingest.versions import digest_versions
from .instance import RUN_QUEUE_TAGS, build_dead_run_sensor
from .partitions import SINGLE_RUN, daily_partitions
from .publish.assets import analyst_warehouse, trend_report
from .resources import config_from_env, enrichment_from_env

JOB_NAME = settings.JOB_NAME


def build_daily_schedule(job) -> dg.ScheduleDefinition:
    """Each morning at 09:00 UTC, the day before the tick (its digest is written the morning after it).

    The day is taken from the tick's own time, not from the partitions' end: with papertrend's clock
    pinned ahead of Dagster's, the partitions carry an end offset that would shift a partitioned
    job's schedule by as many days.
    """

    @dg.schedule(
        job=job,
        cron_schedule="0 9 * * *",
        execution_timezone="UTC",
        name="daily_digest_schedule",
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="Each morning, yesterday's digest (it is written the morning after its day).",
    )
    def daily_digest_schedule(context: dg.ScheduleEvaluationContext):
        day = context.scheduled_execution_time.astimezone(dt.UTC).date() - dt.timedelta(days=1)
        return dg.RunRequest(run_key=day.isoformat(), partition_key=day.isoformat())

    return daily_digest_schedule


def build_definitions(
    digests_dir: str | Path | None = None,
    data_dir: Path | None = None,
    offline: bool = False,
    refresh: bool = False,
    first_day: dt.date | None = None,
) -> dg.Definitions:
    """The definitions; every setting not passed comes from the environment, as in ``defs`` below.

    A caller in Python passes settings here (nothing goes through os.environ); ``papertrend run`` instead gives
    its code server the environment and its run the options as run config (resources.run_settings). ``first_day``
    extends the partitions back to a day the lake does not hold yet: once the run has loaded it, the lake says so
    to every process.
    """
    config = config_from_env(digests_dir, data_dir)
    partitions_def = daily_partitions(DataDir(data_dir or settings.data_dir(), settings.lake_url()).lake, first_day)
    whole_history = [digest_versions, arxiv_metadata, github_stars, analytics_model, analyst_warehouse, trend_report]
    day, day_tables = build_day_assets(partitions_def)
    # A whole-history asset runs once per run whatever the range; saying so (one run for any range, as for
    # digest_day) lets Dagster's own CLI run papertrend_job over a range of days: `dg launch --job
    # papertrend_job --partition-range A...B` (and `dagster job launch`) accept a range only then.
    assets = [day, *(a.with_attributes(backfill_policy=SINGLE_RUN) for a in [day_tables, *whole_history])]
    owner = settings.owner()  # read (and checked) once, not once per asset
    owned = dg.map_asset_specs(lambda spec: spec.replace_attributes(owners=[owner]), assets)
    job = dg.define_asset_job(
        JOB_NAME,
        selection=dg.AssetSelection.all(),
        tags=RUN_QUEUE_TAGS,  # the run queue starts one run per tag at a time (orchestration/instance.py)
        description=(
            "Everything, for a range of days, as one run: the days' own tables (ingest, Hugging Face lists), then "
            "the whole-history tables they feed (enrichment, model, warehouse, report)."
        ),
    )
    return dg.Definitions(
        assets=owned,
        jobs=[job],
        sensors=[build_digest_sensor(job, partitions_def), build_dead_run_sensor()],
        schedules=[build_daily_schedule(job)],
        resources={"papertrend": config, "enrichment": enrichment_from_env(offline, refresh)},
        # One process per run: a step subprocess costs ~20 s and buys nothing for this pipeline.
        executor=dg.in_process_executor,
    )


defs = build_definitions()
