"""The per-day asset and the tables it fills.

``digest_day`` (daily partitions) is everything papertrend reads for one digest date: the digest,
the files beside it, and the day's Hugging Face list. It writes the day's partition of the eight
per-day tables and records, per day, ONE materialization (each table's row count for the day in its
metadata) and ONE check result, ``day_checks``, folding the day's checks (transforms/day_checks.py)
into a result whose description says what was found and whose metadata holds each sub-result.

Why one asset and one check per day: Dagster records an event per asset, partition and check, and
its stock storage writes each one alone (SQLite: ~10-20 ms each on a disk; check results are never
batched, dagster-postgres opens a connection per statement). Eight tables with seven checks a day
cost 15 events a day, most of a backfill's time; one asset and one folded check cost two.

``day_tables`` (unpartitioned) gives each of the eight tables its own asset: its column schema and
whole-table row count in the UI, and the lineage to whatever reads it. It is materialized once a
run, after the days.
"""

import datetime as dt

import dagster as dg
import polars as pl

from ...schemas import (
    DIGEST_FILES,
    DIGEST_QUARANTINE,
    ENRICHMENT_STATUS_HF,
    PAPER_NOTES,
    SOURCE_FILES,
    STG_DIGEST_ENTRIES,
    STG_GITHUB_TRENDING,
    STG_HF_DAILY_PAPERS,
    TableContract,
)
from ...transforms import day_checks, selection
from ...transforms.day_files import read_day_files
from ...transforms.ingest import ingest_days
from ...transforms.orgs import load_aliases
from ...transforms.scoring import detect_tier_changes
from ..checks import targeting_latest
from ..enrich.assets import hf_days, not_audited
from ..instance import POOLS
from ..metadata import asset_spec, require_contract
from ..partitions import SINGLE_RUN
from ..progress import days_written
from ..resources import EnrichmentConfig, PapertrendConfig

DAY_ASSET = "digest_day"
DAY_CHECK = "day_checks"
DAY_TABLES = (
    STG_DIGEST_ENTRIES,
    DIGEST_QUARANTINE,
    DIGEST_FILES,
    SOURCE_FILES,
    STG_GITHUB_TRENDING,
    PAPER_NOTES,
    STG_HF_DAILY_PAPERS,
    ENRICHMENT_STATUS_HF,
)
GROUP = "ingest"

DAY_CHECK_DESCRIPTION = (
    "The day's checks, folded into one result per day (one line each in the metadata; the first failure in the "
    "description). Errors: the digest's entries and the day's Hugging Face list match their contracts; the "
    "digest's papers match the day's stats.json (count, total score to the cent); every repository of "
    "github_trending.md was read and matches stats.json. Warnings: every entry of the digest loaded (none "
    "quarantined, the declared count met); repositories trending two days running changed their printed totals "
    "by about their printed gain; the generator's formula over the Hugging Face list picks the printed papers. "
    "A day without a digest or any other file passes with nothing to check."
)


