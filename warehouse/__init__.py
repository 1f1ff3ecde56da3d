"""Storage: the Parquet lake, the published DuckDB analyst database, and the write lock.

Everything lives under one data directory::

    <data-dir>/lake/<table>/digest_date=YYYY-MM-DD/data.parquet   (or under PAPERTREND_LAKE_URL, s3://…)
    <data-dir>/warehouse.duckdb        analyst database, replaced atomically on each publish
    <data-dir>/report/                 trend_report.html and its charts as PNG
    <data-dir>/dagster_home/           the Dagster instance shared by the CLI and the UI
    <data-dir>/.write.lock             serialises writers (two runs never interleave writes)
"""

from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock

from .lake import Lake
from .publish import publish

ANALYST_DB_NAME = "warehouse.duckdb"
ENV_LAKE_URL = "PAPERTREND_LAKE_URL"


class DataDir:
    def __init__(self, root: str | Path, lake_url: str | None = None):
        self.root = Path(root).resolve()
        self.lake_url = lake_url

    @property
    def lake(self) -> Lake:
        """The local folder ``lake``, or object storage when ``lake_url`` names it (PAPERTREND_LAKE_URL, s3://…)."""
        return Lake(self.lake_url or self.root / "lake")

    @property
    def analyst_db(self) -> Path:
        return self.root / ANALYST_DB_NAME

    @property
    def report_dir(self) -> Path:
        return self.root / "report"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"

    @property
    def source_dir(self) -> Path:
        """What papertrend keeps of the digests' source: a repository's mirror and checkout, a folder's file hashes."""
        return self.root / "source"

    def remove_stale_temporaries(self) -> int:
        """Delete what a killed writer left behind. Call only while holding the write lock."""
        stale = [
            *self.root.glob(f".{ANALYST_DB_NAME}.*.building*"),
            *(self.root / "lake").rglob(".*.tmp"),
            *self.report_dir.glob(".*.tmp"),
        ]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)

    @contextmanager
    def write_lock(self, timeout_s: float = 600):
        """Held while a run writes lake partitions or publishes: writers queue, readers never wait."""
        self.root.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.root / ".write.lock"), timeout=timeout_s):
            yield


__all__ = ["ANALYST_DB_NAME", "ENV_LAKE_URL", "DataDir", "Lake", "publish"]
