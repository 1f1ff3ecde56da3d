"""The Dagster code location: ``dagster dev -m papertrend.orchestration.definitions`` (or ``papertrend ui``)."""

import dagster as dg

from papertrend.orchestration.analytics.assets import ANALYTICS_TABLES, build_analytics_assets, build_report_asset
from papertrend.orchestration.enrich.assets import build_enrich_assets
from papertrend.orchestration.enrich.github_assets import GITHUB_TABLES, build_github_assets
from papertrend.orchestration.ingest.assets import INGEST_TABLES, build_ingest_assets
from papertrend.orchestration.ingest.reports_assets import REPORT_TABLES, build_reports_assets
from papertrend.orchestration.ingest.sensors import build_digest_sensor
from papertrend.orchestration.partitions import daily_partitions
from papertrend.orchestration.publish.assets import build_publish_asset
from papertrend.orchestration.resources import config_from_env, enrichment_from_env
from papertrend.schemas import DIM_PAPER, ENRICHMENT_STATUS, STG_HF_DAILY_PAPERS

JOB_NAME = "papertrend_job"


def build_definitions() -> dg.Definitions:
    partitions_def = daily_partitions()
    ingest = build_ingest_assets(partitions_def)
    reports = build_reports_assets(partitions_def)
    enrich = build_enrich_assets(partitions_def) + build_github_assets(partitions_def)
    analytics = build_analytics_assets(partitions_def)
    published = [t.name for t in INGEST_TABLES + REPORT_TABLES + GITHUB_TABLES + ANALYTICS_TABLES] + [
        DIM_PAPER.name,
        STG_HF_DAILY_PAPERS.name,
        ENRICHMENT_STATUS.name,
    ]
    analyst_warehouse = build_publish_asset(partitions_def, [dg.AssetKey(name) for name in published])
    trend_report = build_report_asset(partitions_def, analyst_warehouse.key)
    job = dg.define_asset_job(
        JOB_NAME,
        selection=dg.AssetSelection.all(),
        description=(
            "Everything, for a range of days: ingest, validate, enrich, model, publish, report. Range backfills run "
            "as one run."
        ),
    )
    return dg.Definitions(
        assets=[ingest, reports, *enrich, *analytics, analyst_warehouse, trend_report],
        jobs=[job],
        sensors=[build_digest_sensor(job, partitions_def)],
        schedules=[
            dg.build_schedule_from_partitioned_job(
                job,
                name="daily_digest_schedule",
                hour_of_day=9,
                default_status=dg.DefaultScheduleStatus.STOPPED,
                description="Each morning, yesterday's digest (it is written the morning after its day).",
            )
        ],
        resources={"papertrend": config_from_env(), "enrichment": enrichment_from_env()},
        # One process per run: a step subprocess costs ~20 s and buys nothing for this pipeline.
        executor=dg.in_process_executor,
    )


defs = build_definitions()