def build_day_assets(partitions_def: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    @dg.multi_asset(
        name=DAY_ASSET,
        specs=[
            dg.AssetSpec(
                DAY_ASSET,
                group_name=GROUP,
                kinds={"polars", "parquet"},
                description=(
                    "One digest date: its digest parsed into typed entries (what cannot be loaded goes to "
                    "digest_quarantine with file, line and reason), the files beside it, and its Hugging Face list. "
                    "Writes the day's partition of the eight per-day tables; the metadata has each one's rows."
                ),
            )
        ],
        check_specs=[
            dg.AssetCheckSpec(
                DAY_CHECK, asset=DAY_ASSET, partitions_def=partitions_def, description=DAY_CHECK_DESCRIPTION
            )
        ],
        partitions_def=partitions_def,
        backfill_policy=SINGLE_RUN,
        # The check is recorded per day as an AssetCheckEvaluation tied to the day's materialization
        # (orchestration/checks.py), which Dagster accepts only as an optional output, i.e. when subsettable.
        can_subset=True,
        pool=POOLS[DAY_ASSET],
    )
    def digest_day(context: dg.AssetExecutionContext, papertrend: PapertrendConfig, enrichment: EnrichmentConfig):
        if dg.AssetKey(DAY_ASSET) not in context.selected_asset_keys:
            raise dg.Failure(f"{DAY_CHECK} checks what {DAY_ASSET} loads: materialize the days to check them")
        data = papertrend.data
        lake = data.lake
        tree = papertrend.scan()
        days = sorted(dt.date.fromisoformat(key) for key in context.partition_keys)
        digests = {r.digest_date: r for r in ingest_days(tree.digests, days)}
        side = {r.day: r for r in read_day_files(tree, days)}
        trending = {day: pl.DataFrame(r.trending, schema=STG_GITHUB_TRENDING.polars_schema) for day, r in side.items()}
        frames = {
            day: {
                STG_DIGEST_ENTRIES: digests[day].entries,
                DIGEST_QUARANTINE: digests[day].quarantine,
                DIGEST_FILES: digests[day].files,
                SOURCE_FILES: pl.DataFrame(side[day].files, schema=SOURCE_FILES.polars_schema),
                STG_GITHUB_TRENDING: trending[day],
                PAPER_NOTES: pl.DataFrame(side[day].notes, schema=PAPER_NOTES.polars_schema),
            }
            for day in days
        }
        # Tables papertrend derives from files it has read, whatever their content: a breach is a papertrend bug,
        # and fails the step before anything is written (one pandera validation per table for all the days).
        for table in (DIGEST_QUARANTINE, DIGEST_FILES, SOURCE_FILES, STG_GITHUB_TRENDING, PAPER_NOTES):
            require_contract(table, {day.isoformat(): frames[day][table] for day in days})
        with data.write_lock():
            for day in days:
                for table, frame in frames[day].items():
                    lake.write_partition(table, day, frame)
        # The Hugging Face lists come after the digests: which days get one depends on the first digest.
        lists, requests = hf_days(lake, enrichment, data.root, days, {d: r.entries for d, r in digests.items()})
        with data.write_lock():
            for done, (day, (frame, status, changed)) in enumerate(lists.items(), start=1):
                if changed:
                    lake.write_partition(STG_HF_DAILY_PAPERS, day, frame)
                    lake.write_partition(ENRICHMENT_STATUS_HF, day, status)
                if line := days_written(done, len(lists)):
                    context.log.info(line)
        if requests:
            context.log.info(f"Hugging Face: {requests} requests")
        if tree.undated:  # files with no day to list them under (a repository's README, say): expected
            context.log.info(
                f"{len(tree.undated)} source files have no date in their path, so belong to no day: "
                + ", ".join(f.relative_path for f in tree.undated[:15])
            )
        for day in days:
            context.add_asset_metadata(
                _day_metadata(digests[day], side[day], trending[day], lists[day]), partition_key=day.isoformat()
            )
        yield dg.MaterializeResult(asset_key=DAY_ASSET)
        if DAY_CHECK in {k.name for k in context.selected_asset_check_keys}:
            yield from targeting_latest(context, _day_evaluations(lake, days, digests, side, trending, lists, tree))

    @dg.multi_asset(
        name="day_tables",
        specs=[asset_spec(t, GROUP, {"parquet"}, deps=[DAY_ASSET]) for t in DAY_TABLES],
        can_subset=True,
        description="The per-day tables, whole: each one's row count and days after the run (written by digest_day).",
    )
    def day_tables(context: dg.AssetExecutionContext, papertrend: PapertrendConfig):
        lake = papertrend.data.lake
        for key in sorted(context.selected_asset_keys, key=lambda k: k.to_user_string()):
            table = next(t for t in DAY_TABLES if t.name == key.to_user_string())
            rows, days = lake.count(table)
            yield dg.MaterializeResult(asset_key=key, metadata={"dagster/row_count": rows, "days": days})

    return [digest_day, day_tables]


def _day_metadata(digest, files, trending: pl.DataFrame, hf) -> dict:
    """A day's materialization metadata: what the day's digest was, and each table's rows for the day."""
    file_row = digest.file_row
    frame, status, _ = hf
    hf_row = status.row(0, named=True) if status.height else None
    described = {
        "loaded": f"loaded from {file_row['source_path']}",
        "empty": f"{file_row['source_path']} lists no papers",
        "rejected": f"rejected: {file_row['status_reason']}",
        "no_digest": "no digest for this day",
    }
    return {
        "digest": described.get(file_row["status"], file_row["status"]),
        "hf_list": "not fetched (before the first digest)"
        if hf_row is None
        else f"{frame.height:,} papers"
        if hf_row["status"] == "ok"
        else f"none yet ({hf_row['status']}: {hf_row['reason']})",
        STG_DIGEST_ENTRIES.name: digest.entries.height,
        DIGEST_QUARANTINE.name: digest.quarantine.height,
        DIGEST_FILES.name: digest.files.height,
        SOURCE_FILES.name: len(files.files),
        STG_GITHUB_TRENDING.name: trending.height,
        PAPER_NOTES.name: len(files.notes),
        STG_HF_DAILY_PAPERS.name: frame.height,
        ENRICHMENT_STATUS_HF.name: status.height,
    }


def _contract_failures_by_day(table: TableContract, frames: dict[dt.date, pl.DataFrame]) -> dict[dt.date, pl.DataFrame]:
    """Pandera's failure cases of ``table`` per day, from ONE validation of all the days (its cost is per call)."""
    frames = {day: f for day, f in frames.items() if f.height}
    if not frames:
        return {}
    combined = pl.concat(list(frames.values()))
    failures = table.validate(combined)
    if failures is None:
        return {}
    rows = combined.with_row_index("index").select("index", "digest_date")
    located = failures.join(rows.with_columns(pl.col("index").cast(failures.schema["index"])), on="index", how="left")
    if located.get_column("digest_date").null_count():  # the table failed as a whole: every day with rows fails
        return dict.fromkeys(frames, located)
    return {key[0]: cases for key, cases in located.partition_by("digest_date", as_dict=True).items()}


def _day_evaluations(lake, days, digests, side, trending, lists, tree) -> list[dg.AssetCheckEvaluation]:
    entries = {day: digests[day].entries for day in days}
    hf_lists = {day: lists[day][0] for day in days}
    entry_failures = _contract_failures_by_day(STG_DIGEST_ENTRIES, entries)
    list_failures = _contract_failures_by_day(STG_HF_DAILY_PAPERS, hf_lists)
    audit = _audit(lake, hf_lists)
    stats_files = tree.by_day("stats_json")
    previous_days = {day - dt.timedelta(days=1) for day in days} - set(days)
    earlier = {day: lake.read_partition(STG_GITHUB_TRENDING, day) for day in previous_days}
    evaluations = []
    for day in days:
        digest, files = digests[day], side[day]
        file_row = digest.file_row
        stats_path = stats_files[day][0].relative_path if len(stats_files.get(day, [])) == 1 else None
        has_digest = file_row["status"] != "no_digest"
        has_list = lists[day][1].height > 0 and lists[day][1].get_column("status").to_list() == ["ok"]
        findings = [
            day_checks.entries_loaded(file_row, digest.quarantine, digest.contract_rejects),
            day_checks.matches_contract(STG_DIGEST_ENTRIES, entry_failures.get(day), digest.entries.height)
            if has_digest
            else None,
            day_checks.papers_agree_with_stats(files.stats, stats_path, digest.entries) if has_digest else None,
            day_checks.trending_read(files.trending_files, files.trending_errors, trending[day].height),
            day_checks.trending_agrees_with_stats(files.stats, trending[day]) if files.trending_files else None,
            day_checks.trending_consecutive(
                trending.get(day - dt.timedelta(days=1), earlier.get(day - dt.timedelta(days=1))), trending[day]
            ),
            day_checks.matches_contract(STG_HF_DAILY_PAPERS, list_failures.get(day), hf_lists[day].height)
            if has_list
            else None,
            day_checks.reproducible(
                audit.get(day),
                None
                if day in audit or not (has_digest or hf_lists[day].height)
                else not_audited(file_row["status"], hf_lists[day]),
            ),
        ]
        result = day_checks.fold(day, findings, "no digest, no other file" if not files.files else "no digest")
        evaluations.append(
            dg.AssetCheckEvaluation(
                asset_key=dg.AssetKey(DAY_ASSET),
                check_name=DAY_CHECK,
                passed=result.passed,
                partition=day.isoformat(),
                severity=dg.AssetCheckSeverity.ERROR if result.error else dg.AssetCheckSeverity.WARN,
                description=result.summary,
                metadata={
                    "result": result.summary,
                    **{f.name: f.shown for f in result.findings},
                },
            )
        )
    return evaluations


def _audit(lake, lists: dict[dt.date, pl.DataFrame]) -> dict[dt.date, dict]:
    """Each day's selection audit (transforms/selection.py): lab tiers learned from every loaded digest."""
    frames = [f for f in lists.values() if f.height]
    if not frames:
        return {}
    entries = lake.read_all(STG_DIGEST_ENTRIES)
    audit = selection.audit_selection(pl.concat(frames), entries, detect_tier_changes(entries), load_aliases())
    return {row["digest_date"]: row for row in selection.day_summary(audit).iter_rows(named=True)}
