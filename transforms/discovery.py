"""Find the source files under a folder, tell by content what each one is, and name its day.

The folder may be a clone of the digests' source repository (``output/<DATE>/papers/papers_summary.md``
beside ``github_trending.md``, ``hacker_news.md``, ``daily_report.md``, ``stats.json``, paper notes,
and dated plans under ``docs/``), its ``output/`` folder, one day's folder, or a plain folder of
``<DATE>.md`` digests. Every ``*.md`` and ``stats.json`` is listed (hidden folders skipped) with its kind:

- ``paper_digest``: the generator's title line ``# 每日论文汇总`` is the first text of the file, or,
  for a damaged digest whose title line is broken, the entry layout (``### N.`` headings with
  ``**得分**:`` and ``**Upvotes**:`` lines at the start of a line). Only these files are parsed as digests.
- ``github_trending`` (``# GitHub 热门项目 | DATE``), ``hacker_news`` (``# Hacker News Top N | DATE``),
  ``daily_report`` (``# AI 每日情报 | DATE``): by their title line.
- ``paper_note``: ``papers_note_<arXiv id>.md``.
- ``stats_json``: ``stats.json``.
- ``other``: anything else (README, plans, notes of your own, unreadable files). Never quarantined,
  never a reason to reject a day.

A file's day is the last date ``YYYY-MM-DD`` in its path below the folder, else the date in the
folder's own path (``--digests output/2026-03-10``), else, for a digest, the date in its title line.
"""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .digest_parser import decode_text

DATE_IN_PATH_RE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")
FIRST_LINE_KINDS = (
    ("paper_digest", re.compile(r"^#(?!#)\s*每日论文汇总\s*(?:-\s*(?P<date>\S*))?\s*$")),
    ("github_trending", re.compile(r"^#(?!#)\s*GitHub\s*热门项目\s*\|\s*(?P<date>\S*)\s*$")),
    ("hacker_news", re.compile(r"^#(?!#)\s*Hacker News Top \d+\s*\|\s*(?P<date>\S*)\s*$")),
    ("daily_report", re.compile(r"^#(?!#)\s*AI\s*每日情报\s*\|\s*(?P<date>\S*)\s*$")),
)
NOTE_NAME_RE = re.compile(r"^papers_note_(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?_\d{7})(?:v\d+)?\.md$")
# A digest whose title line is damaged still has the generator's entry layout.
ENTRY_LAYOUT_RES = (
    re.compile(r"^###\s*(?:🏆\ufe0f?)?\s*\d+\.", re.M),
    re.compile(r"^\*\*得分\*\*\s*[:：]", re.M),
    re.compile(r"^\*\*Upvotes\*\*\s*[:：]", re.M),
)
KINDS = ("paper_digest", "paper_note", "github_trending", "hacker_news", "daily_report", "stats_json", "other")
STATS_NAME = "stats.json"


def date_from_path(path: str | Path) -> dt.date | None:
    """The last valid ``YYYY-MM-DD`` in a path, or None."""
    for token in reversed(DATE_IN_PATH_RE.findall(str(path))):
        try:
            return dt.date.fromisoformat(token)
        except ValueError:
            continue
    return None


def classify(name: str, data: bytes) -> tuple[str, dt.date | None, str | None]:
    """(kind, date in its title line if any, detail) of one file, from its name and bytes."""
    if name == STATS_NAME:
        return "stats_json", None, None
    text, undecodable = decode_text(data)
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    for kind, pattern in FIRST_LINE_KINDS:
        match = pattern.match(first)
        if match:
            title_date = None
            if match.group("date"):
                try:
                    title_date = dt.date.fromisoformat(match.group("date"))
                except ValueError:
                    pass
            return kind, title_date, undecodable
    if NOTE_NAME_RE.match(name):
        return "paper_note", None, undecodable
    if all(p.search(text) for p in ENTRY_LAYOUT_RES):
        return "paper_digest", None, undecodable  # damaged title line: the parser rejects it, saying why
    if not text.strip():
        return "other", None, "empty file"
    return "other", None, undecodable


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    relative_path: str  # below the folder scanned, POSIX
    day: dt.date | None
    kind: str
    detail: str | None = None  # e.g. not UTF-8, two digests for one day

    @property
    def note_arxiv_id(self) -> str | None:
        match = NOTE_NAME_RE.match(self.path.name)
        return match.group("id").replace("_", "/") if match else None


