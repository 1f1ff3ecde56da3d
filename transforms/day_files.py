"""The files beside a day's digest, read for facts only: trending repositories' stars, stats.json, paper notes.

Pure functions on bytes. ``github_trending.md`` (the generator's repository layout, docs/digest-format.md
section 1.2) prints, per repository::

    ### 3. owner/name
    **分类**: … | **语言**: Python | **Stars**: 3927 | **今日**: +781      (分类 absent in older files)
    **链接**: https://github.com/owner/name

Only the repository, its rank, language, total stars and stars gained that day are read; the
descriptions are someone else's prose and stay in the file. A repository heading whose numbers
cannot be read is reported with file, line and field, never dropped silently.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from .digest_parser import decode_text

TRENDING_HEADING_RE = re.compile(r"^###\s+(?P<rank>\d+)\.\s+(?P<repo>\S+?)\s*$")
TRENDING_FIELD_RE = re.compile(r"\*\*(?P<label>[^*|]+?)\*\*\s*[:：]\s*(?P<value>[^|]*?)\s*(?=\||$)")
REPO_RE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
LINK_RE = re.compile(r"^\*\*链接\*\*\s*[:：]\s*https?://github\.com/(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)/?\s*$")
INT_RE = re.compile(r"^\+?(\d{1,3}(?:,\d{3})+|\d+)$")


@dataclass
class TrendingFile:
    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "line N, field: problem"
    heading_count: int = 0


def _int(value: str) -> int | None:
    match = INT_RE.match(value.strip())
    return int(match.group(1).replace(",", "")) if match else None


def parse_trending(data: bytes, source_path: str, day: dt.date) -> TrendingFile:
    """Every ``### N. owner/name`` heading becomes one row or one error."""
    text, undecodable = decode_text(data)
    out = TrendingFile()
    if undecodable:
        out.errors.append(f"{source_path}: {undecodable}")
    lines = text.split("\n")
    headings = [i for i, line in enumerate(lines) if line.startswith("###")]
    out.heading_count = len(headings)
    for k, start in enumerate(headings):
        end = headings[k + 1] if k + 1 < len(headings) else len(lines)
        line_no = start + 1
        match = TRENDING_HEADING_RE.match(lines[start])
        if not match or not REPO_RE.match(match.group("repo")):
            out.errors.append(
                f"{source_path} line {line_no}, heading: expected '### N. owner/name', found {lines[start][:80]!r}"
            )
            continue
        repo = match.group("repo")
        fields: dict[str, tuple[int, str]] = {}
        link = None
        for i in range(start + 1, end):
            line = lines[i].strip()
            if "**Stars**" in line or "**今日**" in line:
                for f in TRENDING_FIELD_RE.finditer(line):
                    fields.setdefault(f.group("label").strip(), (i + 1, f.group("value")))
            link_match = LINK_RE.match(line)
            if link_match and link is None:
                link = (i + 1, link_match.group("repo"))
        problems = []
        values = {}
        for label, name in (("Stars", "stars_total"), ("今日", "stars_today")):
            if label not in fields:
                problems.append(f"{source_path} line {line_no}, {name}: no **{label}** field under {repo}")
                continue
            at, raw = fields[label]
            values[name] = _int(raw)
            if values[name] is None:
                problems.append(f"{source_path} line {at}, {name}: {raw[:40]!r} is not a whole number")
        if link is not None and link[1].lower() != repo.lower():
            problems.append(f"{source_path} line {link[0]}, link: points at {link[1]}, the heading names {repo}")
        if problems:
            out.errors.extend(problems)
            continue
        language = fields.get("语言", (0, ""))[1].strip() or None
        out.rows.append(
            {
                "digest_date": day,
                "rank": int(match.group("rank")),
                "repo_full_name": repo,
                "language": language,
                "stars_total": values["stars_total"],
                "stars_today": values["stars_today"],
                "source_path": source_path,
                "source_line": line_no,
            }
        )
    return out


@dataclass
class Stats:
    papers_count: int | None = None
    papers_total_score: float | None = None
    github_repo_count: int | None = None
    github_stars_today: int | None = None
    error: str | None = None


