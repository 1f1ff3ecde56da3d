import datetime as dt

import dagster as dg
import polars as pl

from papertrend.orchestration import progress
from papertrend.orchestration.checks import targeting_latest
from papertrend.orchestration.metadata import asset_spec, require_contract
from papertrend.orchestration.partitions import SINGLE_RUN
from papertrend.orchestration.resources import PapertrendConfig
from papertrend.schemas import PAPER_NOTES, SOURCE_FILES, STG_GITHUB_TRENDING
from papertrend.transforms.reports import report_days, trending_pairs

REPORT_TABLES = (SOURCE_FILES, STG_GITHUB_TRENDING, PAPER_NOTES)
GROUP = "ingest"


def _md_list(items: list[str], limit: int = 15) -> dg.MetadataValue:
    shown = [f"- {i}" for i in items[:limit]] + ([f"- … {len(items) - limit} more"] if len(items) > limit else [])
    return dg.MetadataValue.md("\n".join(shown) or "none")


def build_reports_assets(partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    check_specs = [
        dg.AssetCheckSpec(
            "every_repository_read",
            asset=STG_GITHUB_TRENDING.name,
            partitions_def=partitions_def,
            description=(
                "Every repository heading of the day's github_trending.md gave a row; otherwise lists file, line and "
                "field. Days without a trending list are not evaluated."
            ),
        ),
        dg.AssetCheckSpec(
            "agrees_with_stats_json",
            asset=STG_GITHUB_TRENDING.name,
            partitions_def=partitions_def,
            description=(
                "The generator's stats.json github block (repo_count, total_stars_today) equals the rows loaded and "
                "their summed daily gains. Evaluated on days with both files (all such days of the real tree agree)."
            ),
        ),
        dg.AssetCheckSpec(
            "consecutive_days_agree",
            asset=STG_GITHUB_TRENDING.name,
            partitions_def=partitions_def,
            description=(
                "For repositories also trending the day before: the change in printed totals is within the tolerance "
                "(max(50, 50% of the day's printed gain), measured on the real tree: 95% of pairs) of the printed "
                "gain. "
                "Disagreements are listed. Evaluated on days whose previous day has a trending list in the lake."
            ),
        ),
    ]

    @dg.multi_asset(
        name="ingest_reports",
        specs=[asset_spec(t, GROUP, {"polars", "parquet"}) for t in REPORT_TABLES],
        check_specs=check_specs,
        partitions_def=partitions_def,
        backfill_policy=SINGLE_RUN,
        can_subset=True,
        description=(
            "List each day's source files by kind, read real star counts from github_trending.md, link paper notes "
            "to their papers."
        ),
    )
    def ingest_reports(context: dg.AssetExecutionContext, papertrend: PapertrendConfig):
        data = papertrend.data
        lake = data.lake
        tree = papertrend.scan()
        selected = {key.to_user_string() for key in context.selected_asset_keys}
        tables = [t for t in REPORT_TABLES if t.name in selected]
        days = sorted(dt.date.fromisoformat(key) for key in context.partition_keys)
        results = report_days(tree, days)
        written: dict[str, dict[str, pl.DataFrame]] = {t.name: {} for t in tables}
        with data.write_lock():
            for result in results:
                key = result.day.isoformat()
                frames = {
                    SOURCE_FILES.name: pl.DataFrame(result.files, schema=SOURCE_FILES.polars_schema),
                    STG_GITHUB_TRENDING.name: pl.DataFrame(result.trending, schema=STG_GITHUB_TRENDING.polars_schema),
                    PAPER_NOTES.name: pl.DataFrame(result.notes, schema=PAPER_NOTES.polars_schema),
                }
                for table in tables:
                    lake.write_partition(table, result.day, frames[table.name])
                    frame = lake.read_partition(table, result.day)
                    written[table.name][key] = frame
                    context.add_asset_metadata(
                        {"dagster/row_count": len(frame)}, asset_key=table.name, partition_key=key
                    )
                progress.report("reports", key)
        for table in tables:  # rows papertrend derives from files it has already read: a breach is a bug
            require_contract(table, written[table.name])
        if tree.undated:  # files with no day to list them under
            context.log.warning(
                f"{len(tree.undated)} source files have no date in their path: "
                + ", ".join(f.relative_path for f in tree.undated[:15])
            )
        for table in tables:
            yield dg.MaterializeResult(asset_key=table.name)
        if STG_GITHUB_TRENDING.name in selected:
            yield from targeting_latest(context, _trending_checks(lake, results, written[STG_GITHUB_TRENDING.name]))

    return ingest_reports


def _trending_checks(lake, results, written: dict[str, pl.DataFrame]):
    asset = dg.AssetKey(STG_GITHUB_TRENDING.name)
    for result in results:
        key = result.day.isoformat()
        if result.trending_files == 0:
            continue
        rows = written[key]
        yield dg.AssetCheckEvaluation(
            asset_key=asset,
            check_name="every_repository_read",
            passed=not result.trending_errors,
            partition=key,
            metadata={"rows": len(rows), "problems": _md_list(result.trending_errors)},
        )
        stats = result.stats
        if stats is not None and stats.github_repo_count is not None:
            gained = int(rows.get_column("stars_today").sum() or 0)
            yield dg.AssetCheckEvaluation(
                asset_key=asset,
                check_name="agrees_with_stats_json",
                partition=key,
                passed=stats.github_repo_count == len(rows) and stats.github_stars_today == gained,
                metadata={
                    "stats_repo_count": stats.github_repo_count,
                    "rows": len(rows),
                    "stats_total_stars_today": stats.github_stars_today if stats.github_stars_today is not None else -1,
                    "summed_stars_today": gained,
                },
            )
        previous_day = result.day - dt.timedelta(days=1)
        previous = written.get(previous_day.isoformat())
        if previous is None:
            previous = lake.read_partition(STG_GITHUB_TRENDING, previous_day)
        if previous is None or len(previous) == 0:
            continue
        pairs = trending_pairs(previous.to_dicts(), rows.to_dicts())
        disagreeing = [p for p in pairs if not p["agrees"]]
        yield dg.AssetCheckEvaluation(
            asset_key=asset,
            check_name="consecutive_days_agree",
            partition=key,
            passed=not disagreeing,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "repositories_also_trending_the_day_before": len(pairs),
                "agreeing": len(pairs) - len(disagreeing),
                "disagreements": _md_list(
                    [
                        f"{p['repo_full_name']}: total changed {p['total_change']:+,}, printed gain "
                        f"+{p['stars_today']:,} "
                        f"(difference {p['difference']:+,}, tolerance {p['tolerance']:,})"
                        for p in disagreeing
                    ]
                ),
            },
        )
