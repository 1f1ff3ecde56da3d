"""A day's checks as plain findings, folded into one result (transforms/day_checks.py). SYNTHETIC values."""

import datetime as dt

import polars as pl

from papertrend.schemas import DIGEST_QUARANTINE, STG_DIGEST_ENTRIES, STG_GITHUB_TRENDING
from papertrend.transforms import day_checks
from papertrend.transforms.day_checks import Finding
from papertrend.transforms.day_files import Stats

DAY = dt.date(2026, 4, 8)


def _file_row(status="loaded", parsed=3, quarantined=0, declared=3):
    return {
        "status": status,
        "source_path": f"output/{DAY}/papers/papers_summary.md" if status != "no_digest" else None,
        "parsed_count": parsed,
        "quarantined_count": quarantined,
        "declared_count": declared,
        "status_reason": None,
    }


def _entries(scores: list[float]) -> pl.DataFrame:
    return pl.DataFrame({"score": scores}, schema={"score": pl.Float64})


def test_fold_passes_a_day_without_input_and_names_the_first_failure():
    nothing = day_checks.fold(DAY, [None, None], "no digest")
    assert (nothing.passed, nothing.error, nothing.summary) == (True, False, f"{DAY}: nothing to check (no digest)")
    warn = Finding("a", False, "off by one", warn_only=True)
    error = Finding("b", False, "off by two")
    folded = day_checks.fold(DAY, [Finding("ok", True, "fine"), warn, None, error], "no digest")
    assert (folded.passed, folded.error) == (False, True)
    assert folded.summary == f"{DAY}: 1 of 3 checks passed; a: off by one (and 1 more failing)"
    only_warnings = day_checks.fold(DAY, [warn], "no digest")
    assert (only_warnings.passed, only_warnings.error) == (False, False)


def test_entries_loaded_says_where_entries_went_and_skips_days_without_a_digest():
    assert day_checks.entries_loaded(_file_row("no_digest", 0, 0, None), DIGEST_QUARANTINE.empty(), 0) is None
    clean = day_checks.entries_loaded(_file_row(), DIGEST_QUARANTINE.empty(), 0)
    assert (
        clean.passed and clean.line == f"3 entries loaded from output/{DAY}/papers/papers_summary.md, none quarantined"
    )
    quarantine = pl.DataFrame(
        {"source_line": [17], "reason": ["score (line 21): 'n/a' is not a number"]},
    )
    bad = day_checks.entries_loaded(_file_row(parsed=2, quarantined=1, declared=4), quarantine, 0)
    assert not bad.passed and bad.warn_only
    assert bad.line == (
        f"2 of 3 entries loaded; 1 quarantined in output/{DAY}/papers/papers_summary.md: line 17: score (line 21): "
        f"'n/a' is not a number; output/{DAY}/papers/papers_summary.md declares 4 papers (论文数量), 3 found (-1)"
    )


def test_papers_against_stats_json_by_how_much():
    stats_path = f"output/{DAY}/stats.json"
    agree = day_checks.papers_agree_with_stats(
        Stats(papers_count=2, papers_total_score=60.5), stats_path, _entries([30.25, 30.25])
    )
    assert agree.passed and agree.line == f"2 papers, total score 60.50, as {stats_path}"
    off = day_checks.papers_agree_with_stats(
        Stats(papers_count=2, papers_total_score=606.91), stats_path, _entries([300.0, 307.41])
    )
    assert not off.passed and not off.warn_only
    assert off.line == f"{stats_path}: papers.total_score 606.91, loaded 607.41 (+0.50)"
    assert day_checks.papers_agree_with_stats(None, None, _entries([1.0])) is None  # no stats.json: nothing to check
    assert day_checks.papers_agree_with_stats(Stats(github_repo_count=3), stats_path, _entries([1.0])) is None


def test_trending_checks():
    rows = pl.DataFrame(
        [
            {"repo_full_name": "synthetic-owner/alpha", "stars_total": 1_000, "stars_today": 100},
            {"repo_full_name": "synthetic-owner/beta", "stars_total": 5_000, "stars_today": 10},
        ]
    )
    assert day_checks.trending_read(0, [], 0) is None
    unread = day_checks.trending_read(1, ["line 9, stars: 'many' is not a number"], 1)
    assert not unread.passed and "line 9, stars" in unread.line
    stats = day_checks.trending_agrees_with_stats(Stats(github_repo_count=2, github_stars_today=120), rows)
    assert not stats.passed and stats.line == "stats.json: github.total_stars_today 120, summed 110"
    before = pl.DataFrame([{"repo_full_name": "synthetic-owner/alpha", "stars_total": 300, "stars_today": 80}])
    moved = day_checks.trending_consecutive(before, rows)
    assert not moved.passed and moved.warn_only
    assert moved.line.startswith("1 of 1 disagree with the day before: synthetic-owner/alpha: total +700, gain +100")
    assert day_checks.trending_consecutive(None, rows) is None


def test_contract_failures_are_located():
    failures = pl.DataFrame(
        {"index": [4], "column": ["tags"], "check": ["isin"], "failure_case": ["Synthetic Tag"]},
    )
    found = day_checks.matches_contract(STG_DIGEST_ENTRIES, failures, 5)
    assert not found.passed and found.line == (
        "1 contract failure in stg_digest_entries: row 4, tags: isin (found Synthetic Tag)"
    )
    assert (
        day_checks.matches_contract(STG_GITHUB_TRENDING, None, 2).line
        == "2 rows of stg_github_trending match its contract"
    )


def test_a_finding_that_could_not_be_checked_passes_without_counting():
    not_checked = Finding("digest_reproducible", True, "no Hugging Face list for the day", True, checked=False)
    assert not_checked.shown == "not checked: no Hugging Face list for the day"
    assert Finding("a", False, "off").shown == "FAILED: off" and Finding("a", True, "fine").shown == "passed: fine"
    only = day_checks.fold(DAY, [not_checked], "no digest")
    assert (only.passed, only.summary) == (True, f"{DAY}: nothing to check (no digest)")
    with_one = day_checks.fold(DAY, [not_checked, Finding("b", True, "fine")], "no digest")
    assert with_one.summary == f"{DAY}: 1 check passed" and len(with_one.findings) == 2
