"""GitHub repositories of the papers, and their stars over time, from every source that reports them.

The asset orchestrates: transforms/github_enrich.py plans what to ask and merges the answers (pure, unit
tested); ``_Asking`` asks GitHub and records each outcome through one ``Outcomes``.
"""

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import cast

import dagster as dg
import polars as pl

from ...schemas import (
    BRIDGE_PAPER_REPO,
    DIM_PAPER,
    DIM_REPO,
    ENRICHMENT_STATUS_GITHUB,
    FCT_REPO_STARS_DAILY,
    REPO_HISTORY_SYNC,
    STG_DIGEST_ENTRIES,
    STG_HF_DAILY_PAPERS,
)
from ...sources.github import GitHubClient, History
from ...sources.http import FetchError, ServiceUnreachable
from ...transforms import clock
from ...transforms import github_enrich as gh
from ...transforms.enrich import OFFLINE, Outcomes, merge_status, online, upsert
from ..checks import require_whole_selection, targeting_latest
from ..instance import POOLS
from ..metadata import asset_spec, first_day, first_days, require_contract
from ..resources import EnrichmentConfig, PapertrendConfig
from .assets import GROUP

GITHUB_TABLES = (BRIDGE_PAPER_REPO, DIM_REPO, FCT_REPO_STARS_DAILY, REPO_HISTORY_SYNC, ENRICHMENT_STATUS_GITHUB)
DIGEST_VS_HISTORY = "digest_vs_history"


