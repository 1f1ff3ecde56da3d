"""The Parquet lake: one folder per table, Hive-partitioned by ``digest_date`` where partitioned.

Layout under ``<data-dir>/lake``::

    <table>/digest_date=YYYY-MM-DD/data.parquet   partitioned tables
    <table>/data.parquet                           unpartitioned tables

Every write goes to a temporary file beside its target and is swapped in with ``os.replace``, so a
reader sees either the old partition or the new one, never half of one, and a process killed mid-write
leaves the old data in place. A partition with no rows is still written (an empty file with the
table's schema): it records that the day was processed, and replaces whatever the day held before.
"""

import datetime as dt
import os
import uuid
from pathlib import Path

import polars as pl

from papertrend.schemas import TableContract

PARQUET_NAME = "data.parquet"


class Lake:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def table_dir(self, table: TableContract) -> Path:
        return self.root / table.name

    def partition_path(self, table: TableContract, digest_date: dt.date) -> Path:
        return self.table_dir(table) / f"digest_date={digest_date.isoformat()}" / PARQUET_NAME

    def glob(self, table: TableContract) -> str:
        pattern = f"*/{PARQUET_NAME}" if table.partitioned else PARQUET_NAME
        return str(self.table_dir(table) / pattern)

    def has_data(self, table: TableContract) -> bool:
        directory = self.table_dir(table)
        if table.partitioned:
            return any(directory.glob(f"*/{PARQUET_NAME}"))
        return (directory / PARQUET_NAME).exists()

    def write_partition(self, table: TableContract, digest_date: dt.date, frame: pl.DataFrame) -> Path:
        """Replace one date's partition of ``table`` with ``frame`` (its rows all of that date)."""
        if not table.partitioned:
            raise ValueError(f"{table.name} is not partitioned")
        frame = table.conform(frame)
        dates = frame.get_column("digest_date").unique().to_list()
        if dates and dates != [digest_date]:
            raise ValueError(f"{table.name}: rows for {dates} written to partition {digest_date}")
        target = self.partition_path(table, digest_date)
        _atomic_write(frame.drop("digest_date"), target)
        return target

    def write_table(self, table: TableContract, frame: pl.DataFrame) -> Path:
        if table.partitioned:
            raise ValueError(f"{table.name} is partitioned; write it a partition at a time")
        target = self.table_dir(table) / PARQUET_NAME
        _atomic_write(table.conform(frame), target)
        return target

    def read_partition(self, table: TableContract, digest_date: dt.date) -> pl.DataFrame | None:
        path = self.partition_path(table, digest_date)
        if not path.exists():
            return None
        return (
            pl.read_parquet(path)
            .with_columns(pl.lit(digest_date).alias("digest_date"))
            .select(table.polars_schema.keys())
        )

    def read_table(self, table: TableContract) -> pl.DataFrame:
        """An unpartitioned table, or an empty frame of its schema when never written."""
        path = self.table_dir(table) / PARQUET_NAME
        return table.conform(pl.read_parquet(path)) if path.exists() else table.empty()

    def read_all(self, table: TableContract) -> pl.DataFrame:
        """Every row of a table, all partitions together (an empty frame of its schema when none)."""
        if not table.partitioned:
            return self.read_table(table)
        if not self.has_data(table):
            return table.empty()
        frame = pl.scan_parquet(
            self.glob(table), hive_partitioning=True, hive_schema={"digest_date": pl.Date}
        ).collect()
        return table.conform(frame)

    def partition_dates(self, table: TableContract) -> list[dt.date]:
        prefix = "digest_date="
        return sorted(
            dt.date.fromisoformat(p.parent.name.removeprefix(prefix))
            for p in self.table_dir(table).glob(f"{prefix}*/{PARQUET_NAME}")
        )


def _atomic_write(frame: pl.DataFrame, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        frame.write_parquet(temporary, compression="zstd", statistics=True)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
