"""The pure bookkeeping of GitHub enrichment (transforms/github_enrich.py): what to ask, how answers merge.

Every repository, paper and count here is SYNTHETIC.
"""

import datetime as dt

import polars as pl

from papertrend.schemas import (
    BRIDGE_PAPER_REPO,
    DIM_REPO,
    ENRICHMENT_STATUS_GITHUB,
    FCT_REPO_STARS_DAILY,
    REPO_HISTORY_SYNC,
    STG_DIGEST_ENTRIES,
)
from papertrend.sources.github import History
from papertrend.transforms import github_enrich as gh
from papertrend.transforms.enrich import merge_status

NOW = dt.datetime(2026, 11, 30, 0, 30, tzinfo=dt.UTC)  # just after midnight UTC: still 29 Nov in Pacific time
YESTERDAY = NOW - dt.timedelta(hours=1)  # 29 Nov, 23:30 UTC


def status(*rows: tuple[str, str, str]) -> pl.DataFrame:
    return merge_status(
        ENRICHMENT_STATUS_GITHUB,
        ENRICHMENT_STATUS_GITHUB.empty(),
        [dict(source=s, key=k, status=st, reason=None, attempts=1, last_attempt_at=NOW) for s, k, st in rows],
    )


def stars(*rows: tuple) -> pl.DataFrame:
    return gh.rows(
        FCT_REPO_STARS_DAILY,
        [
            dict(repo_id=r, star_date=d, stars_added=a, stars_total=t, source=s, observed_at=None)
            for r, d, a, t, s in rows
        ],
    )


def links_of(*links: tuple[str, int, str, str, str]) -> pl.DataFrame:
    """bridge_paper_repo rows from (arxiv_id, repo_id, repo_full_name, linked_as, source)."""
    return gh.rows(
        BRIDGE_PAPER_REPO,
        [
            dict(arxiv_id=a, repo_id=r, repo_full_name=f, linked_as=linked, source=s, is_umbrella=False)
            for a, r, f, linked, s in links
        ],
    )


def test_paper_links_by_source_priority_each_repository_once():
    hf = pl.DataFrame(
        {
            "arxiv_id": ["2611.00001", "2611.00001", "2611.00002"],
            "github_repo": [None, "https://github.com/a/one", None],
        }
    )
    dim_paper = pl.DataFrame(
        {
            "arxiv_id": ["2611.00001", "2611.00002", "2611.00009"],
            "comment": ["code: github.com/A/One and github.com/b/two", None, "github.com/z/not-in-the-digests"],
            "abstract": [None, "see https://github.com/c/three.git.", None],
        }
    )
    links = gh.paper_links(["2611.00001", "2611.00002", "2611.00003"], hf, dim_paper)
    assert links == [
        ("2611.00001", "a/one", "hf_github_repo"),  # the comment's A/One is the same repository: once
        ("2611.00001", "b/two", "arxiv_comment"),
        ("2611.00002", "c/three", "arxiv_abstract"),
    ]


def test_only_unresolved_unsettled_names_are_looked_up_and_answers_are_remembered_under_both_names():
    bridge = links_of(("2611.00001", 1, "a/one", "A/Old", "arxiv_comment"))
    known = gh.known_repos(bridge, DIM_REPO.empty())
    links = [
        ("2611.00001", "a/old", "hf_github_repo"),  # known by the name it was linked as, any case
        ("2611.00002", "b/gone", "arxiv_comment"),  # GitHub said not found: settled
        ("2611.00003", "c/private", "arxiv_comment"),  # restricted: settled
        ("2611.00004", "d/new", "arxiv_comment"),
        ("2611.00005", "d/new", "arxiv_abstract"),
        ("2611.00006", "e/failed", "arxiv_comment"),  # an error is asked again
    ]
    settled = status(
        ("github_repo", "b/gone", "not_found"),
        ("github_repo", "c/private", "restricted"),
        ("github_repo", "e/failed", "error"),
        ("github_history", "d/new", "not_found"),  # another source's outcome does not count
    )
    assert gh.repos_to_look_up(links, known, settled) == ["d/new", "e/failed"]

    gh.remember(known, "d/new", {"repo_id": 4, "full_name": "d/renamed"})
    assert known["d/new"] == known["d/renamed"] == (4, "d/renamed")
    assert gh.repos_to_look_up(links, known, settled) == ["e/failed"]


