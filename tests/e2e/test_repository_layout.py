"""Source files told apart by content, trending lists, stats.json and paper notes (pure parsers and a
small pipeline run). Every file here is SYNTHETIC: repository names, numbers and titles are invented;
the layouts copy the real reports' shape (../shared/corpus/dailynews-repo), never their prose."""

import datetime as dt
import json

from tests.conftest import day_checks, query, run_cli
from tests.synthetic import synthetic_entries, write_digest

DAY = dt.date(2026, 3, 10)

TRENDING = """# GitHub 热门项目 | 2026-03-10

## 📊 今日榜单

### 1. synthetic-owner/alpha
**分类**: SYNTHETIC | **语言**: Python | **Stars**: 25956 | **今日**: +6223
**链接**: https://github.com/synthetic-owner/alpha

**摘要**: SYNTHETIC placeholder.

---

### 2. synthetic-owner/beta
**语言**: Rust | **Stars**: 1,200 | **今日**: +80
**链接**: https://github.com/synthetic-owner/beta

---
"""


def _repo_tree(root):
    """SYNTHETIC clone of the source repository's layout."""
    day_dir = root / "output" / DAY.isoformat()
    write_digest(root, DAY, synthetic_entries(DAY, 2))
    (day_dir / "github_trending.md").write_text(TRENDING, encoding="utf-8")
    (day_dir / "hacker_news.md").write_text("# Hacker News Top 30 | 2026-03-10\n\n### 1. SYNTHETIC\n", encoding="utf-8")
    (day_dir / "daily_report.md").write_text("# AI 每日情报 | 2026-03-10\n\n### 1. SYNTHETIC\n", encoding="utf-8")
    note_id = synthetic_entries(DAY, 2)[1].arxiv_id
    (day_dir / "papers" / f"papers_note_{note_id}.md").write_text(
        "# Synthetic note\n\n**arXiv ID**: x\n", encoding="utf-8"
    )
    scores = [float(e.score) for e in synthetic_entries(DAY, 2)]
    (day_dir / "stats.json").write_text(
        json.dumps(
            {
                "date": DAY.isoformat(),
                "github": {"total_stars_today": 6303, "repo_count": 2},
                "papers": {"total_score": round(sum(scores), 2), "count": 2},
            }
        ),
        encoding="utf-8",
    )
    plans = root / "docs" / "plans"
    plans.mkdir(parents=True)
    (plans / f"{DAY}-synthetic-design.md").write_text("# Synthetic design\n\n### 1. step\n", encoding="utf-8")
    (root / "README.md").write_text("# Synthetic repository\n", encoding="utf-8")
    return note_id


def test_repository_layout_run_lists_files_loads_trending_and_checks_stats(capsys, tmp_path):

    root = tmp_path / "clone"
    note_id = _repo_tree(root)
    data = tmp_path / "data"
    code, out, _ = run_cli(capsys, "run", "--digests", root, "--data-dir", data, "--no-progress")
    assert code == 0 and "1 loaded, 0 empty, 0 missing, 0 rejected" in out and "2 loaded, 0 quarantined" in out
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
