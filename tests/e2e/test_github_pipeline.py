"""GitHub repositories and star histories through real Dagster runs against the fake services.
Digests and repositories are SYNTHETIC."""

import datetime as dt
import math
import os

import polars as pl
import pytest

from papertrend.transforms.repos import normalise_repo
from tests.conftest import query, run_cli
from tests.fake_apis.seed import hf_paper
from tests.helpers import abstract_repo, daily_lists, point_at
from tests.synthetic import synthetic_entries, write_digest

pytestmark = pytest.mark.usefixtures("in_process_runs")

DAYS = [dt.date(2026, 3, 2) + dt.timedelta(days=i) for i in range(3)]


def setup_world(tmp_path, server, base):
    root = tmp_path / "digests"
    for day in DAYS:
        write_digest(root, day, synthetic_entries(day, 15))
    server.daily = daily_lists(root)
    repos = set()
    for facts in server.daily.values():
        for fact in facts:
            repos.add(normalise_repo(hf_paper(fact["arxiv_id"])["githubRepo"]))
            repos.add(abstract_repo(fact["arxiv_id"]))
    repos.discard(None)
    for i, name in enumerate(sorted(repos)):
        server.github.add(name, server.github.today - dt.timedelta(days=150 + 23 * i))  # up to ~5 history pages
    point_at(base, github=True)
    os.environ["GITHUB_TOKEN"] = "ghp_SYNTHETICtoken0123456789abcdefABCDEF"
    return root, sorted(repos)


