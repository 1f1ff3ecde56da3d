"""GitHub repositories of the papers, and their stars over time, from every source that reports them."""

import dagster as dg
import polars as pl

from papertrend.orchestration import progress
from papertrend.orchestration.checks import require_whole_selection, targeting_latest
from papertrend.orchestration.enrich.assets import GROUP
from papertrend.orchestration.instance import POOLS
from papertrend.orchestration.metadata import asset_spec, first_days, require_contract
from papertrend.orchestration.resources import EnrichmentConfig, PapertrendConfig
from papertrend.schemas import (
    BRIDGE_PAPER_REPO,
    DIM_PAPER,
    DIM_REPO,
    ENRICHMENT_STATUS_GITHUB,
    FCT_REPO_STARS_DAILY,
    REPO_HISTORY_SYNC,
    STG_DIGEST_ENTRIES,
    STG_HF_DAILY_PAPERS,
)
from papertrend.schemas.github import REPO_SOURCES, UMBRELLA_MIN_PAPERS
from papertrend.sources.http import FetchError, ServiceUnreachable
from papertrend.transforms import clock
from papertrend.transforms.enrich import OFFLINE, Outcomes, merge_status, upsert
from papertrend.transforms.repos import anchor_totals, daily_from_stargazers, daily_from_weeks, discover

GITHUB_TABLES = (BRIDGE_PAPER_REPO, DIM_REPO, FCT_REPO_STARS_DAILY, REPO_HISTORY_SYNC, ENRICHMENT_STATUS_GITHUB)


def _rows(table, rows: list[dict]) -> pl.DataFrame:
    return table.conform(pl.DataFrame(rows, schema=table.polars_schema)) if rows else table.empty()