def read_stats(data: bytes, source_path: str) -> Stats:
    """The generator's stats.json: ``papers.count``/``total_score`` and ``github.repo_count``/``total_stars_today``."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Stats(error=f"{source_path}: not JSON ({exc})")
    if not isinstance(doc, dict):
        return Stats(error=f"{source_path}: expected a JSON object, found {type(doc).__name__}")
    out = Stats()
    problems = []

    def number(block: str, key: str, kind):
        value = (doc.get(block) or {}).get(key) if isinstance(doc.get(block), dict) else None
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and value != int(value)):
            problems.append(f"{block}.{key}: {value!r} is not a {'whole number' if kind is int else 'number'}")
            return None
        return kind(value)

    if isinstance(doc.get("papers"), dict):
        out.papers_count = number("papers", "count", int)
        out.papers_total_score = number("papers", "total_score", float)
    if isinstance(doc.get("github"), dict):
        out.github_repo_count = number("github", "repo_count", int)
        out.github_stars_today = number("github", "total_stars_today", int)
    if problems:
        out.error = f"{source_path}: " + "; ".join(problems)
    return out


def stats_agree_with_papers(stats: Stats, count: int, total_score: float) -> bool:
    """stats.json's papers block against what was loaded: same count, same total to the cent."""
    return (
        stats.papers_count == count
        and stats.papers_total_score is not None
        and abs(stats.papers_total_score - total_score) < 0.005 + 1e-9
    )


def trending_tolerance(stars_today: int) -> int:
    """How far the change in printed totals between consecutive days may be from the later day's printed gain.

    Measured on the 149 real github_trending.md files (2026-01-31 to 2026-06-30): over 959 pairs of
    consecutive days, |(total_d - total_d-1) - gain_d| / gain_d has median 0.15, 75th percentile 0.25,
    95th 0.50 (the gain is GitHub's rolling "stars today" window, not the interval between scrapes).
    The tolerance is the 95th percentile, 50% of the gain, with a floor of 50 stars for small gains:
    what lies beyond it is a real disagreement (a repository that gained thousands while trending
    elsewhere, a counter reset), reported, not hidden.
    """
    return max(50, stars_today // 2)


@dataclass
class DayFiles:
    """One day's source files, trending rows and paper notes, with what went wrong reading them."""

    day: dt.date
    files: list[dict] = field(default_factory=list)
    trending: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    trending_errors: list[str] = field(default_factory=list)
    trending_files: int = 0
    stats: Stats | None = None


def read_day_files(tree, days: list[dt.date]) -> list[DayFiles]:
    """The source-files, trending and paper-note rows of each day (a day with no files gets empty ones)."""
    by_day = tree.by_day()
    digests = tree.digests
    out = []
    for day in days:
        result = DayFiles(day)
        for f in by_day.get(day, []):
            detail, used = f.detail, False
            if f.kind == "paper_digest":
                conflict = digests[day].conflict
                detail = "; ".join(x for x in (detail, conflict and f"rejected: {conflict}") if x) or None
                used = conflict is None
            elif f.kind == "github_trending":
                parsed = parse_trending(f.path.read_bytes(), f.relative_path, day)
                result.trending.extend(parsed.rows)
                result.trending_errors.extend(parsed.errors)
                result.trending_files += 1
                used = True
                if parsed.errors:
                    detail = f"{len(parsed.errors)} of {parsed.heading_count} repositories unreadable: " + "; ".join(
                        parsed.errors[:5]
                    )
            elif f.kind == "paper_note":
                result.notes.append({"digest_date": day, "arxiv_id": f.note_arxiv_id, "source_path": f.relative_path})
                used = True
            elif f.kind == "stats_json":
                stats = read_stats(f.path.read_bytes(), f.relative_path)
                detail = stats.error
                used = stats.error is None and (stats.papers_count is not None or stats.github_repo_count is not None)
                if result.stats is not None:
                    detail = f"two stats.json for {day}: neither is used"
                    result.stats, used = Stats(error=detail), False
                else:
                    result.stats = stats
            result.files.append(
                {"digest_date": day, "source_path": f.relative_path, "kind": f.kind, "used": used, "detail": detail}
            )
        if result.trending_files > 1:
            result.trending_errors.append(
                f"{result.trending_files} trending lists for {day}: rows from each are kept, the repository check "
                "below compares them"
            )
        out.append(result)
    return out


def trending_pairs(previous: list[dict], current: list[dict]) -> list[dict]:
    """For repositories in both of two consecutive days' lists: change in printed totals vs the later day's
    printed gain."""
    before = {r["repo_full_name"].lower(): r for r in previous}
    pairs = []
    for row in current:
        prior = before.get(row["repo_full_name"].lower())
        if prior is None:
            continue
        delta = row["stars_total"] - prior["stars_total"]
        tolerance = trending_tolerance(row["stars_today"])
        pairs.append(
            {
                "repo_full_name": row["repo_full_name"],
                "total_change": delta,
                "stars_today": row["stars_today"],
                "difference": delta - row["stars_today"],
                "tolerance": tolerance,
                "agrees": abs(delta - row["stars_today"]) <= tolerance,
            }
        )
    return pairs