def test_link_papers_keeps_the_best_source_and_the_umbrella_flag_counts_the_whole_table():
    known = {"a/one": (1, "a/one"), "a/alias": (1, "a/one"), "b/two": (2, "b/two")}
    links = [
        ("2611.00001", "a/alias", "arxiv_abstract"),
        ("2611.00001", "a/one", "hf_github_repo"),  # same repository, better source
        ("2611.00002", "a/one", "arxiv_comment"),
        ("2611.00002", "x/unresolved", "hf_github_repo"),  # not known: no link
    ]
    linked = gh.link_papers(links, known)
    assert sorted((r["arxiv_id"], r["repo_id"], r["source"], r["linked_as"]) for r in linked) == [
        ("2611.00001", 1, "hf_github_repo", "a/one"),
        ("2611.00002", 1, "arxiv_comment", "a/one"),
    ]
    other = links_of(
        ("2601.00007", 1, "a/one", "a/one", "arxiv_comment"), ("2611.00001", 2, "b/two", "b/two", "arxiv_comment")
    )
    bridge = gh.rebuild_bridge(other, ["2611.00001", "2611.00002"], linked)
    # 2611.00001's old link to b/two is replaced; a/one is now linked from three papers: an umbrella
    assert bridge.select("arxiv_id", "repo_id", "is_umbrella").rows() == [
        ("2601.00007", 1, True),
        ("2611.00001", 1, True),
        ("2611.00002", 1, True),
    ]
    assert gh.rebuild_bridge(other, ["2611.00001", "2611.00002"], linked[:1]).get_column("is_umbrella").to_list() == [
        False,
        False,
    ]


def test_one_snapshot_per_utc_day_and_it_becomes_the_current_count():
    fct = stars((1, NOW.date(), None, 10, "snapshot"), (2, YESTERDAY.date(), None, 20, "snapshot"))
    due = gh.snapshots_due([1, 2, 3], fct, NOW)
    assert due == [2, 3]  # 2's snapshot is from yesterday (UTC), one hour ago
    snapshots = gh.snapshot_rows(
        due, {2: "b/two", 3: "c/three"}, {"b/two": {"stargazers_count": 25}, "c/three": None}, NOW
    )
    assert [(r["repo_id"], r["star_date"], r["stars_total"]) for r in snapshots] == [(2, NOW.date(), 25)]

    dim_repo = gh.add_repos(
        DIM_REPO.empty(),
        [
            dict(
                repo_id=i, full_name=n, created_at=None, language=None, license=None, stargazers_count=c, renamed=False
            )
            for i, n, c in [(1, "a/one", 10), (2, "b/two", 20)]
        ],
        YESTERDAY,
    )
    updated = gh.apply_snapshots(dim_repo, snapshots, NOW)
    assert updated.select("repo_id", "stargazers_count", "fetched_at").rows() == [(1, 10, YESTERDAY), (2, 25, NOW)]
    assert gh.apply_snapshots(dim_repo, [], NOW).equals(dim_repo)


def test_histories_due_once_a_utc_day_and_a_304_keeps_the_link():
    sync = gh.rows(
        REPO_HISTORY_SYNC,
        [
            dict(repo_id=1, etag='"e1"', link="<next>", pages_walked=3, synced_at=NOW),
            dict(repo_id=2, etag='"e2"', link="<next2>", pages_walked=1, synced_at=YESTERDAY),
        ],
    )
    due = gh.histories_due([1, 2, 3], sync, NOW)
    assert [(repo_id, previous and previous["etag"]) for repo_id, previous in due] == [(2, '"e2"'), (3, None)]
    previous = due[0][1]
    unchanged = gh.sync_row(2, History(etag='"e2"', not_modified=True, pages=1), previous, NOW)
    assert unchanged == dict(repo_id=2, etag='"e2"', link="<next2>", pages_walked=1, synced_at=NOW)
    walked = gh.sync_row(3, History(etag='"e3"', link="<last>", pages=2), None, NOW)
    assert walked["link"] == "<last>" and walked["pages_walked"] == 2


def week(sunday: dt.date, days: list[int]) -> dict:
    return {"week": int(dt.datetime(sunday.year, sunday.month, sunday.day, tzinfo=dt.UTC).timestamp()), "days": days}


