"""What a day's load is checked for, as plain findings: one line each, folded into one result per day.

Each function looks at one thing for one day and returns a ``Finding`` (or None when the day has
nothing to look at: no digest, no stats.json, no trending list, no earlier day). ``fold`` turns a
day's findings into the one result Dagster records for the day (orchestration/ingest/assets.py):
failed when any finding failed, at ERROR severity when any failing finding is an error, WARN when
only warnings failed; a day with nothing to look at passes and says so, so a weekend is never shown
as a failure. Every line says what was found and, on a failure, by how much and where (file, line,
field).
"""

import datetime as dt
from dataclasses import dataclass

import polars as pl

from ..schemas import TableContract
from .day_files import Stats, stats_agree_with_papers, trending_pairs


@dataclass(frozen=True)
class Finding:
    name: str  # the sub-check, e.g. "entries_loaded"
    passed: bool
    line: str  # what was found; on a failure, by how much and where
    warn_only: bool = False  # a failure is a warning (WARN), not an error
    checked: bool = True  # False: the line says why the day could not be checked for this (it passes)

    @property
    def shown(self) -> str:
        """The line as the check's metadata shows it."""
        return f"{'passed' if self.passed else 'FAILED'}: {self.line}" if self.checked else f"not checked: {self.line}"


@dataclass(frozen=True)
class DayResult:
    passed: bool
    error: bool  # failed with at least one error-grade finding
    summary: str
    findings: tuple[Finding, ...]


def fold(day: dt.date, findings: list[Finding | None], nothing: str) -> DayResult:
    """One result for the day; ``nothing`` says why a day without findings has nothing to check."""
    found = tuple(f for f in findings if f is not None)
    checked = [f for f in found if f.checked]
    failing = [f for f in checked if not f.passed]
    if not checked:
        return DayResult(True, False, f"{day}: nothing to check ({nothing})", found)
    if not failing:
        return DayResult(True, False, f"{day}: {_plural(len(checked), 'check')} passed", found)
    first = failing[0]
    more = f" (and {len(failing) - 1} more failing)" if len(failing) > 1 else ""
    return DayResult(
        False,
        any(not f.warn_only for f in failing),
        f"{day}: {len(checked) - len(failing)} of {len(checked)} checks passed; {first.name}: {first.line}{more}",
        found,
    )


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n:,} {word}"
    return f"{n:,} {word[:-1]}ies" if word.endswith("y") else f"{n:,} {word}s"


def entries_loaded(file_row: dict, quarantine: pl.DataFrame, contract_rejects: int) -> Finding | None:
    """Every entry of the day's digest is in stg_digest_entries, and the digest's declared count is met."""
    if file_row["status"] == "no_digest":
        return None
    path = file_row["source_path"] or "(no file)"
    loaded = file_row["parsed_count"]
    declared = file_row["declared_count"]
    found = loaded + file_row["quarantined_count"]
    problems = []
    if quarantine.height:
        where = "; ".join(
            f"line {line}: {reason}" for line, reason in quarantine.select("source_line", "reason").head(3).iter_rows()
        )
        more = f" (+{quarantine.height - 3} more)" if quarantine.height > 3 else ""
        by_contract = f", {contract_rejects} by the contract" if contract_rejects else ""
        problems.append(f"{quarantine.height} quarantined{by_contract} in {path}: {where}{more}")
    if declared is not None and declared != found:
        problems.append(f"{path} declares {declared} papers (论文数量), {found} found ({found - declared:+d})")
    if file_row["status"] == "rejected" and not problems:
        problems.append(f"{path} rejected: {file_row['status_reason']}")
    if problems:
        return Finding("entries_loaded", False, f"{loaded} of {found} entries loaded; " + "; ".join(problems), True)
    return Finding("entries_loaded", True, f"{_plural(loaded, 'entry')} loaded from {path}, none quarantined", True)


def matches_contract(table: TableContract, failures: pl.DataFrame | None, rows: int) -> Finding:
    """The day's rows of ``table`` validate against its pandera model (``failures``: pandera's cases)."""
    name = f"{table.name}_contract"
    if failures is None or failures.height == 0:
        return Finding(name, True, f"{_plural(rows, 'row')} of {table.name} match its contract")
    cases = "; ".join(
        f"row {index}, {column}: {check} (found {case})"
        for index, column, check, case in failures.select("index", "column", "check", "failure_case")
        .head(3)
        .iter_rows()
    )
    return Finding(name, False, f"{_plural(failures.height, 'contract failure')} in {table.name}: {cases}")


