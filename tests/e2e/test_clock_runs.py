"""One clock (issue 11): every "what day is it" comes from transforms.clock, tested at its edges.

The instants (tests/conftest.py EDGE_INSTANTS) are where UTC, Pacific time and the machine's local
zone disagree about the day. Repositories and digests here are SYNTHETIC.
"""

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from papertrend.sources.http import RetryPolicy
from tests.conftest import EDGE_DAYS, EDGE_INSTANTS, query, run_cli
from tests.synthetic import digest_text, synthetic_entries, write_digest

pytestmark = pytest.mark.usefixtures("in_process_runs")

FAST = RetryPolicy(max_attempts=2, backoff_base_s=0.01, timeout_s=2.0)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["monday_0030_utc", "saturday_2359_pt", "new_year_utc"])
def test_github_pipeline_dates_snapshots_in_utc_and_history_in_pacific(
    name, capsys, tmp_path, fake_apis, pin_clock, local_zone
):
    """A real run: snapshots are dated the UTC day of observation, history days end at the Pacific day."""
    from papertrend.transforms.repos import normalise_repo
    from tests.fake_apis.seed import hf_paper
    from tests.helpers import abstract_repo, daily_lists, point_at

    local_zone("Asia/Shanghai")
    pin_clock(EDGE_INSTANTS[name])
    utc_day, pacific_day = (dt.date.fromisoformat(d) for d in EDGE_DAYS[name])
    server, base = fake_apis
    root = tmp_path / "digests"
    day = utc_day - dt.timedelta(days=2)
    write_digest(root, day, synthetic_entries(day, 3))
    server.daily = daily_lists(root)
    linked = {normalise_repo(hf_paper(f["arxiv_id"])["githubRepo"]) for f in server.daily[day]}
    linked |= {abstract_repo(f["arxiv_id"]) for f in server.daily[day]}
    for i, repo in enumerate(sorted(linked - {None})):
        server.github.add(repo, pacific_day - dt.timedelta(days=20 + 9 * i))
    point_at(base, github=True)
    os.environ["GITHUB_TOKEN"] = "ghp_SYNTHETIC0123456789"
    late = utc_day  # a digest for today (UTC) has not ended: the run stops at yesterday
    write_digest(root, late, synthetic_entries(late, 2))
    data = tmp_path / "data"
    code, out, err = run_cli(capsys, "run", "--digests", root, "--data-dir", data, "--no-progress")
    assert code == 0, err
    assert f"{late} has not ended yet (UTC)" in err
    db = data / "warehouse.duckdb"
    assert query(db, "SELECT count(*) FROM digest_files WHERE digest_date >= ?", [late]) == [(0,)]
    assert query(db, "SELECT DISTINCT star_date FROM fct_repo_stars_daily WHERE source = 'snapshot'") == [(utc_day,)]
    assert query(db, "SELECT max(star_date) FROM fct_repo_stars_daily WHERE source = 'history_api'") == [(pacific_day,)]
    mismatched = query(
        db,
        "SELECT d.full_name, sum(f.stars_added), any_value(d.stargazers_count) FROM fct_repo_stars_daily f "
        "JOIN dim_repo d USING (repo_id) WHERE f.source = 'history_api' GROUP BY ALL "
        "HAVING sum(f.stars_added) <> any_value(d.stargazers_count)",
    )
    assert mismatched == []
    expected = {r: server.github.total(server.github.repos[r]) for r in server.github.repos}
    assert dict(query(db, "SELECT full_name, stargazers_count FROM dim_repo")) == expected


def test_parse_names_each_file_as_given(capsys, tmp_path, monkeypatch):
    for folder, day in zip("ab", (dt.date(2026, 1, 1), dt.date(2026, 1, 2)), strict=True):
        target = tmp_path / folder / day.isoformat() / "x.md"
        target.parent.mkdir(parents=True)
        target.write_text(digest_text(day, synthetic_entries(day, 1)), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "parse", "a/2026-01-01/x.md", "b/2026-01-02/x.md", "--format", "jsonl")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["source_path"], r["digest_date"]) for r in rows] == [
        ("a/2026-01-01/x.md", "2026-01-01"),
        ("b/2026-01-02/x.md", "2026-01-02"),
    ]
    code, out, err = run_cli(capsys, "parse", "a", "b", "--format", "jsonl")
    assert [json.loads(line)["source_path"] for line in out.splitlines()] == ["a/2026-01-01/x.md", "b/2026-01-02/x.md"]


def test_run_keeps_source_path_relative_to_the_digests_folder(capsys, tmp_path):
    day = dt.date(2026, 2, 9)
    write_digest(tmp_path / "digests", day, synthetic_entries(day, 1))
    data = tmp_path / "data"
    assert run_cli(capsys, "run", "--digests", tmp_path / "digests", "--data-dir", data, "--no-progress")[0] == 0
    assert query(data / "warehouse.duckdb", "SELECT DISTINCT source_path FROM stg_digest_entries") == [
        ("output/2026-02-09/papers/papers_summary.md",)
    ]
    assert not Path(
        query(data / "warehouse.duckdb", "SELECT source_path FROM digest_files WHERE digest_date = ?", [day])[0][0]
    ).is_absolute()