@dataclass(frozen=True)
class DigestSource:
    """The digest file(s) found for one date. More than one file for a date is a conflict."""

    digest_date: dt.date
    paths: tuple[Path, ...]  # absolute
    root: Path

    @property
    def path(self) -> Path:
        return self.paths[0]

    @property
    def relative_path(self) -> str:
        return self.path.relative_to(self.root).as_posix()

    @property
    def conflict(self) -> str | None:
        if len(self.paths) == 1:
            return None
        names = ", ".join(p.relative_to(self.root).as_posix() for p in self.paths)
        return f"{len(self.paths)} files claim {self.digest_date}: {names}"


@dataclass
class SourceTree:
    """Everything found under one folder."""

    root: Path
    files: list[SourceFile] = field(default_factory=list)  # sorted by path

    def of_kind(self, kind: str) -> list[SourceFile]:
        return [f for f in self.files if f.kind == kind]

    @property
    def digests(self) -> dict[dt.date, DigestSource]:
        found: dict[dt.date, list[Path]] = {}
        for f in self.of_kind("paper_digest"):
            if f.day is not None:
                found.setdefault(f.day, []).append(f.path)
        return {d: DigestSource(d, tuple(sorted(paths)), self.root) for d, paths in sorted(found.items())}

    def by_day(self, kind: str | None = None) -> dict[dt.date, list[SourceFile]]:
        out: dict[dt.date, list[SourceFile]] = {}
        for f in self.files:
            if f.day is not None and (kind is None or f.kind == kind):
                out.setdefault(f.day, []).append(f)
        return out

    @property
    def undated(self) -> list[SourceFile]:
        return [f for f in self.files if f.day is None]

    def counts(self) -> dict[str, int]:
        out = {kind: 0 for kind in KINDS}
        for f in self.files:
            out[f.kind] += 1
        return out


def source_paths(root: Path) -> list[Path]:
    """Every ``*.md`` and ``stats.json`` file under ``root``, sorted; hidden folders (``.git``) left out."""
    candidates = sorted({*root.rglob("*.md"), *root.rglob(STATS_NAME)})
    return [
        p for p in candidates if not any(part.startswith(".") for part in p.relative_to(root).parts) and p.is_file()
    ]


def days_of(paths) -> set[dt.date]:
    """The days some paths are for (each path's last date), from the paths alone."""
    return {day for path in paths if (day := date_from_path(path))}


def scan_sources(root: str | Path) -> SourceTree:
    """List and classify every ``*.md`` and ``stats.json`` under ``root``."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"digests folder not found: {root}")
    folder_date = date_from_path(root)
    tree = SourceTree(root)
    for path in source_paths(root):
        relative = path.relative_to(root)
        try:
            data = path.read_bytes()
        except OSError as exc:
            tree.files.append(
                SourceFile(
                    path,
                    relative.as_posix(),
                    date_from_path(relative) or folder_date,
                    "other",
                    f"cannot read file: {exc.strerror}",
                )
            )
            continue
        kind, title_date, detail = classify(path.name, data)
        day = date_from_path(relative) or folder_date
        if day is None and kind == "paper_digest":
            day = title_date
        tree.files.append(SourceFile(path, relative.as_posix(), day, kind, detail))
    return tree


def discover_digests(root: str | Path) -> dict[dt.date, DigestSource]:
    """Map each date to the paper digest file(s) found for it under ``root`` (recognised by content)."""
    return scan_sources(root).digests


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
