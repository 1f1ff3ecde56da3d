"""Source files told apart by content, trending lists, stats.json and paper notes (pure parsers and a
small pipeline run). Every file here is SYNTHETIC: repository names, numbers and titles are invented;
the layouts copy the real reports' shape (../shared/corpus/dailynews-repo), never their prose."""

import datetime as dt
import json

import pytest

from tests.conftest import day_checks, query, run_cli
from tests.synthetic import write_repo_tree

pytestmark = pytest.mark.usefixtures("in_process_runs")

DAY = dt.date(2026, 3, 10)


def test_repository_layout_run_lists_files_loads_trending_and_checks_stats(capsys, tmp_path):

    root = tmp_path / "clone"
    note_id = write_repo_tree(root)
    data = tmp_path / "data"
    code, out, _ = run_cli(capsys, "run", "--digests", root, "--data-dir", data, "--no-progress")
    assert code == 0 and "1 loaded, 0 empty, 0 no_digest, 0 rejected" in out and "2 loaded, 0 quarantined" in out
    db = data / "warehouse.duckdb"
    assert query(db, "SELECT kind, used FROM source_files ORDER BY kind") == [
        ("daily_report", False),
        ("github_trending", True),
        ("hacker_news", False),
        ("other", False),
        ("paper_digest", True),
        ("paper_note", True),
        ("stats_json", True),
    ]
    assert query(db, "SELECT count(*) FROM digest_quarantine") == [(0,)]
    assert query(db, "SELECT repo_full_name, stars_total, stars_today FROM stg_github_trending ORDER BY rank") == [
        ("synthetic-owner/alpha", 25956, 6223),
        ("synthetic-owner/beta", 1200, 80),
    ]
    assert query(db, "SELECT source, star_date, stars_total FROM repo_star_observations ORDER BY stars_total") == [
        ("trending", DAY, 1200),
        ("trending", DAY, 25956),
    ]
    assert query(db, "SELECT arxiv_id, in_digest, rank FROM paper_notes_linked") == [(note_id, True, 2)]
    [day] = day_checks(data).values()
    assert day["status"] == "SUCCEEDED"
    assert day["papers_match_stats_json"].startswith("passed: 2 papers")
    assert day["trending_matches_stats_json"].startswith("passed: 2 repositories")
    assert day["trending_read"] == "passed: 2 repositories read from the trending list"

    # a stats.json that disagrees fails the check; a re-run replaces the day (idempotent)
    stats_path = root / "output" / DAY.isoformat() / "stats.json"
    stats = json.loads(stats_path.read_text())
    stats["papers"]["count"] = 3
    stats_path.write_text(json.dumps(stats))
    assert run_cli(capsys, "run", "--digests", root, "--data-dir", data, "--no-progress")[0] == 0
    [day] = day_checks(data).values()  # says by how much, and where
    assert (day["status"], day["severity"]) == ("FAILED", "ERROR")
    assert day["papers_match_stats_json"] == (f"FAILED: output/{DAY}/stats.json: papers.count 3, loaded 2 (-1)"), day
    assert query(db, "SELECT count(*) FROM stg_github_trending") == [(2,)] and query(
        db, "SELECT count(*) FROM source_files"
    ) == [(7,)]
