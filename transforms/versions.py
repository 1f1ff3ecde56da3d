"""Every published version of each day's digest, from a source's history, merged with what was recorded before.

Pure: the versions come in as (date, path, commit, time, bytes or None for a deletion); the tables come out.
A version a force-push removed from the history stays, marked ``in_history`` false; the entries of every
version are kept (facts only) under its content hash, so what a re-publication changed can be compared.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

import polars as pl

from ..schemas import DIGEST_ENTRY_VERSIONS, DIGEST_VERSIONS, TRENDING_ENTRY_VERSIONS, TRENDING_VERSIONS
from .day_files import parse_trending
from .digest_parser import parse_digest

ENTRY_FACTS = ("rank", "arxiv_id", "title_en", "org_raw", "score", "tags", "upvotes", "stars")
# what a recorded version keeps when the source no longer has it; the rest is worked out again
RECORDED = ("digest_date", "source_path", "commit", "committed_at", "content_sha256", "entries", "quarantined")
TRENDING_FACTS = ("rank", "repo_full_name", "language", "stars_total", "stars_today")


@dataclass(frozen=True)
class Published:
    """One version of a day's digest as the source shows it; ``data`` None when the commit deleted the file."""

    digest_date: dt.date
    source_path: str
    commit: str | None
    committed_at: dt.datetime | None
    data: bytes | None


def _read(version: Published, kind: str) -> tuple[dict, list[dict]]:
    if version.data is None:
        row = {"content_sha256": None, "entries": 0, "quarantined": 0}
        return row, []
    sha = hashlib.sha256(version.data).hexdigest()
    facts: tuple[str, ...]
    if kind == "github_trending":
        trending = parse_trending(version.data, version.source_path, version.digest_date)
        rows, facts, unreadable = trending.rows, TRENDING_FACTS, len(trending.errors)
    else:
        digest = parse_digest(version.data, version.source_path, version.digest_date)
        rows, facts, unreadable = digest.entries, ENTRY_FACTS, len(digest.quarantine)
    entries = [{"digest_date": version.digest_date, "content_sha256": sha, **{k: e[k] for k in facts}} for e in rows]
    return {"content_sha256": sha, "entries": len(entries), "quarantined": unreadable}, entries


# the two kinds of file whose versions are kept: (versions table, entries table)
TABLES_OF = {
    "paper_digest": (DIGEST_VERSIONS, DIGEST_ENTRY_VERSIONS),
    "github_trending": (TRENDING_VERSIONS, TRENDING_ENTRY_VERSIONS),
}


def version_tables(
    published: list[Published], recorded: pl.DataFrame, recorded_entries: pl.DataFrame, kind: str = "paper_digest"
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(versions, entries) of one kind of file (TABLES_OF): the source's versions, plus every recorded one it no
    longer has.

    ``published`` is the source's whole history of digest files, oldest first (a plain folder: its current
    files). What was recorded before and is not in it any more (rewritten by a force-push, or a folder's file
    replaced) is kept, before the source's versions of the same day, with ``in_history`` false.
    """
    rows, entries = [], []
    seen = set()
    for version in published:
        row, version_entries = _read(version, kind)
        key = (version.digest_date, version.source_path, version.commit, row["content_sha256"])
        if key in seen:  # a folder read twice in one call: the same version once
            continue
        seen.add(key)
        rows.append(
            {
                "digest_date": version.digest_date,
                "source_path": version.source_path,
                "commit": version.commit,
                "committed_at": version.committed_at,
                **row,
                "in_history": True,
            }
        )
        entries.extend(version_entries)
    kept = []
    for old in recorded.iter_rows(named=True):
        key = (old["digest_date"], old["source_path"], old["commit"], old["content_sha256"])
        if key not in seen:
            seen.add(key)
            kept.append({k: old[k] for k in RECORDED} | {"in_history": False})
    ordered = sorted(
        [(0, i, r) for i, r in enumerate(kept)] + [(1, i, r) for i, r in enumerate(rows)],
        key=lambda t: (t[2]["digest_date"], t[0], t[1]),
    )
    out: list[dict] = []
    by_day: dict[dt.date, list[dict]] = {}
    for _, _, row in ordered:
        by_day.setdefault(row["digest_date"], []).append(row)
    for day_rows in by_day.values():
        live = [r for r in day_rows if r["in_history"]]
        published_before = False
        for number, row in enumerate(day_rows, start=1):
            row["version"] = number
            deleted = row["content_sha256"] is None
            row["change"] = "deleted" if deleted else ("republished" if published_before else "published")
            published_before = published_before or not deleted
        for earlier, later in zip(live, live[1:], strict=False):
            earlier["superseded_by"] = later["commit"]
        for row in day_rows:
            row.setdefault("superseded_by", None)
            row["is_current"] = bool(live) and row is live[-1] and row["content_sha256"] is not None
        out.extend(day_rows)
    versions_table, entries_table = TABLES_OF[kind]
    versions = pl.DataFrame(out, schema=versions_table.polars_schema) if out else versions_table.empty()
    known = {e["content_sha256"] for e in entries}
    old_entries = recorded_entries.filter(~pl.col("content_sha256").is_in(list(known)))
    new_entries = pl.DataFrame(entries, schema=entries_table.polars_schema)
    all_entries = pl.concat([old_entries.select(new_entries.columns), new_entries]).unique(
        keep="first", maintain_order=True
    )
    return versions.select(list(versions_table.polars_schema)), all_entries
