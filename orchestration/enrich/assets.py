import datetime as dt

import dagster as dg
import polars as pl

from papertrend.orchestration import progress
from papertrend.orchestration.checks import require_whole_selection, targeting_latest
from papertrend.orchestration.instance import POOLS
from papertrend.orchestration.metadata import (
    asset_spec,
    contract_check_spec,
    contract_evaluations,
    first_days,
    require_contract,
)
from papertrend.orchestration.partitions import SINGLE_RUN
from papertrend.orchestration.resources import EnrichmentConfig, PapertrendConfig
from papertrend.schemas import (
    DIGEST_FILES,
    DIM_PAPER,
    ENRICHMENT_STATUS_ARXIV,
    ENRICHMENT_STATUS_HF,
    STG_DIGEST_ENTRIES,
    STG_HF_DAILY_PAPERS,
)
from papertrend.sources.arxiv import ArxivResult
from papertrend.transforms import clock, selection
from papertrend.transforms.enrich import (
    OFFLINE,
    Outcomes,
    arxiv_ids_to_fetch,
    arxiv_status_rows,
    hf_day_action,
    hf_day_tables,
    list_has_titles,
    merge_dim_paper,
    merge_status,
)
from papertrend.transforms.orgs import load_aliases
from papertrend.transforms.scoring import detect_tier_changes

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
    progress.report("arxiv", "")
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
    yield from targeting_latest(
        context,
        [
            dg.AssetCheckEvaluation(
                asset_key=dg.AssetKey(DIM_PAPER.name),
                check_name="papers_enriched",
                passed=lacking.height == 0,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={
                    "papers": len(wanted),
                    "lacking": lacking.get_column("arxiv_id").n_unique(),
                    **{f"lacking_{k}": v for k, v in sorted(lacking.group_by("status").len().iter_rows())},
                    "days_lacking": days_lacking.height,
                    "reasons": dg.MetadataValue.md(
                        "\n".join(f"- {r}" for r in lacking.get_column("reason").drop_nulls().unique().head(5))
                        or "none"
                    ),
                    "first_days_lacking": first_days(days_lacking),
                },
            )
        ],
    )