def papers_agree_with_stats(stats: Stats | None, stats_path: str | None, entries: pl.DataFrame) -> Finding | None:
    """stats.json's papers block (count, total_score) against the entries loaded, to the cent."""
    if stats is None or stats_path is None:
        return None
    if stats.papers_count is None and stats.papers_total_score is None and stats.error is None:
        return None
    if stats.error is not None:
        return Finding("papers_match_stats_json", False, stats.error)
    count = entries.height
    total = round(float(entries.get_column("score").sum() or 0.0), 2)
    if stats_agree_with_papers(stats, count, total):
        return Finding("papers_match_stats_json", True, f"{count} papers, total score {total:.2f}, as {stats_path}")
    problems = []
    if stats.papers_count != count:
        problems.append(f"papers.count {stats.papers_count}, loaded {count} ({count - (stats.papers_count or 0):+d})")
    if stats.papers_total_score is None:
        problems.append("papers.total_score absent")
    elif abs(stats.papers_total_score - total) >= 0.005:
        problems.append(
            f"papers.total_score {stats.papers_total_score:.2f}, loaded {total:.2f} "
            f"({total - stats.papers_total_score:+.2f})"
        )
    return Finding("papers_match_stats_json", False, f"{stats_path}: " + "; ".join(problems))


def trending_read(trending_files: int, errors: list[str], rows: int) -> Finding | None:
    """Every repository heading of the day's github_trending.md gave a row."""
    if trending_files == 0:
        return None
    if errors:
        shown = "; ".join(errors[:3]) + (f" (+{len(errors) - 3} more)" if len(errors) > 3 else "")
        return Finding("trending_read", False, f"{len(errors)} problems reading the trending list: {shown}")
    return Finding("trending_read", True, f"{_plural(rows, 'repository')} read from the trending list")


def trending_agrees_with_stats(stats: Stats | None, trending: pl.DataFrame) -> Finding | None:
    """stats.json's github block (repo_count, total_stars_today) against the trending rows loaded."""
    if stats is None or stats.github_repo_count is None:
        return None
    gained = int(trending.get_column("stars_today").sum() or 0)
    rows = trending.height
    if stats.github_repo_count == rows and stats.github_stars_today == gained:
        return Finding(
            "trending_matches_stats_json", True, f"{rows} repositories, {gained:,} stars today, as stats.json"
        )
    problems = []
    if stats.github_repo_count != rows:
        problems.append(f"github.repo_count {stats.github_repo_count}, loaded {rows}")
    if stats.github_stars_today != gained:
        printed = "absent" if stats.github_stars_today is None else f"{stats.github_stars_today:,}"
        problems.append(f"github.total_stars_today {printed}, summed {gained:,}")
    return Finding("trending_matches_stats_json", False, "stats.json: " + "; ".join(problems))


def trending_consecutive(previous: pl.DataFrame | None, trending: pl.DataFrame) -> Finding | None:
    """Repositories trending the day before too: the change in printed totals within tolerance of the printed gain."""
    if previous is None or previous.height == 0 or trending.height == 0:
        return None
    pairs = trending_pairs(previous.to_dicts(), trending.to_dicts())
    if not pairs:
        return None
    disagreeing = [p for p in pairs if not p["agrees"]]
    if not disagreeing:
        return Finding(
            "trending_consecutive", True, f"{len(pairs)} repositories also trending the day before agree", True
        )
    shown = "; ".join(
        f"{p['repo_full_name']}: total {p['total_change']:+,}, gain +{p['stars_today']:,} "
        f"(off by {p['difference']:+,}, tolerance {p['tolerance']:,})"
        for p in disagreeing[:3]
    )
    more = f" (+{len(disagreeing) - 3} more)" if len(disagreeing) > 3 else ""
    return Finding(
        "trending_consecutive",
        False,
        f"{len(disagreeing)} of {len(pairs)} disagree with the day before: {shown}{more}",
        True,
    )


def reproducible(summary: dict | None, not_audited: str | None) -> Finding | None:
    """The generator's formula and cut over the day's list pick exactly the printed papers."""
    if summary is None:
        return None if not_audited is None else Finding("digest_reproducible", True, not_audited, True, checked=False)
    corr = summary["rank_correlation"]
    facts = (
        f"{summary['printed']} printed, {summary['formula_picks']} picked by the formula from {summary['listed']} "
        f"listed, cut-off score {summary['cut_off_score']}, rank correlation "
        f"{'n/a' if corr is None else round(corr, 4)}"
    )
    if summary["reproduced"]:
        return Finding("digest_reproducible", True, facts, True)
    reasons = ", ".join(summary["reasons"]) or "no reason found"
    return Finding("digest_reproducible", False, f"{facts}; not reproduced: {reasons}", True)
