"""Find digest files under a folder and name the partition date each one belongs to.

A digest is any ``*.md`` file whose path (relative to the folder) contains a date ``YYYY-MM-DD``,
e.g. ``output/2026-02-09/papers/papers_summary.md`` or ``2026-02-09.md``. The last date in the path
names the partition. Hidden folders are skipped.
"""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

DATE_IN_PATH_RE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")


def date_from_path(path: str | Path) -> dt.date | None:
    """The last valid ``YYYY-MM-DD`` in a path, or None."""
    for token in reversed(DATE_IN_PATH_RE.findall(str(path))):
        try:
            return dt.date.fromisoformat(token)
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class DigestSource:
    """The file(s) found for one date. More than one file for a date is a conflict."""

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


def discover_digests(root: str | Path) -> dict[dt.date, DigestSource]:
    """Map each date to the digest file(s) found for it under ``root``."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"digests folder not found: {root}")
    found: dict[dt.date, list[Path]] = {}
    for path in root.rglob("*.md"):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        digest_date = date_from_path(relative)
        if digest_date is not None:
            found.setdefault(digest_date, []).append(path)
    return {d: DigestSource(d, tuple(sorted(paths)), root) for d, paths in sorted(found.items())}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
