import datetime as dt

import dagster as dg
import polars as pl

from papertrend.orchestration import progress
from papertrend.orchestration.metadata import asset_spec, contract_check_spec, contract_evaluations
from papertrend.orchestration.partitions import SINGLE_RUN
from papertrend.orchestration.resources import EnrichmentConfig, PapertrendConfig
from papertrend.schemas import (
    DIGEST_FILES,
    DIM_PAPER,
    ENRICHMENT_STATUS,
    FCT_REPO_STARS_DAILY,
    STG_DIGEST_ENTRIES,
    STG_HF_DAILY_PAPERS,
)
from papertrend.sources.arxiv import ArxivResult
from papertrend.sources.http import FetchError, ServiceUnreachable
from papertrend.transforms import clock
from papertrend.transforms.enrich import arxiv_ids_to_fetch, arxiv_status_rows, merge_dim_paper, merge_status

GROUP = "enrich"
OFFLINE = "offline: no request sent"


def _now() -> dt.datetime:
    return clock.now()


def _digest_ids(lake, day: dt.date) -> list[str]:
    entries = lake.read_partition(STG_DIGEST_ENTRIES, day)
    return [] if entries is None else entries.get_column("arxiv_id").unique(maintain_order=True).to_list()


def write_status(lake, rows: list[dict]) -> None:
    """Merge status rows into enrichment_status. Call while holding the write lock."""
    lake.write_table(ENRICHMENT_STATUS, merge_status(lake.read_table(ENRICHMENT_STATUS), rows))


