"""The Parquet lake: one folder per table, Hive-partitioned by ``digest_date`` where partitioned.

Layout under ``<data-dir>/lake`` (or under ``PAPERTREND_LAKE_URL``, e.g. ``s3://bucket/prefix``)::

    <table>/digest_date=YYYY-MM-DD/data.parquet   partitioned tables
    <table>/data.parquet                           unpartitioned tables

Every write replaces its file whole, so a reader sees either the old partition or the new one, never
half of one, and a process killed mid-write leaves the old data in place: on a local disk a temporary
file beside the target is swapped in with ``os.replace``; in object storage each file is one PUT
(obstore, the Python binding of the Rust ``object_store`` crate that polars itself uses), which the
store applies whole or not at all. A partition with no rows is still written (an empty file with the
table's schema): it records that the day was processed, and replaces whatever the day held before.

Object storage is configured by the standard ``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY`` and ``AWS_REGION`` variables, read by obstore; papertrend never stores them.
"""

import datetime as dt
import io
import os
import uuid
from pathlib import Path

import polars as pl

from ..schemas import TableContract

PARQUET_NAME = "data.parquet"


class Lake:
    """The lake in a local folder (``root`` a path) or in object storage (``root`` an ``s3://…`` URL)."""

    def __init__(self, root: str | Path):
        self.url = str(root)
        self._store = _object_store(self.url) if "://" in self.url else None
        self.root = Path(root) if self._store is None else None

    @property
    def is_local(self) -> bool:
        return self._store is None

    def _key(self, table: TableContract, digest_date: dt.date | None = None) -> str:
        if digest_date is None:
            return f"{table.name}/{PARQUET_NAME}"
        return f"{table.name}/digest_date={digest_date.isoformat()}/{PARQUET_NAME}"

    def _local(self, key: str) -> Path:
        assert self.root is not None
        return self.root / key

    def table_dir(self, table: TableContract) -> Path:
        return self._local(table.name)

    def partition_path(self, table: TableContract, digest_date: dt.date) -> Path:
        return self._local(self._key(table, digest_date))

    def glob(self, table: TableContract) -> str:
        """The local files of a table, as a glob for DuckDB's read_parquet."""
        pattern = f"*/{PARQUET_NAME}" if table.partitioned else PARQUET_NAME
        return str(self.table_dir(table) / pattern)

    def has_data(self, table: TableContract) -> bool:
        if table.partitioned:
            return bool(self.partition_dates(table))
        key = self._key(table)
        if self._store is None:
            return self._local(key).exists()
        import obstore

        try:
            obstore.head(self._store, key)
        except FileNotFoundError:
            return False
        return True

    def write_partition(self, table: TableContract, digest_date: dt.date, frame: pl.DataFrame) -> str:
        """Replace one date's partition of ``table`` with ``frame`` (its rows all of that date)."""
        if not table.partitioned:
            raise ValueError(f"{table.name} is not partitioned")
        frame = table.conform(frame)
        dates = frame.get_column("digest_date").unique().to_list()
        if dates and dates != [digest_date]:
            raise ValueError(f"{table.name}: rows for {dates} written to partition {digest_date}")
        return self._write(self._key(table, digest_date), frame.drop("digest_date"))

    def write_table(self, table: TableContract, frame: pl.DataFrame) -> str:
        if table.partitioned:
            raise ValueError(f"{table.name} is partitioned; write it a partition at a time")
        return self._write(self._key(table), table.conform(frame))

    def _write(self, key: str, frame: pl.DataFrame) -> str:
        if self._store is None:
            _atomic_write(frame, self._local(key))
            return str(self._local(key))
        import obstore

        buffer = io.BytesIO()
        frame.write_parquet(buffer, compression="zstd", statistics=True)
        obstore.put(self._store, key, buffer.getvalue())  # one PUT: the object is replaced whole
        return f"{self.url.rstrip('/')}/{key}"

    def _read_bytes(self, key: str) -> bytes | None:
        import obstore

        assert self._store is not None
        try:
            return bytes(obstore.get(self._store, key).bytes())
        except FileNotFoundError:
            return None

    def _read(self, key: str) -> pl.DataFrame | None:
        if self._store is None:
            path = self._local(key)
            return pl.read_parquet(path) if path.exists() else None
        data = self._read_bytes(key)
        return None if data is None else pl.read_parquet(io.BytesIO(data))

    def read_partition(self, table: TableContract, digest_date: dt.date) -> pl.DataFrame | None:
        frame = self._read(self._key(table, digest_date))
        if frame is None:
            return None
        frame = table.upgrade(frame.with_columns(pl.lit(digest_date).alias("digest_date")))
        return frame.select(table.polars_schema.keys())

    def read_table(self, table: TableContract) -> pl.DataFrame:
        """An unpartitioned table, or an empty frame of its schema when never written."""
        frame = self._read(self._key(table))
        return table.conform(table.upgrade(frame)) if frame is not None else table.empty()

    def read_all(self, table: TableContract) -> pl.DataFrame:
        """Every row of a table, all partitions together (an empty frame of its schema when none)."""
        if not table.partitioned:
            return self.read_table(table)
        if self._store is not None:
            frames = [self.read_partition(table, day) for day in self.partition_dates(table)]
            return pl.concat([table.conform(f) for f in frames if f is not None]) if frames else table.empty()
        if not self.has_data(table):
            return table.empty()
        stored = {k: v for k, v in table.polars_schema.items() if k != "digest_date"}  # the date is the folder
        frame = pl.scan_parquet(
            self.glob(table),
            schema=stored,
            hive_partitioning=True,
            hive_schema={"digest_date": pl.Date},
            missing_columns="insert",  # a partition written before a column was added reads it as null
        ).collect()
        return table.conform(frame)

    def count(self, table: TableContract) -> tuple[int, int]:
        """(rows, days) of a table: days is its number of partitions (1 for an unpartitioned table written)."""
        if not table.partitioned:
            return (self.read_table(table).height, 1) if self.has_data(table) else (0, 0)
        days = self.partition_dates(table)
        if not days:
            return 0, 0
        if self._store is not None:
            frames = [self.read_partition(table, day) for day in days]
            return sum(f.height for f in frames if f is not None), len(days)
        rows = pl.scan_parquet(self.glob(table), hive_partitioning=False).select(pl.len()).collect().item()
        return int(rows), len(days)

    def partition_dates(self, table: TableContract) -> list[dt.date]:
        prefix = "digest_date="
        if self._store is None:
            folders = [p.parent.name for p in self.table_dir(table).glob(f"{prefix}*/{PARQUET_NAME}")]
        else:
            import obstore

            keys = [m["path"] for batch in obstore.list(self._store, f"{table.name}/") for m in batch]
            folders = [k.split("/")[1] for k in keys if k.count("/") == 2 and k.endswith(f"/{PARQUET_NAME}")]
        return sorted(dt.date.fromisoformat(f.removeprefix(prefix)) for f in folders if f.startswith(prefix))


def _object_store(url: str):
    """obstore's store for ``url``, configured from the standard AWS_* variables (never recorded here)."""
    from obstore.store import from_url

    # A plain-HTTP endpoint (an S3-compatible server inside a private network) must be allowed explicitly.
    allow_http = (os.environ.get("AWS_ENDPOINT_URL") or "").startswith("http://")
    return from_url(url, client_options={"allow_http": allow_http})


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
