"""Helpers more than one test layer uses: pointing the services at the fake server, what it serves, the
expected definitions, reading back rendered digests and whole databases."""

import datetime as dt
import hashlib
import os
from pathlib import Path

import polars as pl
import psycopg2

from papertrend.orchestration.instance import ENV_POSTGRES_URL
from papertrend.schemas import STG_DIGEST_ENTRIES
from papertrend.transforms.digest_parser import parse_digest
from papertrend.transforms.discovery import discover_digests
from papertrend.transforms.scoring import decompose
from tests.conftest import query
from tests.fake_apis.seed import left_out_papers


def point_at(base: str, interval: float = 0.0, github: bool = False) -> None:
    """Every service at the fake server; GitHub enrichment only where the test is about it."""
    os.environ.update(
        PAPERTREND_GITHUB="on" if github else "off",
        ARXIV_API_URL=f"{base}/api/query",
        HF_API_URL=base,
        GITHUB_API_URL=base,
        ARXIV_MIN_INTERVAL_S=str(interval),
        HF_MIN_INTERVAL_S=str(interval),
        PAPERTREND_BACKOFF_BASE_S="0.01",
        PAPERTREND_HTTP_TIMEOUT_S="2",
        PAPERTREND_OFFLINE="0",
    )


def daily_lists(digests_dir, left_out: int = 0) -> dict[dt.date, list[dict]]:
    """What the fake Hugging Face lists each day: the digest's own papers and counts, with the comment
    count the printed score implies (so the formula gives the printed score back), then ``left_out``
    SYNTHETIC papers that the digest would not print (tests/fake_apis/seed.py)."""
    lists = {}
    for day, source in discover_digests(digests_dir).items():
        parsed = parse_digest(source.path.read_bytes(), source.relative_path, day)
        comments = [None] * len(parsed.entries)
        if parsed.entries:
            frame = STG_DIGEST_ENTRIES.conform(pl.DataFrame(parsed.entries, schema=STG_DIGEST_ENTRIES.polars_schema))
            comments = decompose(frame).get_column("implied_comments").to_list()
        lists[day] = [
            {
                "arxiv_id": e["arxiv_id"],
                "title": e["title_en"],
                "org": e["org_raw"],
                "upvotes": e["upvotes"],
                "stars": e["stars"],
            }
            | ({"comments": c} if c is not None else {})
            for e, c in zip(parsed.entries, comments, strict=True)
        ] + left_out_papers(day, left_out)
    return lists


PINNED = "2026-11-30T12:00:00Z"


def everything(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table and view of the analyst database, in a stable order."""
    names = [
        row[0]
        for row in query(
            db,
            "SELECT table_name FROM duckdb_tables() WHERE NOT internal AND table_name <> 'warehouse_info' "
            "UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal",
        )
    ]
    return {name: sorted(query(db, f'SELECT * FROM "{name}"'), key=repr) for name in names}


# Prose (never rendered) and where a record was read from: everything else must come back.
NOT_RENDERED = ("title_zh", "summary_zh", "highlights", "raw_text", "source_line", "source_sha256")


def facts(entries: list[dict]) -> list[dict]:
    return [{k: v for k, v in e.items() if k not in NOT_RENDERED} for e in entries]


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


EXPECTED_ASSETS = {
    "digest_day",
    "digest_versions",
    "digest_entry_versions",
    "trending_versions",
    "trending_entry_versions",
    "stg_digest_entries",
    "digest_quarantine",
    "digest_files",
    "dim_paper",
    "stg_hf_daily_papers",
    "enrichment_status_arxiv",
    "enrichment_status_hf",
    "enrichment_status_github",
    "bridge_paper_repo",
    "dim_repo",
    "fct_repo_stars_daily",
    "repo_history_sync",
    "analyst_warehouse",
    "dim_org",
    "dim_topic",
    "bridge_paper_topic",
    "fct_paper_appearances",
    "fct_lab_tier_changes",
    "fct_selection_audit",
    "fct_derived_selection",
    "trend_report",
    "source_files",
    "stg_github_trending",
    "paper_notes",
}


# one asset per digest date writes the days' own tables; they, and everything else, are whole-history assets
PER_DAY = {"digest_day"}


EXPECTED_CHECKS = {
    ("digest_day", "day_checks"),
    ("dim_paper", "papers_enriched"),
    ("fct_selection_audit", "selection_reproduced"),
    ("fct_repo_stars_daily", "digest_vs_history"),
    ("dim_org", "orgs_reviewed"),
    ("bridge_paper_topic", "topic_coverage"),
    ("fct_paper_appearances", "scores_explained"),
}


def abstract_repo(arxiv_id: str) -> str:
    """The repository the fake arXiv's SYNTHETIC abstract links (see tests/fake_apis/seed.py)."""
    return f"synthetic-lab/repo-{int(hashlib.sha256(arxiv_id.encode()).hexdigest()[:12], 16) % 997}"


def online(base: str, postgres_url: str, **settings: str) -> dict:
    """The environment of a `papertrend run` on the team instance, enrichment at the fake services."""
    return os.environ | {
        ENV_POSTGRES_URL: postgres_url,
        "PAPERTREND_OFFLINE": "0",
        "PAPERTREND_GITHUB": "off",
        "HF_API_URL": base,
        "ARXIV_API_URL": f"{base}/api/query",
        **settings,
    }


def pg_rows(url: str, sql: str) -> list[tuple]:
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        connection.close()
