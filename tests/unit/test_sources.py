"""Source files told apart by content, trending lists, stats.json and paper notes (pure parsers and a
small pipeline run). Every file here is SYNTHETIC: repository names, numbers and titles are invented;
the layouts copy the real reports' shape (../shared/corpus/dailynews-repo), never their prose."""

import datetime as dt

import pytest

from papertrend.transforms.day_files import (
    parse_trending,
    read_stats,
    stats_agree_with_papers,
    trending_pairs,
    trending_tolerance,
)
from papertrend.transforms.discovery import classify, discover_digests, scan_sources
from tests.synthetic import TRENDING, digest_text, synthetic_entries, write_repo_tree

DAY = dt.date(2026, 3, 10)


def test_classify_by_content_not_by_name():
    assert classify("papers_summary.md", digest_text(DAY, synthetic_entries(DAY, 1)).encode())[0] == "paper_digest"
    assert classify("x.md", ("\ufeff" + digest_text(None, [])).encode())[0] == "paper_digest"  # empty day, BOM
    assert classify("github_trending.md", TRENDING.encode()) == ("github_trending", DAY, None)
    assert classify("hacker_news.md", b"# Hacker News Top 30 | 2026-03-10\n\n## SYNTHETIC\n") == (
        "hacker_news",
        DAY,
        None,
    )
    assert classify("daily_report.md", b"# AI \xe6\xaf\x8f\xe6\x97\xa5\xe6\x83\x85\xe6\x8a\xa5 | 2026-03-10\n") == (
        "daily_report",
        DAY,
        None,
    )
    # a note carries digest-like fields, yet is a note
    note = "# Synthetic Paper\n\n**arXiv ID**: 2603.00001\n**组织**: Synthetic Lab\n"
    assert classify("papers_note_2603.00001.md", note.encode())[0] == "paper_note"
    # a digest named like a report is still a digest; a report named like a digest is still a report
    assert classify("github_trending.md", digest_text(DAY, synthetic_entries(DAY, 1)).encode())[0] == "paper_digest"
    assert classify("papers_summary.md", TRENDING.encode())[0] == "github_trending"
    # a damaged title line: the entry layout still says digest (the parser then rejects it, saying why)
    damaged = digest_text(DAY, synthetic_entries(DAY, 2)).replace("# 每日论文汇总 - ", "# 每日论 ", 1)
    assert classify("2026-03-10.md", damaged.encode())[0] == "paper_digest"
    assert classify("2026-03-10.md", b"# Plan\n\n- **\xe5\xbe\x97\xe5\x88\x86**: in a bullet\n") == (
        "other",
        None,
        None,
    )
    assert classify("a.md", b"\x89PNG\x00") == ("other", None, "not valid UTF-8: byte 0x89 at offset 0")
    assert classify("a.md", b"  \n") == ("other", None, "empty file")
    assert classify("stats.json", b"{}")[0] == "stats_json"


@pytest.mark.parametrize("where", ["root", "output", "day"])
def test_discovery_at_repo_root_output_or_one_day(tmp_path, where):
    write_repo_tree(tmp_path)
    folder = {"root": tmp_path, "output": tmp_path / "output", "day": tmp_path / "output" / DAY.isoformat()}[where]
    digests = discover_digests(folder)
    assert list(digests) == [DAY] and digests[DAY].conflict is None
    assert digests[DAY].path == tmp_path / "output" / DAY.isoformat() / "papers" / "papers_summary.md"
    counts = scan_sources(folder).counts()
    assert counts["github_trending"] == counts["hacker_news"] == counts["daily_report"] == counts["paper_note"] == 1
    assert counts["other"] == {"root": 2, "output": 0, "day": 0}[where]  # the plan and the README


def test_parse_trending_reads_numbers_only():
    parsed = parse_trending(TRENDING.encode(), "g.md", DAY)
    assert parsed.errors == [] and parsed.heading_count == 2
    assert [
        (r["rank"], r["repo_full_name"], r["language"], r["stars_total"], r["stars_today"], r["source_line"])
        for r in parsed.rows
    ] == [(1, "synthetic-owner/alpha", "Python", 25956, 6223, 5), (2, "synthetic-owner/beta", "Rust", 1200, 80, 13)]
    assert "SYNTHETIC placeholder" not in repr(parsed.rows)


def test_parse_trending_names_file_line_and_field():
    bad = TRENDING.replace("**今日**: +80", "**今日**: lots").replace(
        "### 1. synthetic-owner/alpha", "### 1. not a repo"
    )
    bad = bad.replace("https://github.com/synthetic-owner/beta", "https://github.com/synthetic-owner/gamma")
    parsed = parse_trending(bad.encode(), "g.md", DAY)
    assert parsed.rows == []
    assert parsed.errors == [
        "g.md line 5, heading: expected '### N. owner/name', found '### 1. not a repo'",
        "g.md line 14, stars_today: 'lots' is not a whole number",
        "g.md line 15, link: points at synthetic-owner/gamma, the heading names synthetic-owner/beta",
    ]


def test_stats_json_and_agreement():
    stats = read_stats(
        b'{"papers": {"total_score": 101.25, "count": 2}, "github": {"total_stars_today": 5, "repo_count": 1}}',
        "s.json",
    )
    assert (
        stats.papers_count,
        stats.papers_total_score,
        stats.github_repo_count,
        stats.github_stars_today,
        stats.error,
    ) == (2, 101.25, 1, 5, None)
    assert (
        stats_agree_with_papers(stats, 2, 101.25)
        and not stats_agree_with_papers(stats, 2, 101.27)
        and not stats_agree_with_papers(stats, 3, 101.25)
    )
    assert read_stats(b'{"github": {}}', "s.json").papers_count is None
    assert read_stats(b"{", "s.json").error.startswith("s.json: not JSON")
    assert (
        read_stats(b'{"papers": {"count": "two"}}', "s.json").error
        == "s.json: papers.count: 'two' is not a whole number"
    )


def test_consecutive_day_pairs_and_tolerance():
    assert trending_tolerance(10) == 50 and trending_tolerance(6223) == 3111
    before = [
        {"repo_full_name": "Synthetic/A", "stars_total": 1000},
        {"repo_full_name": "synthetic/b", "stars_total": 10},
    ]
    after = [
        {"repo_full_name": "synthetic/a", "stars_total": 1900, "stars_today": 1000},
        {"repo_full_name": "synthetic/b", "stars_total": 5000, "stars_today": 100},
        {"repo_full_name": "synthetic/c", "stars_total": 7, "stars_today": 7},
    ]
    pairs = trending_pairs(before, after)
    assert [(p["repo_full_name"], p["total_change"], p["difference"], p["agrees"]) for p in pairs] == [
        ("synthetic/a", 900, -100, True),
        ("synthetic/b", 4990, 4890, False),
    ]