def test_repositories_resolved_histories_walked_and_refreshed(capsys, tmp_path, fake_apis):
    server, base = fake_apis
    root, repos = setup_world(tmp_path, server, base)
    missing = repos[0]
    renamed = repos[1]
    server.github.repos.pop(missing)
    server.github.rename(renamed, "moved-org/" + renamed.split("/")[1])
    data = tmp_path / "data"
    args = ["run", "--digests", root, "--data-dir", data, "--no-progress"]
    code, out, err = run_cli(capsys, *args)
    assert code == 0, err
    db = data / "warehouse.duckdb"

    found = len(repos) - 1
    assert query(db, "SELECT count(*) FROM dim_repo") == [(found,)]
    assert server.counts["gh_graphql"] == math.ceil(found / 100)
    expected_pages = sum(math.ceil(len(server.github.weeks(r)) / 30) for r in server.github.repos.values())
    assert server.counts["gh_history"] == expected_pages
    assert query(db, "SELECT status FROM enrichment_status WHERE source = 'github_repo' AND key = ?", [missing]) == [
        ("not_found",)
    ]
    [(full_name, linked_as)] = query(
        db, "SELECT DISTINCT repo_full_name, linked_as FROM bridge_paper_repo WHERE linked_as = ?", [renamed]
    )
    assert full_name.startswith("moved-org/")
    # every paper whose data names an existing repository has a bridge row, and no other paper does
    names = dict(query(db, "SELECT arxiv_id, list(DISTINCT lower(linked_as)) FROM bridge_paper_repo GROUP BY ALL"))
    for (arxiv_id,) in query(db, "SELECT DISTINCT arxiv_id FROM stg_digest_entries"):
        candidates = {normalise_repo(hf_paper(arxiv_id)["githubRepo"]), abstract_repo(arxiv_id)} - {None, missing}
        assert {c.lower() for c in candidates} == set(names.get(arxiv_id, [])), arxiv_id
    assert query(
        db,
        "SELECT count(*) FROM (SELECT repo_id, count(DISTINCT arxiv_id) n, bool_or(is_umbrella) u "
        "FROM bridge_paper_repo GROUP BY ALL) WHERE u <> (n >= 3)",
    ) == [(0,)]
    # history totals are anchored on the current count; snapshots are dated the day they were observed
    assert query(
        db,
        "SELECT count(*) FROM fct_repo_stars_daily h JOIN dim_repo d USING (repo_id) "
        "WHERE h.source = 'history_api' AND h.star_date = (SELECT max(star_date) FROM fct_repo_stars_daily x "
        "WHERE x.repo_id = h.repo_id AND x.source = 'history_api') "
        "AND h.stars_total <> d.stargazers_count",
    ) == [(0,)]
    assert query(
        db,
        "SELECT count(*) FROM fct_repo_stars_daily "
        "WHERE source = 'snapshot' AND star_date <> CAST(observed_at AT TIME ZONE 'UTC' AS DATE)",
    ) == [(0,)]
    assert query(
        db,
        "SELECT count(*) FROM fct_repo_stars_daily "
        "WHERE source = 'digest' AND star_date NOT IN (SELECT digest_date FROM stg_digest_entries)",
    ) == [(0,)]
    assert (
        query(
            db, "SELECT count(*) FROM enrichment_status WHERE source = 'github_stargazers' AND status = 'restricted'"
        )[0][0]
        == found
    )
    # the best-source view keeps one row per repository and day; the comparison view pairs digest and history
    assert query(
        db, "SELECT count(*) FROM (SELECT repo_id, star_date FROM repo_stars_best GROUP BY ALL HAVING count(*) > 1)"
    ) == [(0,)]
    assert query(
        db,
        "SELECT count(*) FROM repo_stars_best b WHERE b.source <> 'history_api' AND EXISTS (SELECT 1 FROM "
        "fct_repo_stars_daily h WHERE h.source = 'history_api' AND h.repo_id = b.repo_id "
        "AND h.star_date = b.star_date)",
    ) == [(0,)]
    # paper_momentum: stars gained after a paper's first appearance, recomputed here from the best daily totals
    momentum = query(
        db,
        "SELECT arxiv_id, first_digest_date, repo_full_name, stars_gained_7d, stars_gained_30d FROM paper_momentum "
        "WHERE momentum_status = 'ok'",
    )
    assert momentum
    for arxiv_id, first, repo, gained_7d, gained_30d in momentum[:5]:
        totals = dict(
            query(
                db,
                "SELECT b.star_date, b.stars_total FROM repo_stars_best b JOIN dim_repo d USING (repo_id) WHERE "
                "d.full_name = ?",
                [repo],
            )
        )

        def at(day, totals=totals):  # bound now: the helper belongs to this repository's totals
            return totals[max(d for d in totals if d <= day)]

        assert gained_7d == at(first + dt.timedelta(days=7)) - at(first), arxiv_id
        assert gained_30d == at(first + dt.timedelta(days=30)) - at(first), arxiv_id
    compared = query(db, "SELECT count(*) FROM digest_vs_history_stars")[0][0]
    assert (
        compared
        == query(
            db,
            "SELECT count(*) FROM fct_repo_stars_daily d WHERE source = 'digest' AND EXISTS "
            "(SELECT 1 FROM fct_repo_stars_daily h "
            "WHERE h.source = 'history_api' AND h.repo_id = d.repo_id AND h.star_date = d.star_date)",
        )[0][0]
    )

    before = {t: query(db, f"SELECT * EXCLUDE (observed_at) FROM {t} ORDER BY ALL") for t in ("fct_repo_stars_daily",)}
    server.reset_counts()
    assert run_cli(capsys, *args)[0] == 0  # same day again: everything cached
    assert sum(v for k, v in server.counts.items() if k.startswith("gh_")) == 0
    assert {t: query(db, f"SELECT * EXCLUDE (observed_at) FROM {t} ORDER BY ALL") for t in before} == before

    # the next day: page 1 asked conditionally, 304 for all; then a new star appears after its refresh
    sync = data / "lake" / "repo_history_sync" / "data.parquet"
    pl.read_parquet(sync).with_columns(pl.col("synced_at") - dt.timedelta(days=1)).write_parquet(sync)
    server.reset_counts()
    assert run_cli(capsys, *args)[0] == 0
    assert server.counts["gh_history"] == found and server.counts["gh_graphql"] == 0
    assert (
        query(db, "SELECT * EXCLUDE (observed_at) FROM fct_repo_stars_daily ORDER BY ALL")
        == before["fct_repo_stars_daily"]
    )
    starred = sorted(server.github.repos)[3]
    server.github.add_star(starred)
    pl.read_parquet(sync).with_columns(pl.col("synced_at") - dt.timedelta(days=1)).write_parquet(sync)
    assert run_cli(capsys, *args)[0] == 0
    [(added,)] = query(
        db,
        "SELECT sum(stars_added) FROM fct_repo_stars_daily f JOIN dim_repo d USING (repo_id) "
        "WHERE d.full_name = ? AND f.source = 'history_api'",
        [starred],
    )
    assert added == server.github.total(server.github.repos[starred])
