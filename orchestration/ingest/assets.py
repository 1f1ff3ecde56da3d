import datetime as dt

import dagster as dg
import polars as pl

from papertrend.orchestration import progress
from papertrend.orchestration.metadata import asset_spec, contract_check_spec, contract_evaluations
from papertrend.orchestration.partitions import SINGLE_RUN
from papertrend.orchestration.resources import PapertrendConfig
from papertrend.schemas import DIGEST_FILES, DIGEST_QUARANTINE, STG_DIGEST_ENTRIES
from papertrend.transforms.ingest import ingest_days
from papertrend.transforms.reports import read_stats, stats_agree_with_papers

INGEST_TABLES = (STG_DIGEST_ENTRIES, DIGEST_QUARANTINE, DIGEST_FILES)
GROUP = "ingest"


def build_ingest_assets(partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    check_specs = [contract_check_spec(t, partitions_def) for t in INGEST_TABLES] + [
        dg.AssetCheckSpec(
            "declared_count_matches",
            asset=DIGEST_FILES.name,
            partitions_def=partitions_def,
            description="The entry count a digest declares (**论文数量**) equals the entries found in it.",
        ),
        dg.AssetCheckSpec(
            "nothing_quarantined",
            asset=STG_DIGEST_ENTRIES.name,
            partitions_def=partitions_def,
            description=(
                "Every entry of the day's digest loaded; otherwise lists what went to digest_quarantine and why."
            ),
        ),
        dg.AssetCheckSpec(
            "agrees_with_stats_json",
            asset=STG_DIGEST_ENTRIES.name,
            partitions_def=partitions_def,
            description=(
                "Where the day has the generator's stats.json with a papers block, its count and total_score equal "
                "the entries loaded and their summed scores (to the cent). Days without one are not evaluated. "
                "All such days of the real corpus agree (129 in ../shared/corpus/dailynews, 91 in the repository "
                "clone)."
            ),
        ),
    ]

    @dg.multi_asset(
        name="ingest_digests",
        specs=[asset_spec(t, GROUP, {"polars", "parquet"}) for t in INGEST_TABLES],
        check_specs=check_specs,
        partitions_def=partitions_def,
        backfill_policy=SINGLE_RUN,
        # Checks are emitted once per partition as AssetCheckEvaluations, which Dagster only
        # accepts when check outputs are optional, i.e. when the multi-asset can be subset.
        can_subset=True,
        description="Parse each day's digest into typed entries, quarantine what cannot be loaded, record the file.",
    )
    def ingest_digests(context: dg.AssetExecutionContext, papertrend: PapertrendConfig):
        data = papertrend.data
        lake = data.lake
        tree = papertrend.scan()
        sources = tree.digests
        stats_files = tree.by_day("stats_json")
        selected = {key.to_user_string() for key in context.selected_asset_keys}
        tables = [t for t in INGEST_TABLES if t.name in selected]
        totals = {t.name: 0 for t in tables}
        statuses: dict[str, int] = {}
        days = [dt.date.fromisoformat(key) for key in context.partition_keys]
        results = ingest_days(sources, days)
        written: dict[str, dict[str, pl.DataFrame]] = {t.name: {} for t in tables}
        with data.write_lock():
            for result in results:
                partition_key = result.digest_date.isoformat()
                frames = {
                    STG_DIGEST_ENTRIES.name: result.entries,
                    DIGEST_QUARANTINE.name: result.quarantine,
                    DIGEST_FILES.name: result.files,
                }
                status = result.file_row["status"]
                statuses[status] = statuses.get(status, 0) + 1
                for table in tables:
                    lake.write_partition(table, result.digest_date, frames[table.name])
                    # What is checked is what a reader will get: the partition read back from Parquet.
                    frame = lake.read_partition(table, result.digest_date)
                    written[table.name][partition_key] = frame
                    totals[table.name] += len(frame)
                    context.add_asset_metadata(
                        {"dagster/row_count": len(frame), "status": status},
                        asset_key=table.name,
                        partition_key=partition_key,
                    )
                progress.report("ingest", partition_key)
        for table in tables:
            yield from contract_evaluations(table, written[table.name])
        for result in results:
            partition_key = result.digest_date.isoformat()
            file_row = result.file_row
            if DIGEST_FILES.name in selected:
                declared = file_row["declared_count"]
                found = file_row["parsed_count"] + file_row["quarantined_count"]
                yield dg.AssetCheckEvaluation(
                    asset_key=dg.AssetKey(DIGEST_FILES.name),
                    check_name="declared_count_matches",
                    passed=declared is None or declared == found,
                    partition=partition_key,
                    severity=dg.AssetCheckSeverity.WARN,
                    metadata={"declared": declared if declared is not None else -1, "found": found},
                )
            if STG_DIGEST_ENTRIES.name in selected:
                reasons = result.quarantine.get_column("reason").head(10).to_list()
                yield dg.AssetCheckEvaluation(
                    asset_key=dg.AssetKey(STG_DIGEST_ENTRIES.name),
                    check_name="nothing_quarantined",
                    passed=len(result.quarantine) == 0,
                    partition=partition_key,
                    severity=dg.AssetCheckSeverity.WARN,
                    metadata={
                        "quarantined": len(result.quarantine),
                        "rejected_by_contract": result.contract_rejects,
                        "reasons": dg.MetadataValue.md("\n".join(f"- {r}" for r in reasons) or "none"),
                    },
                )
                evaluation = _stats_evaluation(result, stats_files)
                if evaluation is not None:
                    yield evaluation
        for table in tables:
            yield dg.MaterializeResult(
                asset_key=table.name,
                metadata={
                    "rows_written_this_run": totals[table.name],
                    "partitions_this_run": len(context.partition_keys),
                    **{f"days_{status}": count for status, count in sorted(statuses.items())},
                },
            )

    return ingest_digests


def _stats_evaluation(result, stats_files) -> dg.AssetCheckEvaluation | None:
    """Compare the day's stats.json papers block with what was loaded; None when there is nothing to compare."""
    files = stats_files.get(result.digest_date, [])
    if len(files) != 1:
        return None  # none, or two (source_files says so): nothing trustworthy to compare with
    stats = read_stats(files[0].path.read_bytes(), files[0].relative_path)
    if stats.papers_count is None and stats.papers_total_score is None and stats.error is None:
        return None
    count = len(result.entries)
    total = round(float(result.entries.get_column("score").sum() or 0.0), 2)
    return dg.AssetCheckEvaluation(
        asset_key=dg.AssetKey(STG_DIGEST_ENTRIES.name),
        check_name="agrees_with_stats_json",
        passed=stats.error is None and stats_agree_with_papers(stats, count, total),
        partition=result.digest_date.isoformat(),
        metadata={
            "stats_json": files[0].relative_path,
            "stats_count": stats.papers_count if stats.papers_count is not None else -1,
            "loaded_count": count,
            "stats_total_score": stats.papers_total_score if stats.papers_total_score is not None else -1.0,
            "loaded_total_score": total,
            "problem": stats.error or "none",
        },
    )
