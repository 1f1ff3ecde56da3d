import datetime as dt

import dagster as dg
import polars as pl

from papertrend.orchestration import progress
from papertrend.orchestration.checks import targeting_latest
from papertrend.orchestration.metadata import asset_spec, contract_check_spec, contract_evaluations, require_contract
from papertrend.orchestration.partitions import SINGLE_RUN
from papertrend.orchestration.resources import PapertrendConfig
from papertrend.schemas import DIGEST_FILES, DIGEST_QUARANTINE, STG_DIGEST_ENTRIES
from papertrend.transforms.ingest import ingest_days
from papertrend.transforms.reports import read_stats, stats_agree_with_papers

INGEST_TABLES = (STG_DIGEST_ENTRIES, DIGEST_QUARANTINE, DIGEST_FILES)
GROUP = "ingest"


def build_ingest_assets(partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    check_specs = [
        contract_check_spec(STG_DIGEST_ENTRIES, partitions_def),
        dg.AssetCheckSpec(
            "every_entry_loaded",
            asset=STG_DIGEST_ENTRIES.name,
            partitions_def=partitions_def,
            description=(
                "Every entry of the day's digest loaded: none went to digest_quarantine, and the count the digest "
                "declares (**论文数量**) equals the entries found in it. Otherwise says which and why."
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
        stats_files = tree.by_day("stats_json")
        selected = {key.to_user_string() for key in context.selected_asset_keys}
        tables = [t for t in INGEST_TABLES if t.name in selected]
        days = [dt.date.fromisoformat(key) for key in context.partition_keys]
        results = ingest_days(tree.digests, days)
        written: dict[str, dict[str, pl.DataFrame]] = {t.name: {} for t in tables}
        with data.write_lock():
            for result in results:
                partition_key = result.digest_date.isoformat()
                frames = {
                    STG_DIGEST_ENTRIES.name: result.entries,
                    DIGEST_QUARANTINE.name: result.quarantine,
                    DIGEST_FILES.name: result.files,
                }
                for table in tables:
                    lake.write_partition(table, result.digest_date, frames[table.name])
                    # What is checked is what a reader will get: the partition read back from Parquet.
                    written[table.name][partition_key] = lake.read_partition(table, result.digest_date)
                progress.report("ingest", partition_key)
        for table in (DIGEST_QUARANTINE, DIGEST_FILES):
            if table.name in selected:
                require_contract(table, written[table.name])
        for result in results:
            partition_key = result.digest_date.isoformat()
            file_row = result.file_row
            day_facts = {"status": file_row["status"], "source_path": file_row["source_path"] or "none"}
            for table in tables:
                context.add_asset_metadata(
                    {"dagster/row_count": len(written[table.name][partition_key]), **day_facts},
                    asset_key=table.name,
                    partition_key=partition_key,
                )
        for table in tables:
            yield dg.MaterializeResult(asset_key=table.name)
        if STG_DIGEST_ENTRIES.name not in selected:
            return
        evaluations = contract_evaluations(STG_DIGEST_ENTRIES, written[STG_DIGEST_ENTRIES.name])
        for result in results:
            evaluations.append(_loaded_evaluation(result))
            stats = _stats_evaluation(result, stats_files)
            if stats is not None:
                evaluations.append(stats)
        yield from targeting_latest(context, evaluations)

    return ingest_digests


def _loaded_evaluation(result) -> dg.AssetCheckEvaluation:
    """Every entry of the day loaded: nothing quarantined, and as many entries found as the digest declares."""
    file_row = result.file_row
    declared = file_row["declared_count"]
    found = file_row["parsed_count"] + file_row["quarantined_count"]
    reasons = result.quarantine.get_column("reason").head(10).to_list()
    return dg.AssetCheckEvaluation(
        asset_key=dg.AssetKey(STG_DIGEST_ENTRIES.name),
        check_name="every_entry_loaded",
        passed=len(result.quarantine) == 0 and (declared is None or declared == found),
        partition=result.digest_date.isoformat(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "loaded": file_row["parsed_count"],
            "quarantined": len(result.quarantine),
            "rejected_by_contract": result.contract_rejects,
            "declared": declared if declared is not None else -1,
            "found": found,
            "reasons": dg.MetadataValue.md("\n".join(f"- {r}" for r in reasons) or "none"),
        },
    )


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