@dg.multi_asset(
    name="github_stars",
    specs=[
        asset_spec(t, GROUP, {"github", "parquet"}, deps=[DIM_PAPER.name, STG_HF_DAILY_PAPERS.name])
        for t in GITHUB_TABLES
    ],
    check_specs=[
        dg.AssetCheckSpec(
            DIGEST_VS_HISTORY,
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
    if not enrichment.github_enabled:
        yield from _switched_off(context)
        return
    data, lake = papertrend.data, papertrend.data.lake
    now = clock.now()  # snapshots are dated by its UTC day; history days by the Pacific calendar
    entries = lake.read_all(STG_DIGEST_ENTRIES)
    papers = entries.get_column("arxiv_id").unique(maintain_order=True).to_list()
    links = gh.paper_links(papers, lake.read_all(STG_HF_DAILY_PAPERS), lake.read_table(DIM_PAPER))
    bridge, dim_repo, fct, sync, status = (lake.read_table(t) for t in GITHUB_TABLES)
    client = None if enrichment.offline else enrichment.github_client(data.root)
    if client is not None and not client.authenticated and links:
        context.log.warning("GITHUB_TOKEN is not set: GitHub allows 60 requests an hour without one")
    github = _Asking(client, Outcomes("github_repo", now, unreachable=None if client is not None else OFFLINE))

    known = gh.known_repos(bridge, dim_repo)
    found = github.look_up(gh.repos_to_look_up(links, known, status), known)
    linked = gh.link_papers(links, known)
    tracked = sorted({row["repo_id"] for row in linked})
    bridge = gh.rebuild_bridge(bridge, papers, linked)
    dim_repo = gh.add_repos(dim_repo, found, now)
    names = dict(dim_repo.select("repo_id", "full_name").iter_rows())
    snapshots = github.snapshots(gh.snapshots_due(tracked, fct, now), names, context.log)
    dim_repo = gh.apply_snapshots(dim_repo, snapshots, now)
    totals = dict(dim_repo.select("repo_id", "stargazers_count").iter_rows())
    series, syncs, pages = github.histories(gh.histories_due(tracked, sync, now), names, fct, totals)
    if client is not None and client.authenticated:  # the REST walk, where GitHub still allows it
        series += github.stargazers(gh.stargazers_due(tracked, status), names, totals)
    digest = gh.digest_counts(entries, bridge)

    with data.write_lock():  # re-read what a concurrent run may have written; keep its rows
        outputs = {
            BRIDGE_PAPER_REPO.name: bridge,
            DIM_REPO.name: dim_repo,
            FCT_REPO_STARS_DAILY.name: gh.merge_stars(lake.read_table(FCT_REPO_STARS_DAILY), series, digest, snapshots),
            REPO_HISTORY_SYNC.name: upsert(
                lake.read_table(REPO_HISTORY_SYNC),
                gh.rows(REPO_HISTORY_SYNC, syncs),
                REPO_HISTORY_SYNC,
                ["repo_id"],
            ),
            ENRICHMENT_STATUS_GITHUB.name: merge_status(
                ENRICHMENT_STATUS_GITHUB, lake.read_table(ENRICHMENT_STATUS_GITHUB), github.outcomes.rows
            ),
        }
        require_contract(ENRICHMENT_STATUS_GITHUB, {"": outputs[ENRICHMENT_STATUS_GITHUB.name]})
        for table in GITHUB_TABLES:
            lake.write_table(table, outputs[table.name])
    context.log.info(
        f"GitHub: {len(linked)} links, {len(tracked)} repositories ({len(found)} new), {len(snapshots)} snapshots, "
        f"{pages} history pages, {client.requests_sent if client else 0} requests"
    )
    for table in GITHUB_TABLES:
        yield dg.MaterializeResult(asset_key=table.name, metadata={"dagster/row_count": outputs[table.name].height})
    yield from targeting_latest(context, [_digest_vs_history(digest, outputs[FCT_REPO_STARS_DAILY.name])])


def _switched_off(context: dg.AssetExecutionContext):
    """PAPERTREND_GITHUB=off: the tables stay as they are, and the check says why it compared nothing."""
    context.log.info("GitHub enrichment is off (PAPERTREND_GITHUB=off)")
    for table in GITHUB_TABLES:
        yield dg.MaterializeResult(asset_key=table.name, metadata={"skipped": "PAPERTREND_GITHUB=off"})
    yield dg.AssetCheckResult(
        asset_key=FCT_REPO_STARS_DAILY.name,
        check_name=DIGEST_VS_HISTORY,
        passed=True,
        severity=dg.AssetCheckSeverity.WARN,
        description="not compared: GitHub enrichment is off (PAPERTREND_GITHUB=off)",
        metadata={"skipped": "PAPERTREND_GITHUB=off"},
    )


def _digest_vs_history(digest: pl.DataFrame, fct: pl.DataFrame) -> dg.AssetCheckEvaluation:
    compared, disagree = gh.digest_vs_history(digest, fct)
    by_day = disagree.group_by("star_date").len().sort("star_date")
    return dg.AssetCheckEvaluation(
        asset_key=dg.AssetKey(FCT_REPO_STARS_DAILY.name),
        check_name=DIGEST_VS_HISTORY,
        passed=disagree.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        description=_digest_vs_history_line(compared, disagree, by_day),
        metadata={
            "compared": compared.height,
            "disagreements": disagree.height,
            "days_compared": compared.get_column("star_date").n_unique(),
            "days_disagreeing": by_day.height,
            # polars types a Series' max as any Python scalar; abs_diff is an integer column (None when empty)
            "max_abs_diff": int(cast(int | None, compared.get_column("abs_diff").max()) or 0),
            **({"first_days_disagreeing": first_days(by_day)} if by_day.height else {}),
        },
    )


def _digest_vs_history_line(compared: pl.DataFrame, disagree: pl.DataFrame, by_day: pl.DataFrame) -> str:
    if compared.height == 0:
        return "nothing to compare: no star count printed in a digest has a day in the star history yet"
    if disagree.height == 0:
        return f"all {compared.height:,} star counts printed in the digests agree with the star history"
    worst = disagree.sort("abs_diff", descending=True).row(0, named=True)
    return (
        f"{disagree.height:,} of {compared.height:,} printed star counts disagree with the star history, on "
        f"{by_day.height:,} days from {first_day(by_day, 'star_date')}; the largest: "
        f"repository {worst['repo_id']} on {worst['star_date']}: printed {worst['stars_total']:,}, history "
        f"{worst['history_total']:,} (off by {worst['abs_diff']:,})"
    )


@dataclass
class _Asking:
    """Asks GitHub what transforms/github_enrich.py planned; every outcome goes through ``outcomes``."""

    client: GitHubClient | None
    outcomes: Outcomes  # its ``now`` dates every row of the run

    @property
    def now(self) -> dt.datetime:
        return self.outcomes.now

    def look_up(self, names: list[str], known: gh.Known) -> list[dict]:
        """Each linked name GitHub resolves (renames followed) becomes known; returns what it described."""
        found = []
        for name in names:
            answered, repo = self.outcomes.call(name, partial(self._repo, name), refused="restricted")
            if not answered:
                continue
            if repo is None:
                self.outcomes.record(name, "not_found", "GitHub answered 404: missing, or private to this token", 1)
                continue
            gh.remember(known, name, repo)
            found.append(repo)
            self.outcomes.record(name, "ok", f"renamed to {repo['full_name']}" if repo["renamed"] else None, 1)
        return found

    def snapshots(self, due: list[int], names: dict[int, str], log) -> list[dict]:
        """Current counts in batches: one request for many repositories, so a failure has no key to record."""
        if not due or self.outcomes.unreachable:
            return []
        try:
            counts = online(self.client).star_counts([names[r] for r in due])
        except ServiceUnreachable as exc:
            self.outcomes.unreachable = exc.reason
            return []
        except FetchError as exc:
            log.warning(f"GitHub counts failed: {exc.reason}")
            return []
        return gh.snapshot_rows(due, names, counts, self.now)

    def histories(
        self, due: list[tuple[int, dict | None]], names: dict[int, str], fct: pl.DataFrame, totals: dict
    ) -> tuple[list[pl.DataFrame], list[dict], int]:
        """(history series, sync rows, pages walked): a full walk the first time, then page 1 with its ETag."""
        series, syncs, pages = [], [], 0
        for repo_id, previous in due:
            key = str(repo_id)
            answered, history = self.outcomes.call(
                key, partial(self._history, names[repo_id], previous), source="github_history"
            )
            if not answered:
                continue
            if history is None:
                self.outcomes.record(key, "not_found", "no history: repository missing", 1, "github_history")
                continue
            pages += history.pages
            syncs.append(gh.sync_row(repo_id, history, previous, self.now))
            reason = "unchanged (304)" if history.not_modified else None
            self.outcomes.record(key, "ok", reason, history.pages, "github_history")
            if not history.not_modified:
                refresh = previous is not None
                series.append(gh.history_series(repo_id, history, refresh, fct, totals.get(repo_id), self.now))
        return series, syncs, pages

    def stargazers(self, due: list[int], names: dict[int, str], totals: dict) -> list[pl.DataFrame]:
        """The REST stargazers walk: GitHub answers it for the token's own repositories only."""
        series: list[pl.DataFrame] = []
        if self.outcomes.unreachable:
            return series
        for repo_id in due:
            key = str(repo_id)
            answered, times = self.outcomes.call(key, partial(self._stargazers, names[repo_id]), "github_stargazers")
            if not answered:
                continue
            if times is None:
                reason = "GitHub lists stargazers only to admins and collaborators"
                self.outcomes.record(key, "restricted", reason, 1, "github_stargazers")
                continue
            self.outcomes.record(key, "ok", None, 1, "github_stargazers")
            series.append(gh.stargazer_series(repo_id, times, totals.get(repo_id), self.now))
        return series

    # The fetches handed to ``outcomes.call``: they reach for the client only when called, which an offline run
    # (no client, its Outcomes unreachable from the start) never does.
    def _repo(self, name: str) -> dict | None:
        return online(self.client).repo(name)

    def _history(self, name: str, previous: dict | None) -> History | None:
        return online(self.client).star_history(
            name, etag=previous["etag"] if previous else None, full_walk=previous is None
        )

    def _stargazers(self, name: str) -> list[dt.datetime] | None:
        return online(self.client).stargazers(name)
