"""Pure bookkeeping of GitHub enrichment: what to ask GitHub, and how its answers merge into the tables.

The tables are the cache, as for arXiv (transforms/enrich.py): a repository already known (by the
name a paper linked, or its current name) is not looked up again; one GitHub answered not found or
restricted for is not asked again; a repository gets at most one count snapshot and one history
sync per UTC day; the REST stargazers walk is asked once per repository. The orchestration
(orchestration/enrich/github_assets.py) asks GitHub for what these functions plan and hands the
answers back to them.
"""

import datetime as dt

import polars as pl

from ..schemas import (
    BRIDGE_PAPER_REPO,
    DIM_REPO,
    FCT_REPO_STARS_DAILY,
    TableContract,
)
from ..schemas.github import REPO_SOURCES, UMBRELLA_MIN_PAPERS
from ..sources.github import History
from .enrich import upsert
from .repos import anchor_totals, daily_from_stargazers, daily_from_weeks, discover

Link = tuple[str, str, str]  # (arxiv_id, owner/name as linked, source)
Known = dict[str, tuple[int, str]]  # lower-cased owner/name -> (repo_id, current full name)


def rows(table: TableContract, records: list[dict]) -> pl.DataFrame:
    """``records`` as a frame of ``table`` (its empty frame when there are none)."""
    return table.conform(pl.DataFrame(records, schema=table.polars_schema)) if records else table.empty()


def paper_links(papers: list[str], hf_repos: pl.DataFrame, dim_paper: pl.DataFrame) -> list[Link]:
    """Every repository each paper points at, by source priority (Hugging Face, arXiv comment, abstract).

    ``hf_repos``: the daily lists' rows (``arxiv_id``, ``github_repo``), the first non-null repository of a
    paper counts; ``dim_paper``: arXiv metadata (``arxiv_id``, ``comment``, ``abstract``).
    """
    hf = dict(
        hf_repos.filter(pl.col("github_repo").is_not_null())
        .select("arxiv_id", "github_repo")
        .unique("arxiv_id", keep="first", maintain_order=True)
        .iter_rows()
    )
    meta = {
        r["arxiv_id"]: r
        for r in dim_paper.filter(pl.col("arxiv_id").is_in(papers))
        .select("arxiv_id", "comment", "abstract")
        .iter_rows(named=True)
    }
    return [
        (arxiv_id, repo, source)
        for arxiv_id in papers
        for repo, source in discover(
            hf.get(arxiv_id), meta.get(arxiv_id, {}).get("comment"), meta.get(arxiv_id, {}).get("abstract")
        )
    ]


def known_repos(bridge: pl.DataFrame, dim_repo: pl.DataFrame) -> Known:
    """Repositories already resolved, by every name they were linked as and by their current name."""
    known = {r["linked_as"].lower(): (r["repo_id"], r["repo_full_name"]) for r in bridge.iter_rows(named=True)}
    known.update({r["full_name"].lower(): (r["repo_id"], r["full_name"]) for r in dim_repo.iter_rows(named=True)})
    return known


def repos_to_look_up(links: list[Link], known: Known, status: pl.DataFrame) -> list[str]:
    """Linked names GitHub has not resolved yet, in first-linked order; a name GitHub answered not found or
    restricted for stays settled (``enrichment_status_github``) and is not asked again."""
    settled = set(
        status.filter((pl.col("source") == "github_repo") & pl.col("status").is_in(["not_found", "restricted"]))
        .get_column("key")
        .to_list()
    )
    names = dict.fromkeys(repo for _, repo, _ in links)
    return [name for name in names if name.lower() not in known and name not in settled]


def remember(known: Known, linked_as: str, found: dict) -> None:
    """A look-up's answer: the repository is known by the linked name and by its current one (renames)."""
    known[linked_as.lower()] = known[found["full_name"].lower()] = (found["repo_id"], found["full_name"])


def link_papers(links: list[Link], known: Known) -> list[dict]:
    """One bridge row per (paper, resolved repository), from its highest-priority source."""
    priority = {s: i for i, s in enumerate(REPO_SOURCES)}
    best: dict[tuple[str, int], dict] = {}
    for arxiv_id, name, source in links:
        if name.lower() not in known:
            continue
        repo_id, full_name = known[name.lower()]
        key = (arxiv_id, repo_id)
        if key not in best or priority[source] < priority[best[key]["source"]]:
            best[key] = dict(
                arxiv_id=arxiv_id,
                repo_id=repo_id,
                repo_full_name=full_name,
                linked_as=name,
                source=source,
                is_umbrella=False,
            )
    return list(best.values())