def test_a_refresh_replaces_the_days_page_one_covers_and_anchors_every_total_again():
    sunday = dt.date(2026, 11, 22)
    old = stars(
        (1, dt.date(2026, 11, 1), 5, 95, "history_api"),
        (1, sunday, 1, 96, "history_api"),  # page 1 covers it again, with a new count
        (2, sunday, 7, 7, "history_api"),  # another repository: not read
    )
    # the current week's label is Sunday 29 Nov; 30 Nov has not begun in Pacific time, its count is dropped
    page_one = History(
        weeks=[week(dt.date(2026, 11, 29), [1, 4, 0, 0, 0, 0, 0]), week(sunday, [3, 0, 0, 0, 0, 0, 0])], pages=1
    )
    series = gh.history_series(1, page_one, True, old, 108, NOW)
    rows = series.filter(pl.col("stars_added") > 0).select("star_date", "stars_added", "stars_total").rows()
    assert rows == [(dt.date(2026, 11, 1), 5, 104), (sunday, 3, 107), (dt.date(2026, 11, 29), 1, 108)]
    assert series.get_column("star_date").max() == dt.date(2026, 11, 29)
    first_walk = gh.history_series(1, page_one, False, old, 108, NOW)
    assert dt.date(2026, 11, 1) not in first_walk.get_column("star_date").to_list()


def test_stargazers_asked_once_unless_pending():
    asked = status(
        ("github_stargazers", "1", "ok"),
        ("github_stargazers", "2", "restricted"),
        ("github_stargazers", "3", "pending"),
    )
    assert gh.stargazers_due([1, 2, 3, 4], asked) == [3, 4]
    times = [dt.datetime(2026, 11, 29, 7, 30, tzinfo=dt.UTC), dt.datetime(2026, 11, 29, 8, 30, tzinfo=dt.UTC)]
    series = gh.stargazer_series(3, times, 12, NOW)  # 07:30 UTC is still 28 Nov in Pacific time
    assert series.select("star_date", "stars_added", "stars_total", "source").rows() == [
        (dt.date(2026, 11, 28), 1, 11, "stargazers_api"),
        (dt.date(2026, 11, 29), 1, 12, "stargazers_api"),
    ]


def test_merge_replaces_a_series_whole_rebuilds_digest_counts_and_compares_them():
    entries = pl.DataFrame(
        {
            "digest_date": [dt.date(2026, 11, 2), dt.date(2026, 11, 2), dt.date(2026, 11, 3)],
            "arxiv_id": ["2611.00001", "2611.00002", "2611.00001"],
            "stars": [100, 50, 130],
        },
        schema_overrides={"stars": STG_DIGEST_ENTRIES.polars_schema["stars"]},
    )
    bridge = links_of(
        ("2611.00001", 1, "a/one", "a/one", "hf_github_repo"), ("2611.00002", 2, "b/two", "b/two", "arxiv_comment")
    )
    digest = gh.digest_counts(entries, bridge)  # only Hugging Face's own link carries its count
    assert digest.select("repo_id", "star_date", "stars_total", "source").rows() == [
        (1, dt.date(2026, 11, 2), 100, "digest"),
        (1, dt.date(2026, 11, 3), 130, "digest"),
    ]
    before = stars(
        (1, dt.date(2026, 10, 1), 1, 1, "history_api"),  # dropped: the new series replaces the old whole
        (1, dt.date(2026, 11, 1), 9, 999, "digest"),  # dropped: digest counts are rebuilt
        (2, dt.date(2026, 11, 1), 1, 1, "history_api"),  # kept: another repository
    )
    history = stars((1, dt.date(2026, 11, 2), 2, 102, "history_api"), (1, dt.date(2026, 11, 3), 3, 105, "history_api"))
    snapshot = dict(
        repo_id=1, star_date=NOW.date(), stars_added=None, stars_total=140, source="snapshot", observed_at=NOW
    )
    merged = gh.merge_stars(before, [history, FCT_REPO_STARS_DAILY.empty()], digest, [snapshot])
    assert merged.select("repo_id", "star_date", "source", "stars_total").rows() == [
        (1, dt.date(2026, 11, 2), "digest", 100),
        (1, dt.date(2026, 11, 2), "history_api", 102),
        (1, dt.date(2026, 11, 3), "digest", 130),
        (1, dt.date(2026, 11, 3), "history_api", 105),
        (1, NOW.date(), "snapshot", 140),
        (2, dt.date(2026, 11, 1), "history_api", 1),
    ]
    assert gh.merge_stars(merged, [], digest, [snapshot]).equals(merged)  # the same run again: no duplicates

    compared, disagree = gh.digest_vs_history(digest, merged)
    assert compared.select("star_date", "abs_diff").rows() == [(dt.date(2026, 11, 2), 2), (dt.date(2026, 11, 3), 25)]
    assert disagree.get_column("star_date").to_list() == [dt.date(2026, 11, 3)]  # 25 > max(5, 5% of 105)
