import datetime as dt
from functools import partial

import dagster as dg
import polars as pl

from ...schemas import (
    DIGEST_FILES,
    DIM_PAPER,
    ENRICHMENT_STATUS_ARXIV,
    ENRICHMENT_STATUS_HF,
    STG_DIGEST_ENTRIES,
    STG_HF_DAILY_PAPERS,
)
from ...sources.arxiv import ArxivResult
from ...sources.huggingface import HuggingFaceClient
from ...transforms import clock
from ...transforms.enrich import (
    OFFLINE,
    Outcomes,
    arxiv_ids_to_fetch,
    arxiv_status_rows,
    hf_day_action,
    hf_day_tables,
    list_has_titles,
    merge_dim_paper,
    merge_status,
    online,
)
from ..checks import require_whole_selection, targeting_latest
from ..instance import POOLS
from ..metadata import (
    asset_spec,
    first_day,
    first_days,
    require_contract,
)
from ..resources import EnrichmentConfig, PapertrendConfig

GROUP = "enrich"


def _digest_ids(lake, day: dt.date) -> list[str]:
    entries = lake.read_partition(STG_DIGEST_ENTRIES, day)
    return [] if entries is None else entries.get_column("arxiv_id").unique(maintain_order=True).to_list()


@dg.multi_asset(
    name="arxiv_metadata",
    specs=[
        asset_spec(t, GROUP, {"python", "parquet"}, deps=[STG_DIGEST_ENTRIES.name])
        for t in (DIM_PAPER, ENRICHMENT_STATUS_ARXIV)
    ],
    check_specs=[
        dg.AssetCheckSpec(
            "papers_enriched",
            asset=DIM_PAPER.name,
            description=(
                "Every paper of every loaded digest has arXiv metadata; otherwise counts what is pending, not "
                "found or failed, why, and on which days."
            ),
        ),
    ],
    # Check results are AssetCheckEvaluations tied to the materialization (orchestration/checks.py), which
    # Dagster accepts only as optional outputs, i.e. when the multi-asset can be subset.
    can_subset=True,
    pool=POOLS["arxiv_metadata"],
    description=(
        "arXiv metadata for the papers of every loaded digest: what is not cached yet, batched, rate-limited, "
        "retried; with each paper's latest outcome in enrichment_status_arxiv."
    ),
)
def arxiv_metadata(context: dg.AssetExecutionContext, papertrend: PapertrendConfig, enrichment: EnrichmentConfig):
    require_whole_selection(context, [DIM_PAPER.name, ENRICHMENT_STATUS_ARXIV.name])
    data = papertrend.data
    lake = data.lake
    entries = lake.read_all(STG_DIGEST_ENTRIES).select("digest_date", "arxiv_id")
    wanted = entries.get_column("arxiv_id").unique(maintain_order=True).to_list()
    now = clock.now()
    to_fetch = arxiv_ids_to_fetch(
        wanted,
        lake.read_table(DIM_PAPER),
        lake.read_table(ENRICHMENT_STATUS_ARXIV),
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
        dim_paper = merge_dim_paper(lake.read_table(DIM_PAPER), result.records, now)
        status = merge_status(
            ENRICHMENT_STATUS_ARXIV, lake.read_table(ENRICHMENT_STATUS_ARXIV), arxiv_status_rows(result, now)
        )
        require_contract(ENRICHMENT_STATUS_ARXIV, {"": status})
        lake.write_table(DIM_PAPER, dim_paper)
        lake.write_table(ENRICHMENT_STATUS_ARXIV, status)
    lacking = (
        entries.join(dim_paper.select("arxiv_id"), on="arxiv_id", how="anti")
        .join(status.select(pl.col("key").alias("arxiv_id"), "status", "reason"), on="arxiv_id", how="left")
        .with_columns(pl.col("status").fill_null("pending"))
    )
    yield dg.MaterializeResult(
        asset_key=DIM_PAPER.name,
        metadata={
            "dagster/row_count": dim_paper.height,
            "papers_in_digests": len(wanted),
            "asked": len(to_fetch),
            "fetched": len(result.records),
            "requests": requests_sent,
        },
    )
    yield dg.MaterializeResult(
        asset_key=ENRICHMENT_STATUS_ARXIV.name,
        metadata={
            "dagster/row_count": status.height,
            **{f"status_{k}": v for k, v in sorted(status.group_by("status").len().iter_rows())},
        },
    )
    days_lacking = lacking.group_by("digest_date").len().sort("digest_date")
    # papers, not appearances: a paper in three digests counts once, as in "papers"
    by_status = sorted(lacking.group_by("status").agg(pl.col("arxiv_id").n_unique()).iter_rows())
    n_lacking = lacking.get_column("arxiv_id").n_unique()
    if n_lacking == 0:
        line = f"all {len(wanted):,} papers of the loaded digests have arXiv metadata"
    else:
        statuses = ", ".join(f"{n:,} {status}" for status, n in by_status)
        line = (
            f"{n_lacking:,} of {len(wanted):,} papers lack arXiv metadata ({statuses}), on {days_lacking.height:,} "
            f"days from {first_day(days_lacking)}; a later run fetches them"
        )
    yield from targeting_latest(
        context,
        [
            dg.AssetCheckEvaluation(
                asset_key=dg.AssetKey(DIM_PAPER.name),
                check_name="papers_enriched",
                passed=n_lacking == 0,
                severity=dg.AssetCheckSeverity.WARN,
                description=line,
                metadata={
                    "papers": len(wanted),
                    "papers_lacking": n_lacking,
                    **{f"papers_{status}": n for status, n in by_status},
                    "days_lacking": days_lacking.height,
                    **(
                        {
                            "reasons": dg.MetadataValue.md(
                                "\n".join(
                                    f"- {r}" for r in lacking.get_column("reason").drop_nulls().unique().sort().head(5)
                                )
                                or "no reason recorded"
                            ),
                            "first_days_lacking": first_days(days_lacking),
                        }
                        if n_lacking
                        else {}
                    ),
                },
            )
        ],
    )


def hf_days(lake, enrichment: EnrichmentConfig, state_dir, days: list[dt.date], entries: dict[dt.date, pl.DataFrame]):
    """Each day's Hugging Face list and status after this run: ``{day: (list, status, changed)}``.

    Lists are daily snapshots: one fetched once is kept unless asked to refresh (transforms/enrich.py's
    ``hf_day_action``); a failed fetch keeps what was stored and records why. What was stored is read
    once for all the days, not day by day. ``entries``: the days' digest entries (a digest paper the list
    lacks is fetched singly).
    """
    client = None if enrichment.offline else enrichment.hf_client(state_dir)
    outcomes = Outcomes("hf_daily", clock.now(), unreachable=None if client else OFFLINE)
    files = lake.read_all(DIGEST_FILES).select("digest_date", "status")
    first_digest = files.filter(pl.col("status").is_in(["loaded", "empty"])).get_column("digest_date").min()
    stored_lists = _by_day(lake, STG_HF_DAILY_PAPERS)
    stored_status = _by_day(lake, ENRICHMENT_STATUS_HF)
    out = {}
    for day in days:
        previous, stored = stored_status.get(day), stored_lists.get(day)
        action = hf_day_action(
            from_first_digest=first_digest is not None and day >= first_digest,
            settled=previous is not None and previous.get_column("status").to_list() == ["ok"],
            stored=stored is not None and list_has_titles(stored),
            refresh=enrichment.refresh,
        )
        fetched, outcome = None, None
        if action == "fetch":
            before = client.requests_sent if client else 0
            ids = entries[day].get_column("arxiv_id").unique(maintain_order=True).to_list() if day in entries else []
            answered, fetched = outcomes.call(day.isoformat(), partial(_fetch_day, client, day, ids))
            if answered:
                outcomes.record(day.isoformat(), "ok", None, online(client).requests_sent - before)
            outcome = outcomes.rows[-1]
        frame, status = hf_day_tables(day, action, stored, previous, fetched, outcome)
        out[day] = (frame, status, action != "keep")  # a kept list is in the lake as it is
    return out, client.requests_sent if client else 0


def _by_day(lake, table) -> dict[dt.date, pl.DataFrame]:
    """Every written partition of ``table``, by day, from one read of the table (an empty one as an empty frame)."""
    parts = {key[0]: part for key, part in lake.read_all(table).partition_by("digest_date", as_dict=True).items()}
    return {day: parts.get(day, table.empty()) for day in lake.partition_dates(table)}


def not_audited(status: str | None, listed: pl.DataFrame) -> str:
    papers = listed.filter(pl.col("api_source") == "daily_papers").height
    if status == "no_digest":
        if papers:
            return "no digest that day; its selection is derived from the list (fct_derived_selection)"
        return "no digest that day and no paper on its list"
    if status == "rejected":
        return "the day's digest was rejected (see digest_files)"
    return "no Hugging Face list for the day"


def _fetch_day(client: HuggingFaceClient | None, day: dt.date, digest_ids: list[str]) -> pl.DataFrame:
    """The day's list, plus each digest paper the list lacks (fetched singly; absent when unknown).

    ``client`` is None only offline, where ``Outcomes.call`` runs no fetch.
    """
    hf = online(client)
    rows = hf.daily_papers(day)
    listed = {r["arxiv_id"] for r in rows}
    for arxiv_id in digest_ids:
        if arxiv_id not in listed and (single := hf.paper(arxiv_id)) is not None:
            rows.append(single)
    fetched_at = clock.now()
    unique = {r["arxiv_id"]: r for r in rows}  # a paper listed twice counts once
    frame = pl.DataFrame(
        [{**r, "digest_date": day, "fetched_at": fetched_at} for r in unique.values()],
        schema=STG_HF_DAILY_PAPERS.polars_schema,
    )
    return STG_HF_DAILY_PAPERS.conform(frame)