def rebuild_bridge(bridge: pl.DataFrame, papers: list[str], linked: list[dict]) -> pl.DataFrame:
    """The links of ``papers`` replaced by ``linked``; every repository linked from UMBRELLA_MIN_PAPERS or more
    papers (over the whole table) flagged as an umbrella."""
    bridge = pl.concat([bridge.filter(~pl.col("arxiv_id").is_in(papers)), rows(BRIDGE_PAPER_REPO, linked)])
    papers_per_repo = bridge.group_by("repo_id").agg(pl.col("arxiv_id").n_unique().alias("n"))
    return BRIDGE_PAPER_REPO.conform(
        bridge.drop("is_umbrella")
        .join(papers_per_repo, on="repo_id")
        .with_columns((pl.col("n") >= UMBRELLA_MIN_PAPERS).alias("is_umbrella"))
    )


def add_repos(dim_repo: pl.DataFrame, found: list[dict], now: dt.datetime) -> pl.DataFrame:
    """Repositories GitHub described in this run (a look-up's answer) upserted into ``dim_repo``."""
    new = pl.DataFrame(
        [{**r, "fetched_at": now} for r in found], schema={**DIM_REPO.polars_schema, "renamed": pl.Boolean}
    )
    return upsert(dim_repo, new, DIM_REPO, ["repo_id"])


def snapshots_due(tracked: list[int], fct: pl.DataFrame, now: dt.datetime) -> list[int]:
    """Tracked repositories without a count snapshot on ``now``'s UTC day: one a day, never dated to a past day."""
    have = set(
        fct.filter((pl.col("source") == "snapshot") & (pl.col("star_date") == now.date()))
        .get_column("repo_id")
        .to_list()
    )
    return [r for r in tracked if r not in have]


def snapshot_rows(
    due: list[int], names: dict[int, str], counts: dict[str, dict | None], now: dt.datetime
) -> list[dict]:
    """GitHub's batched counts (by current name) as snapshot rows; a repository it did not count has none."""
    out = []
    for repo_id in due:
        count = counts.get(names[repo_id])
        if count is not None:
            out.append(
                dict(
                    repo_id=repo_id,
                    star_date=now.date(),
                    stars_added=None,
                    stars_total=count["stargazers_count"],
                    source="snapshot",
                    observed_at=now,
                )
            )
    return out


def apply_snapshots(dim_repo: pl.DataFrame, snapshots: list[dict], now: dt.datetime) -> pl.DataFrame:
    """``dim_repo`` with each snapshot's count as its current count, observed ``now``."""
    if not snapshots:
        return dim_repo
    counts = {r["repo_id"]: r["stars_total"] for r in snapshots}
    return dim_repo.with_columns(
        pl.col("repo_id")
        .replace_strict(counts, default=None, return_dtype=pl.Int64)
        .fill_null(pl.col("stargazers_count"))
        .alias("stargazers_count"),
        pl.when(pl.col("repo_id").is_in(list(counts)))
        .then(pl.lit(now))
        .otherwise(pl.col("fetched_at"))
        .alias("fetched_at"),
    )


def histories_due(tracked: list[int], sync: pl.DataFrame, now: dt.datetime) -> list[tuple[int, dict | None]]:
    """(repository, its last sync or None) for each tracked repository not synced on ``now``'s UTC day.

    None asks for a full walk; a previous sync asks for page 1 with its ETag (If-None-Match).
    """
    synced = {r["repo_id"]: r for r in sync.iter_rows(named=True)}
    due = []
    for repo_id in tracked:
        previous = synced.get(repo_id)
        if previous is None or previous["synced_at"].date() != now.date():
            due.append((repo_id, previous))
    return due


def sync_row(repo_id: int, history: History, previous: dict | None, now: dt.datetime) -> dict:
    """What the next refresh needs; a 304 carries no Link header, so the previous one is kept."""
    return dict(
        repo_id=repo_id,
        etag=history.etag,
        link=history.link if not history.not_modified else (previous or {}).get("link"),
        pages_walked=history.pages,
        synced_at=now,
    )