def build_enrich_assets(partitions_def: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    @dg.multi_asset(
        name="arxiv_metadata",
        specs=[asset_spec(DIM_PAPER, GROUP, {"python", "parquet"}, deps=[STG_DIGEST_ENTRIES.name])],
        check_specs=[
            dg.AssetCheckSpec(
                "papers_enriched",
                asset=DIM_PAPER.name,
                partitions_def=partitions_def,
                description=(
                    "Every paper of the day has arXiv metadata; otherwise counts what is pending, not found or "
                    "failed, and why."
                ),
            ),
        ],
        partitions_def=partitions_def,
        backfill_policy=SINGLE_RUN,
        can_subset=True,
        # No Dagster pool: a killed run keeps its pool slot until a daemon reclaims it, and the next
        # run would wait on it forever. The clients' limiter is machine-wide and dies with its process.
        description="arXiv metadata for the papers of the selected days: batched, cached, rate-limited, retried.",
    )
    def arxiv_metadata(context: dg.AssetExecutionContext, papertrend: PapertrendConfig, enrichment: EnrichmentConfig):
        data = papertrend.data
        lake = data.lake
        days = [dt.date.fromisoformat(key) for key in context.partition_keys]
        ids_by_day = {day: _digest_ids(lake, day) for day in days}
        wanted = [i for ids in ids_by_day.values() for i in ids]
        now = _now()
        to_fetch = arxiv_ids_to_fetch(
            wanted,
            lake.read_table(DIM_PAPER),
            lake.read_table(ENRICHMENT_STATUS),
            now,
            dt.timedelta(days=enrichment.arxiv_max_age_days),
            enrichment.refresh,
        )
        requests_sent = 0
        if enrichment.offline:
            result = ArxivResult(unfetched={i: OFFLINE for i in to_fetch})
        else:
            client = enrichment.arxiv_client(data.root)
            result = client.fetch(to_fetch)
            requests_sent = client.requests_sent
        with data.write_lock():  # re-read under the lock: a concurrent run's rows are kept
            lake.write_table(DIM_PAPER, merge_dim_paper(lake.read_table(DIM_PAPER), result.records, now))
            write_status(lake, arxiv_status_rows(result, now))
            enriched = set(lake.read_table(DIM_PAPER).get_column("arxiv_id").to_list())
            status = lake.read_table(ENRICHMENT_STATUS).filter(pl.col("source") == "arxiv")
        for day, ids in ids_by_day.items():
            lacking = status.filter(pl.col("key").is_in([i for i in ids if i not in enriched]))
            counts = dict(lacking.group_by("status").len().iter_rows())
            yield dg.AssetCheckEvaluation(
                asset_key=dg.AssetKey(DIM_PAPER.name),
                check_name="papers_enriched",
                partition=day.isoformat(),
                passed=not lacking.height,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={
                    "papers": len(ids),
                    "enriched": len(ids) - lacking.height,
                    **{f"lacking_{k}": v for k, v in counts.items()},
                    "reasons": dg.MetadataValue.md(
                        "\n".join(f"- {r}" for r in lacking.get_column("reason").unique().head(5).to_list() if r)
                        or "none"
                    ),
                },
            )
            progress.report("arxiv", day.isoformat())
        yield dg.MaterializeResult(
            asset_key=DIM_PAPER.name,
            metadata={
                "papers_in_range": len(set(wanted)),
                "asked": len(to_fetch),
                "cached": len(set(wanted)) - len(to_fetch),
                "fetched": len(result.records),
                "not_found": len(result.not_found),
                "invalid": len(result.invalid),
                "errors": len(result.errors),
                "pending": len(result.unfetched),
                "requests": requests_sent,
                "dagster/row_count": len(enriched),
            },
        )

    @dg.multi_asset(
        name="hf_daily_papers",
        specs=[
            asset_spec(
                STG_HF_DAILY_PAPERS, GROUP, {"python", "parquet"}, deps=[STG_DIGEST_ENTRIES.name, DIGEST_FILES.name]
            )
        ],
        check_specs=[contract_check_spec(STG_HF_DAILY_PAPERS, partitions_def)],
        partitions_def=partitions_def,
        backfill_policy=SINGLE_RUN,
        can_subset=True,
        description=(
            "The Hugging Face daily list of each digest date (all pages), plus any digest paper missing from it."
        ),
    )
    def hf_daily_papers(context: dg.AssetExecutionContext, papertrend: PapertrendConfig, enrichment: EnrichmentConfig):
        data = papertrend.data
        lake = data.lake
        client = None if enrichment.offline else enrichment.hf_client(data.root)
        settled = set(
            lake.read_table(ENRICHMENT_STATUS)
            .filter((pl.col("source") == "hf_daily") & (pl.col("status") == "ok"))
            .get_column("key")
            .to_list()
        )
        unreachable: str | None = None
        status_rows: list[dict] = []
        written: dict[str, pl.DataFrame] = {}
        counts = {"fetched_days": 0, "cached_days": 0, "pending_days": 0, "failed_days": 0}
        for key in context.partition_keys:
            day = dt.date.fromisoformat(key)
            files = lake.read_partition(DIGEST_FILES, day)
            has_digest = files is not None and files.get_column("status").to_list() in (["loaded"], ["empty"])
            current = lake.read_partition(STG_HF_DAILY_PAPERS, day)
            frame = current if current is not None else STG_HF_DAILY_PAPERS.empty()
            if not has_digest:
                frame = STG_HF_DAILY_PAPERS.empty()  # only digest dates are fetched
            elif key in settled and current is not None and not enrichment.refresh:
                counts["cached_days"] += 1
            elif client is None or unreachable:
                status_rows.append(
                    dict(source="hf_daily", key=key, status="pending", reason=unreachable or OFFLINE, attempts=0)
                )
                counts["pending_days"] += 1
            else:
                before = client.requests_sent
                try:
                    frame = _fetch_day(client, day, _digest_ids(lake, day))
                    status_rows.append(
                        dict(
                            source="hf_daily", key=key, status="ok", reason=None, attempts=client.requests_sent - before
                        )
                    )
                    counts["fetched_days"] += 1
                except ServiceUnreachable as exc:
                    unreachable = exc.reason
                    status_rows.append(
                        dict(source="hf_daily", key=key, status="pending", reason=exc.reason, attempts=exc.attempts)
                    )
                    counts["pending_days"] += 1
                except FetchError as exc:
                    status_rows.append(
                        dict(source="hf_daily", key=key, status="error", reason=exc.reason, attempts=exc.attempts)
                    )
                    counts["failed_days"] += 1
            with data.write_lock():
                lake.write_partition(STG_HF_DAILY_PAPERS, day, frame)
            written[key] = lake.read_partition(STG_HF_DAILY_PAPERS, day)
            context.add_asset_metadata(
                {"dagster/row_count": len(written[key])}, asset_key=STG_HF_DAILY_PAPERS.name, partition_key=key
            )
            progress.report("hf", key)
        with data.write_lock():
            write_status(lake, [{**row, "last_attempt_at": _now()} for row in status_rows])
        yield from contract_evaluations(STG_HF_DAILY_PAPERS, written)
        yield dg.MaterializeResult(
            asset_key=STG_HF_DAILY_PAPERS.name,
            metadata={**counts, "requests": client.requests_sent if client else 0},
        )

    @dg.multi_asset(
        name="enrichment_status_report",
        specs=[
            asset_spec(
                ENRICHMENT_STATUS,
                GROUP,
                {"python", "parquet"},
                deps=[DIM_PAPER.name, STG_HF_DAILY_PAPERS.name, FCT_REPO_STARS_DAILY.name],
            )
        ],
        partitions_def=partitions_def,
        backfill_policy=SINGLE_RUN,
        description="The status table both enrichment steps maintain, validated, with what is still missing and why.",
    )
    def enrichment_status_report(context: dg.AssetExecutionContext, papertrend: PapertrendConfig):
        status = papertrend.data.lake.read_table(ENRICHMENT_STATUS)
        failures = ENRICHMENT_STATUS.validate(status)
        if failures is not None:  # the enrichment steps wrote something off-contract: a bug, not bad input
            raise ValueError(f"enrichment_status breaks its contract:\n{failures}")
        counts = status.group_by("source", "status").len().sort("source", "status")
        yield dg.MaterializeResult(
            asset_key=ENRICHMENT_STATUS.name,
            metadata={
                "dagster/row_count": status.height,
                **{f"{source}_{state}": n for source, state, n in counts.iter_rows()},
                "open_gaps": dg.MetadataValue.md(
                    "\n".join(
                        f"- {source} {state}: {reason}"
                        for source, state, reason in status.filter(pl.col("status").is_in(["pending", "error"]))
                        .select("source", "status", "reason")
                        .unique()
                        .head(10)
                        .iter_rows()
                    )
                    or "none"
                ),
            },
        )

    return [arxiv_metadata, hf_daily_papers, enrichment_status_report]


def _fetch_day(client, day: dt.date, digest_ids: list[str]) -> pl.DataFrame:
    """The day's list, plus each digest paper the list lacks (fetched singly; absent when unknown)."""
    rows = client.daily_papers(day)
    listed = {r["arxiv_id"] for r in rows}
    for arxiv_id in digest_ids:
        if arxiv_id not in listed and (single := client.paper(arxiv_id)) is not None:
            rows.append(single)
    fetched_at = _now()
    unique = {r["arxiv_id"]: r for r in rows}  # a paper listed twice counts once
    frame = pl.DataFrame(
        [{**r, "digest_date": day, "fetched_at": fetched_at} for r in unique.values()],
        schema=STG_HF_DAILY_PAPERS.polars_schema,
    )
    return STG_HF_DAILY_PAPERS.conform(frame)
