"""Turn one partition date's digest (or its absence) into the three ingest tables.

The parser catches what cannot be read; the pandera contract then catches what was read but breaks
a rule (an unknown tag, a malformed arXiv id). Rows failing the contract move to quarantine with the
check that failed, so the clean table always conforms and nothing is dropped.
"""

import datetime as dt
from dataclasses import dataclass

import polars as pl

from ..schemas import DIGEST_FILES, DIGEST_QUARANTINE, STG_DIGEST_ENTRIES
from .digest_parser import ParsedDigest, parse_digest
from .discovery import DigestSource


@dataclass
class DayTables:
    digest_date: dt.date
    entries: pl.DataFrame
    quarantine: pl.DataFrame
    files: pl.DataFrame  # exactly one row
    contract_rejects: int  # entries parsed fine but moved to quarantine by the contract

    @property
    def file_row(self) -> dict:
        return self.files.row(0, named=True)


def _read(source: DigestSource, day: dt.date) -> ParsedDigest:
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        result = ParsedDigest(
            source.relative_path, "", day, status="rejected", status_reason=f"cannot read file: {exc.strerror}"
        )
        result.quarantine.append(
            {
                "digest_date": day,
                "source_path": source.relative_path,
                "source_line": 1,
                "reason": f"file rejected: {result.status_reason}",
                "raw_text": "",
            }
        )
        result.source_sha256 = None
        return result
    parsed = parse_digest(data, source.relative_path, day)
    if source.conflict:
        # Two files for one day: loading either would be a guess. Quarantine both, entry by entry.
        parsed = _reject_all(parsed, source.conflict)
        for other in source.paths[1:]:
            extra = _reject_all(
                parse_digest(other.read_bytes(), other.relative_to(source.root).as_posix(), day), source.conflict
            )
            parsed.quarantine.extend(extra.quarantine)
    return parsed


def _reject_all(parsed: ParsedDigest, reason: str) -> ParsedDigest:
    rows = [
        {
            "digest_date": parsed.digest_date,
            "source_path": parsed.source_path,
            "source_line": e["source_line"],
            "reason": f"file rejected: {reason}",
            "raw_text": e["raw_text"],
        }
        for e in parsed.entries
    ]
    parsed.quarantine = sorted(parsed.quarantine + rows, key=lambda r: r["source_line"])
    parsed.entries = []
    parsed.status, parsed.status_reason = "rejected", reason
    return parsed


def _contract_failures(entries: pl.DataFrame) -> dict[int, str]:
    """Row index -> reason, for rows that break the stg_digest_entries contract."""
    failures = STG_DIGEST_ENTRIES.validate(STG_DIGEST_ENTRIES.conform(entries))
    if failures is None:
        return {}
    if failures.get_column("index").null_count():
        # A failure not tied to a row (a dtype, a missing column) is our bug, not bad input.
        raise ValueError(f"stg_digest_entries contract failed as a whole:\n{failures}")
    reasons: dict[int, list[str]] = {}
    for row in failures.iter_rows(named=True):
        reasons.setdefault(row["index"], []).append(
            f"{row['column']}: fails the contract, {row['check']} (found {row['failure_case']})"
        )
    return {index: "; ".join(parts) for index, parts in reasons.items()}


def _missing_day(day: dt.date) -> ParsedDigest:
    return ParsedDigest(None, None, day, status="no_digest")


def ingest_days(sources: dict[dt.date, DigestSource], days: list[dt.date]) -> list[DayTables]:
    """Parse every day, then check the contract once for all of them (pandera's cost is per call)."""
    parsed = [_read(sources[day], day) if day in sources else _missing_day(day) for day in days]
    entry_schema = {**STG_DIGEST_ENTRIES.polars_schema, "raw_text": pl.String}
    entries = pl.DataFrame([e for p in parsed for e in p.entries], schema=entry_schema)
    failures = _contract_failures(entries) if len(entries) else {}
    rejected_rows = entries.with_row_index("row").filter(pl.col("row").is_in(list(failures)))
    entries = entries.filter(~pl.int_range(pl.len()).is_in(list(failures)))
    entries_by_day = entries.partition_by("digest_date", as_dict=True, include_key=True)
    results = []
    for day, digest in zip(days, parsed, strict=True):
        quarantine_rows = list(digest.quarantine)
        for row in rejected_rows.filter(pl.col("digest_date") == day).iter_rows(named=True):
            quarantine_rows.append(
                {
                    "digest_date": day,
                    "source_path": row["source_path"],
                    "source_line": row["source_line"],
                    "reason": failures[row["row"]],
                    "raw_text": row["raw_text"],
                }
            )
        quarantine_rows.sort(key=lambda r: r["source_line"])
        day_entries = entries_by_day.get((day,), entries.clear())
        file_row = digest.file_record() | {"parsed_count": len(day_entries), "quarantined_count": len(quarantine_rows)}
        results.append(
            DayTables(
                day,
                STG_DIGEST_ENTRIES.conform(day_entries),
                DIGEST_QUARANTINE.conform(pl.DataFrame(quarantine_rows, schema=DIGEST_QUARANTINE.polars_schema)),
                DIGEST_FILES.conform(pl.DataFrame([file_row], schema=DIGEST_FILES.polars_schema)),
                len(quarantine_rows) - len(digest.quarantine),
            )
        )
    return results