def build_github_assets() -> list[dg.AssetsDefinition]:
    @dg.multi_asset(
        name="github_stars",
        specs=[
            asset_spec(t, GROUP, {"github", "parquet"}, deps=[DIM_PAPER.name, STG_HF_DAILY_PAPERS.name])
            for t in GITHUB_TABLES
        ],
        check_specs=[
            dg.AssetCheckSpec(
                "digest_vs_history",
                asset=FCT_REPO_STARS_DAILY.name,
                description=(
                    "The digest's star count (Hugging Face's cache) against the history-derived total on the same "
                    "day: how often and how far they disagree, and on which days."
                ),
            )
        ],
        pool=POOLS["github_stars"],
        can_subset=True,  # for the tied check results (orchestration/checks.py); the tables go together
        description=(
            "Repositories linked by the papers of every loaded digest, their metadata, current counts, star "
            "histories and the digests' own counts; each look-up's latest outcome in enrichment_status_github."
        ),
    )
    def github_stars(context: dg.AssetExecutionContext, papertrend: PapertrendConfig, enrichment: EnrichmentConfig):
        require_whole_selection(context, [t.name for t in GITHUB_TABLES])
        data, lake = papertrend.data, papertrend.data.lake
        if not enrichment.github_enabled:  # PAPERTREND_GITHUB=off: the tables stay as they are
            context.log.info("GitHub enrichment is off (PAPERTREND_GITHUB=off)")
            for table in GITHUB_TABLES:
                yield dg.MaterializeResult(asset_key=table.name, metadata={"skipped": "PAPERTREND_GITHUB=off"})
            yield dg.AssetCheckResult(
                asset_key=FCT_REPO_STARS_DAILY.name,
                check_name="digest_vs_history",
                passed=True,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"skipped": "PAPERTREND_GITHUB=off"},
            )
            return
        now = clock.now()  # snapshots are dated by its UTC day; history days by the Pacific calendar
        entries = lake.read_all(STG_DIGEST_ENTRIES)
        papers = entries.get_column("arxiv_id").unique(maintain_order=True).to_list()
        hf_repo = dict(
            lake.read_all(STG_HF_DAILY_PAPERS)
            .filter(pl.col("github_repo").is_not_null())
            .select("arxiv_id", "github_repo")
            .unique("arxiv_id", keep="first")
            .iter_rows()
        )
        meta = {
            r["arxiv_id"]: r
            for r in lake.read_table(DIM_PAPER)
            .filter(pl.col("arxiv_id").is_in(papers))
            .select("arxiv_id", "comment", "abstract")
            .iter_rows(named=True)
        }
        links = [
            (a, repo, source)
            for a in papers
            for repo, source in discover(
                hf_repo.get(a), meta.get(a, {}).get("comment"), meta.get(a, {}).get("abstract")
            )
        ]

        bridge, dim_repo, fct, sync = (lake.read_table(t) for t in GITHUB_TABLES[:4])
        status = lake.read_table(ENRICHMENT_STATUS_GITHUB)
        known = {r["linked_as"].lower(): (r["repo_id"], r["repo_full_name"]) for r in bridge.iter_rows(named=True)}
        known.update({r["full_name"].lower(): (r["repo_id"], r["full_name"]) for r in dim_repo.iter_rows(named=True)})
        settled = set(
            status.filter((pl.col("source") == "github_repo") & pl.col("status").is_in(["not_found", "restricted"]))
            .get_column("key")
            .to_list()
        )
        client = None if enrichment.offline else enrichment.github_client(data.root)
        if client is not None and not client.authenticated and links:
            context.log.warning("GITHUB_TOKEN is not set: GitHub allows 60 requests an hour without one")
        outcomes = Outcomes("github_repo", now, unreachable=None if client is not None else OFFLINE)
        new_repos: list[dict] = []

        for name in dict.fromkeys(repo for _, repo, _ in links):
            if name.lower() in known or name in settled:
                continue
            answered, found = outcomes.call(name, lambda name=name: client.repo(name), refused="restricted")
            if not answered:
                continue
            if found is None:
                outcomes.record(name, "not_found", "GitHub answered 404: missing, or private to this token", 1)
                continue
            known[name.lower()] = known[found["full_name"].lower()] = (found["repo_id"], found["full_name"])
            new_repos.append({**found, "fetched_at": now})
            outcomes.record(name, "ok", f"renamed to {found['full_name']}" if found["renamed"] else None, 1)

        priority = {s: i for i, s in enumerate(REPO_SOURCES)}
        range_links = {}
        for arxiv_id, name, source in links:
            if name.lower() in known:
                repo_id, full_name = known[name.lower()]
                key = (arxiv_id, repo_id)
                if key not in range_links or priority[source] < priority[range_links[key]["source"]]:
                    range_links[key] = dict(
                        arxiv_id=arxiv_id,
                        repo_id=repo_id,
                        repo_full_name=full_name,
                        linked_as=name,
                        source=source,
                        is_umbrella=False,
                    )
        bridge = pl.concat(
            [bridge.filter(~pl.col("arxiv_id").is_in(papers)), _rows(BRIDGE_PAPER_REPO, list(range_links.values()))]
        )
        papers_per_repo = bridge.group_by("repo_id").agg(pl.col("arxiv_id").n_unique().alias("n"))
        bridge = BRIDGE_PAPER_REPO.conform(
            bridge.drop("is_umbrella")
            .join(papers_per_repo, on="repo_id")
            .with_columns((pl.col("n") >= UMBRELLA_MIN_PAPERS).alias("is_umbrella"))
        )
        dim_repo = upsert(
            dim_repo,
            pl.DataFrame(new_repos, schema={**DIM_REPO.polars_schema, "renamed": pl.Boolean}),
            DIM_REPO,
            ["repo_id"],
        )
        tracked = sorted({row["repo_id"] for row in range_links.values()})
        names = dict(dim_repo.select("repo_id", "full_name").iter_rows())

        # current counts: one snapshot per repository and UTC day, never dated to a past partition
        snapshot_rows = []
        have_today = set(
            fct.filter((pl.col("source") == "snapshot") & (pl.col("star_date") == now.date()))
            .get_column("repo_id")
            .to_list()
        )
        wanted = [r for r in tracked if r not in have_today]
        if wanted and not outcomes.unreachable:
            try:
                counts = client.star_counts([names[r] for r in wanted])
                for repo_id in wanted:
                    count = counts.get(names[repo_id])
                    if count is not None:
                        snapshot_rows.append(
                            dict(
                                repo_id=repo_id,
                                star_date=now.date(),
                                stars_added=None,
                                stars_total=count["stargazers_count"],
                                source="snapshot",
                                observed_at=now,
                            )
                        )
            except ServiceUnreachable as exc:
                outcomes.unreachable = exc.reason
            except FetchError as exc:  # one batch for every repository: no key to record it under
                context.log.warning(f"GitHub counts failed: {exc.reason}")
        totals = dict(dim_repo.select("repo_id", "stargazers_count").iter_rows())
        totals.update({r["repo_id"]: r["stars_total"] for r in snapshot_rows})
        if snapshot_rows:
            dim_repo = dim_repo.with_columns(
                pl.col("repo_id")
                .replace_strict(totals, default=None, return_dtype=pl.Int64)
                .fill_null(pl.col("stargazers_count"))
                .alias("stargazers_count"),
                pl.when(pl.col("repo_id").is_in([r["repo_id"] for r in snapshot_rows]))
                .then(pl.lit(now))
                .otherwise(pl.col("fetched_at"))
                .alias("fetched_at"),
            )

        # histories: a full walk the first time, then page 1 with If-None-Match, once a day
        history_frames, sync_rows, pages = [], [], 0
        synced = {r["repo_id"]: r for r in sync.iter_rows(named=True)}
        for repo_id in tracked:
            previous = synced.get(repo_id)
            if previous and previous["synced_at"].date() == now.date():
                continue
            answered, history = outcomes.call(
                str(repo_id),
                lambda name=names[repo_id], previous=previous: client.star_history(
                    name, etag=previous["etag"] if previous else None, full_walk=previous is None
                ),
                source="github_history",
            )
            if not answered:
                continue
            if history is None:
                outcomes.record(str(repo_id), "not_found", "no history: repository missing", 1, "github_history")
                continue
            pages += history.pages
            sync_rows.append(
                dict(
                    repo_id=repo_id,
                    etag=history.etag,
                    link=history.link if not history.not_modified else (previous or {}).get("link"),
                    pages_walked=history.pages,
                    synced_at=now,
                )
            )
            reason = "unchanged (304)" if history.not_modified else None
            outcomes.record(str(repo_id), "ok", reason, history.pages, "github_history")
            if history.not_modified:
                continue
            new_days = daily_from_weeks(history.weeks, totals.get(repo_id), now)
            if previous is not None:  # a refresh: page 1 replaces the days it covers, older days stay
                covered = {r["star_date"] for r in new_days}
                older = [
                    r
                    for r in fct.filter((pl.col("repo_id") == repo_id) & (pl.col("source") == "history_api")).iter_rows(
                        named=True
                    )
                    if r["star_date"] not in covered
                ]
                new_days = anchor_totals(older + new_days, totals.get(repo_id))
            history_frames.append(
                _rows(
                    FCT_REPO_STARS_DAILY,
                    [dict(repo_id=repo_id, **r, source="history_api", observed_at=now) for r in new_days],
                )
            )

        # the token's own repositories: the REST stargazers walk, where GitHub still allows it
        stargazer_frames = []
        if client is not None and client.authenticated and not outcomes.unreachable:
            asked = set(
                status.filter((pl.col("source") == "github_stargazers") & (pl.col("status") != "pending"))
                .get_column("key")
                .to_list()
            )
            for repo_id in tracked:
                if str(repo_id) in asked:
                    continue
                key = str(repo_id)
                answered, times = outcomes.call(
                    key, lambda name=names[repo_id]: client.stargazers(name), "github_stargazers"
                )
                if not answered:
                    continue
                if times is None:
                    reason = "GitHub lists stargazers only to admins and collaborators"
                    outcomes.record(key, "restricted", reason, 1, "github_stargazers")
                    continue
                outcomes.record(key, "ok", None, 1, "github_stargazers")
                stargazer_frames.append(
                    _rows(
                        FCT_REPO_STARS_DAILY,
                        [
                            dict(repo_id=repo_id, **r, source="stargazers_api", observed_at=now)
                            for r in daily_from_stargazers(times, totals.get(repo_id))
                        ],
                    )
                )

        # the digests' own counts: Hugging Face's cached count of its githubRepo, as printed that day
        hf_links = bridge.filter(pl.col("source") == "hf_github_repo").select("arxiv_id", "repo_id")
        digest = (
            entries.join(hf_links, on="arxiv_id")
            .select(
                "repo_id", pl.col("digest_date").alias("star_date"), pl.col("stars").cast(pl.Int64).alias("stars_total")
            )
            .unique(["repo_id", "star_date"], keep="first")
            .with_columns(
                pl.lit(None, pl.Int64).alias("stars_added"),
                pl.lit("digest").alias("source"),
                pl.lit(None, FCT_REPO_STARS_DAILY.polars_schema["observed_at"]).alias("observed_at"),
            )
        )

        with data.write_lock():
            fct = lake.read_table(FCT_REPO_STARS_DAILY)
            for frame in (f for f in history_frames + stargazer_frames if f.height):
                # a repository's series from one source is replaced whole (history: past days can change)
                fct = pl.concat(
                    [
                        fct.filter(
                            ~(
                                (pl.col("repo_id") == frame.item(0, "repo_id"))
                                & (pl.col("source") == frame.item(0, "source"))
                            )
                        ),
                        frame,
                    ]
                )
            fct = fct.filter(pl.col("source") != "digest")  # the digests' counts are rebuilt from every day
            fct = FCT_REPO_STARS_DAILY.conform(
                pl.concat([fct, FCT_REPO_STARS_DAILY.conform(digest), _rows(FCT_REPO_STARS_DAILY, snapshot_rows)])
            )
            fct = fct.unique(["repo_id", "star_date", "source"], keep="last").sort(list(FCT_REPO_STARS_DAILY.order_by))
            outputs = {
                BRIDGE_PAPER_REPO.name: bridge,
                DIM_REPO.name: dim_repo,
                FCT_REPO_STARS_DAILY.name: fct,
                REPO_HISTORY_SYNC.name: upsert(
                    lake.read_table(REPO_HISTORY_SYNC),
                    _rows(REPO_HISTORY_SYNC, sync_rows),
                    REPO_HISTORY_SYNC,
                    ["repo_id"],
                ),
                ENRICHMENT_STATUS_GITHUB.name: merge_status(
                    ENRICHMENT_STATUS_GITHUB, lake.read_table(ENRICHMENT_STATUS_GITHUB), outcomes.rows
                ),
            }
            require_contract(ENRICHMENT_STATUS_GITHUB, {"": outputs[ENRICHMENT_STATUS_GITHUB.name]})
            for table in GITHUB_TABLES:
                lake.write_table(table, outputs[table.name])
        progress.report("github", "")

        requests = client.requests_sent if client else 0
        context.log.info(
            f"GitHub: {len(range_links)} links, {len(tracked)} repositories ({len(new_repos)} new), "
            f"{len(snapshot_rows)} snapshots, {pages} history pages, {requests} requests"
        )
        for table in GITHUB_TABLES:
            yield dg.MaterializeResult(asset_key=table.name, metadata={"dagster/row_count": outputs[table.name].height})

        history_totals = fct.filter(pl.col("source") == "history_api").select(
            "repo_id", "star_date", pl.col("stars_total").alias("history_total")
        )
        compared = digest.join(history_totals, on=["repo_id", "star_date"]).with_columns(
            (pl.col("stars_total") - pl.col("history_total")).abs().alias("abs_diff")
        )
        disagree = compared.filter(pl.col("abs_diff") > pl.max_horizontal(pl.lit(5), pl.col("history_total") * 0.05))
        by_day = disagree.group_by("star_date").len().sort("star_date")
        yield from targeting_latest(
            context,
            [
                dg.AssetCheckEvaluation(
                    asset_key=dg.AssetKey(FCT_REPO_STARS_DAILY.name),
                    check_name="digest_vs_history",
                    passed=disagree.height == 0,
                    severity=dg.AssetCheckSeverity.WARN,
                    metadata={
                        "compared": compared.height,
                        "disagreements": disagree.height,
                        "days_compared": compared.get_column("star_date").n_unique(),
                        "days_disagreeing": by_day.height,
                        "max_abs_diff": int(compared.get_column("abs_diff").max() or 0),
                        "first_days_disagreeing": first_days(by_day),
                    },
                )
            ],
        )

    return [github_stars]