def build_hf_assets(partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    """The Hugging Face daily lists: per day, so built for the deployment's days (orchestration/partitions.py)."""

    @dg.multi_asset(
        name="hf_daily_papers",
        specs=[
            asset_spec(t, GROUP, {"python", "parquet"}, deps=[STG_DIGEST_ENTRIES.name, DIGEST_FILES.name])
            for t in (STG_HF_DAILY_PAPERS, ENRICHMENT_STATUS_HF)
        ],
        check_specs=[
            contract_check_spec(STG_HF_DAILY_PAPERS, partitions_def),
            dg.AssetCheckSpec(
                REPRODUCIBLE,
                asset=STG_HF_DAILY_PAPERS.name,
                partitions_def=partitions_def,
                description=(
                    "On a day with a digest and its list, the generator's formula and cut over the list pick exactly "
                    "the printed papers; otherwise warns with the reasons (see the selection_audit view). Days "
                    "without a digest or a list pass with nothing to audit."
                ),
            ),
        ],
        partitions_def=partitions_def,
        backfill_policy=SINGLE_RUN,
        can_subset=True,
        pool=POOLS["hf_daily_papers"],
        description=(
            "The Hugging Face daily list of each day from the first digest on, digest or not (all pages), plus any "
            "digest paper missing from it; with each day's latest outcome in enrichment_status_hf."
        ),
    )
    def hf_daily_papers(context: dg.AssetExecutionContext, papertrend: PapertrendConfig, enrichment: EnrichmentConfig):
        require_whole_selection(context, [STG_HF_DAILY_PAPERS.name, ENRICHMENT_STATUS_HF.name])
        data = papertrend.data
        lake = data.lake
        client = None if enrichment.offline else enrichment.hf_client(data.root)
        outcomes = Outcomes("hf_daily", clock.now(), unreachable=None if client else OFFLINE)
        written: dict[str, pl.DataFrame] = {}
        files = lake.read_all(DIGEST_FILES)  # read once: the fetch policy and the check's messages use it
        first_digest = files.filter(pl.col("status").is_in(["loaded", "empty"])).get_column("digest_date").min()
        for key in context.partition_keys:
            day = dt.date.fromisoformat(key)
            previous = lake.read_partition(ENRICHMENT_STATUS_HF, day)
            stored = lake.read_partition(STG_HF_DAILY_PAPERS, day)
            action = hf_day_action(
                from_first_digest=first_digest is not None and day >= first_digest,
                settled=previous is not None and previous.get_column("status").to_list() == ["ok"],
                stored=stored is not None and list_has_titles(stored),
                refresh=enrichment.refresh,
            )
            fetched, outcome = None, None
            if action == "fetch":
                before = client.requests_sent if client else 0
                answered, fetched = outcomes.call(key, lambda day=day: _fetch_day(client, day, _digest_ids(lake, day)))
                if answered:
                    outcomes.record(key, "ok", None, client.requests_sent - before)
                outcome = outcomes.rows[-1]
            frame, status = hf_day_tables(day, action, stored, previous, fetched, outcome)
            with data.write_lock():  # the two tables of a day are written together: a subset would lose one
                lake.write_partition(STG_HF_DAILY_PAPERS, day, frame)
                lake.write_partition(ENRICHMENT_STATUS_HF, day, status)
            written[key] = lake.read_partition(STG_HF_DAILY_PAPERS, day)
            row = status.row(0, named=True) if status.height else {"status": "before the first digest", "reason": None}
            context.add_asset_metadata(
                {"dagster/row_count": len(written[key])}, asset_key=STG_HF_DAILY_PAPERS.name, partition_key=key
            )
            context.add_asset_metadata(
                {"status": row["status"], "reason": row["reason"] or "none"},
                asset_key=ENRICHMENT_STATUS_HF.name,
                partition_key=key,
            )
            progress.report("hf", key)
        yield dg.MaterializeResult(asset_key=STG_HF_DAILY_PAPERS.name)
        yield dg.MaterializeResult(asset_key=ENRICHMENT_STATUS_HF.name)
        context.log.info(f"Hugging Face: {client.requests_sent if client else 0} requests")
        yield from targeting_latest(
            context, contract_evaluations(STG_HF_DAILY_PAPERS, written) + reproducible_evaluations(lake, written, files)
        )

    return hf_daily_papers


REPRODUCIBLE = "digest_reproducible"


def reproducible_evaluations(
    lake, lists: dict[str, pl.DataFrame], files: pl.DataFrame
) -> list[dg.AssetCheckEvaluation]:
    """One result per day of the run: does the formula pick from the list what the digest printed?

    A day without a digest or without a list has nothing to audit and passes, saying so. Lab tiers are
    learned from every loaded digest (transforms/selection.py).
    """
    entries = lake.read_all(STG_DIGEST_ENTRIES)
    statuses = dict(files.select(pl.col("digest_date").cast(pl.String), "status").iter_rows())
    frame = pl.concat(list(lists.values())) if lists else STG_HF_DAILY_PAPERS.empty()
    audit = selection.audit_selection(frame, entries, detect_tier_changes(entries), load_aliases())
    audited = {day["digest_date"].isoformat(): day for day in selection.day_summary(audit).iter_rows(named=True)}
    evaluations = []
    for key in lists:
        day = audited.get(key)
        metadata = (
            {
                "listed": day["listed"],
                "printed": day["printed"],
                "formula_picks": day["formula_picks"],
                "cut_off_score": day["cut_off_score"],
                "rank_correlation": _correlation(day["rank_correlation"]),
                "reasons": ", ".join(day["reasons"]) or "none",
            }
            if day
            else {"audited": f"no: {_not_audited(statuses.get(key), lists[key])}"}
        )
        evaluations.append(
            dg.AssetCheckEvaluation(
                asset_key=dg.AssetKey(STG_HF_DAILY_PAPERS.name),
                check_name=REPRODUCIBLE,
                passed=day is None or day["reproduced"],
                severity=dg.AssetCheckSeverity.WARN,
                partition=key,
                metadata=metadata,
            )
        )
    return evaluations


def _not_audited(status: str | None, listed: pl.DataFrame) -> str:
    papers = listed.filter(pl.col("api_source") == "daily_papers").height
    if status == "missing":
        if papers:
            return "no digest that day; its selection is derived from the list (fct_derived_selection)"
        return "no digest that day and no paper on its list"
    if status == "rejected":
        return "the day's digest was rejected (see digest_files)"
    return "no Hugging Face list for the day"


def _correlation(value: float | None) -> float | str:
    """Spearman over the printed papers; a day with fewer than two has none."""
    return "n/a" if value is None else round(value, 4)


def _fetch_day(client, day: dt.date, digest_ids: list[str]) -> pl.DataFrame:
    """The day's list, plus each digest paper the list lacks (fetched singly; absent when unknown)."""
    rows = client.daily_papers(day)
    listed = {r["arxiv_id"] for r in rows}
    for arxiv_id in digest_ids:
        if arxiv_id not in listed and (single := client.paper(arxiv_id)) is not None:
            rows.append(single)
    fetched_at = clock.now()
    unique = {r["arxiv_id"]: r for r in rows}  # a paper listed twice counts once
    frame = pl.DataFrame(
        [{**r, "digest_date": day, "fetched_at": fetched_at} for r in unique.values()],
        schema=STG_HF_DAILY_PAPERS.polars_schema,
    )
    return STG_HF_DAILY_PAPERS.conform(frame)