def history_series(
    repo_id: int, history: History, refresh: bool, fct: pl.DataFrame, total: int | None, now: dt.datetime
) -> pl.DataFrame:
    """The repository's history_api series after this answer (not called for a 304).

    A first walk is the whole series. A refresh (page 1 only) replaces the days it covers; older days stay,
    and every total is anchored again on the current count.
    """
    days = daily_from_weeks(history.weeks, total, now)
    if refresh:
        covered = {r["star_date"] for r in days}
        older = [
            r
            for r in fct.filter((pl.col("repo_id") == repo_id) & (pl.col("source") == "history_api"))
            .select("star_date", "stars_added")
            .iter_rows(named=True)
            if r["star_date"] not in covered
        ]
        days = anchor_totals(older + days, total)
    return rows(FCT_REPO_STARS_DAILY, [dict(repo_id=repo_id, **r, source="history_api", observed_at=now) for r in days])


def stargazers_due(tracked: list[int], status: pl.DataFrame) -> list[int]:
    """Tracked repositories the REST stargazers walk has not answered for (ok or restricted) yet."""
    asked = set(
        status.filter((pl.col("source") == "github_stargazers") & (pl.col("status") != "pending"))
        .get_column("key")
        .to_list()
    )
    return [r for r in tracked if str(r) not in asked]


def stargazer_series(repo_id: int, starred_at: list[dt.datetime], total: int | None, now: dt.datetime) -> pl.DataFrame:
    return rows(
        FCT_REPO_STARS_DAILY,
        [
            dict(repo_id=repo_id, **r, source="stargazers_api", observed_at=now)
            for r in daily_from_stargazers(starred_at, total)
        ],
    )


def digest_counts(entries: pl.DataFrame, bridge: pl.DataFrame) -> pl.DataFrame:
    """The digests' own counts: Hugging Face's cached count of its githubRepo, as printed on each day."""
    hf_links = bridge.filter(pl.col("source") == "hf_github_repo").select("arxiv_id", "repo_id")
    digest = (
        entries.join(hf_links, on="arxiv_id")
        .select(
            "repo_id", pl.col("digest_date").alias("star_date"), pl.col("stars").cast(pl.Int64).alias("stars_total")
        )
        .unique(["repo_id", "star_date"], keep="first", maintain_order=True)
        .with_columns(
            pl.lit(None, pl.Int64).alias("stars_added"),
            pl.lit("digest").alias("source"),
            pl.lit(None, FCT_REPO_STARS_DAILY.polars_schema["observed_at"]).alias("observed_at"),
        )
    )
    return FCT_REPO_STARS_DAILY.conform(digest)


def merge_stars(
    fct: pl.DataFrame, series: list[pl.DataFrame], digest: pl.DataFrame, snapshots: list[dict]
) -> pl.DataFrame:
    """``fct_repo_stars_daily`` after a run.

    A repository's series from one source (history_api, stargazers_api) is replaced whole: past days can
    change. The digests' counts are rebuilt from every day. Snapshots are added; one per (repository, day,
    source), the newest wins.
    """
    for frame in (f for f in series if f.height):
        same = (pl.col("repo_id") == frame.item(0, "repo_id")) & (pl.col("source") == frame.item(0, "source"))
        fct = pl.concat([fct.filter(~same), frame])
    fct = fct.filter(pl.col("source") != "digest")
    merged = pl.concat([FCT_REPO_STARS_DAILY.conform(fct), digest, rows(FCT_REPO_STARS_DAILY, snapshots)])
    return FCT_REPO_STARS_DAILY.conform(
        merged.unique(["repo_id", "star_date", "source"], keep="last", maintain_order=True).sort(
            list(FCT_REPO_STARS_DAILY.order_by)
        )
    )


def digest_vs_history(digest: pl.DataFrame, fct: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(compared, disagreeing): the digest's count beside the history-derived total of the same day, and the
    pairs further apart than 5 stars or 5% of the history's total."""
    history = fct.filter(pl.col("source") == "history_api").select(
        "repo_id", "star_date", pl.col("stars_total").alias("history_total")
    )
    compared = digest.join(history, on=["repo_id", "star_date"]).with_columns(
        (pl.col("stars_total") - pl.col("history_total")).abs().alias("abs_diff")
    )
    disagree = compared.filter(pl.col("abs_diff") > pl.max_horizontal(pl.lit(5), pl.col("history_total") * 0.05))
    return compared, disagree
