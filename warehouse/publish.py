"""Build the analyst database from the lake and publish it atomically.

DuckDB lets no writer open a file that any other process holds open, even read-only, so an analyst
with ``warehouse.duckdb`` open in a DuckDB shell would block a pipeline that wrote to it in place.
Instead every publish builds a fresh database file beside the target and swaps it in with
``os.replace``: an analyst's open connection keeps reading the old file (its inode lives on until
closed) and sees the new data on reopening; the run never waits for nor fails on the analyst.
"""

import os
import uuid
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import duckdb

from ..schemas import TableContract
from ..transforms import clock
from .lake import Lake

# Analysts open this file with whatever DuckDB they have; the shells one can pip-install are 1.x
# (duckdb-cli 1.5.6 refuses a file in 2.0's format). Files in the v1.2 format open in 1.2 and later.
ANALYST_STORAGE_VERSION = "v1.2.0"


def _quote_literal(text: str) -> str:
    # Only our own descriptions go through here (COMMENT ON takes no bound parameters).
    return "'" + text.replace("'", "''") + "'"


def _parquet_source(table: TableContract) -> str:
    if table.partitioned:
        return "read_parquet(?, hive_partitioning = true, hive_types = {'digest_date': 'DATE'}, union_by_name = true)"
    return "read_parquet(?)"


def _select_sql(table: TableContract, source: str | None = None, present: set[str] | None = None) -> str:
    """``present``: the columns the files hold; a nullable column added after they were written reads as NULL."""

    def value(column) -> str:  # a missing non-null column stays a reference: DuckDB then fails loudly
        if present is not None and column.nullable and column.name not in present:
            return "NULL"
        return table.renamed_sql(column.name, f'"{column.name}"')

    columns = ", ".join(f'CAST({value(c)} AS {c.duckdb_type}) AS "{c.name}"' for c in table.columns)
    source = source or _parquet_source(table)
    order = f" ORDER BY {', '.join(table.order_by)}" if table.order_by else ""
    return f"SELECT {columns} FROM {source}{order}"


def _create_table(con: duckdb.DuckDBPyConnection, lake: Lake, table: TableContract) -> None:
    if not lake.is_local:
        # DuckDB reads s3:// only through its httpfs extension, downloaded at run time: read through the lake
        con.register("lake_frame", lake.read_all(table).to_arrow())
        con.execute(f'CREATE TABLE "{table.name}" AS {_select_sql(table, "lake_frame")}')
        con.unregister("lake_frame")
    elif lake.has_data(table):
        described = con.execute(f"DESCRIBE SELECT * FROM {_parquet_source(table)}", [lake.glob(table)]).fetchall()
        present = {row[0] for row in described}
        con.execute(f'CREATE TABLE "{table.name}" AS {_select_sql(table, present=present)}', [lake.glob(table)])
    else:
        columns = ", ".join(f'"{c.name}" {c.duckdb_type}' for c in table.columns)
        con.execute(f'CREATE TABLE "{table.name}" ({columns})')
    con.execute(f'COMMENT ON TABLE "{table.name}" IS {_quote_literal(table.description)}')
    for column in table.columns:
        con.execute(f'COMMENT ON COLUMN "{table.name}"."{column.name}" IS {_quote_literal(column.description)}')


# The lake's digest_files records the source tree (a day without a file is no_digest); the analyst database
# also says what papertrend made of such a day: derived, when it has a Hugging Face list to derive from.
DERIVED_DAYS_SQL = """
UPDATE digest_files AS f
SET status = 'derived',
    status_reason = format(
        'no digest: {} of the {} papers on its Hugging Face list derived (fct_derived_selection)',
        coalesce(d.picked, 0), l.listed
    )
FROM (
    SELECT digest_date, count(*) AS listed FROM stg_hf_daily_papers WHERE api_source = 'daily_papers' GROUP BY ALL
) AS l
LEFT JOIN (SELECT digest_date, count(*) AS picked FROM fct_derived_selection GROUP BY ALL) AS d USING (digest_date)
WHERE f.status = 'no_digest' AND f.digest_date = l.digest_date
"""
DERIVED_DAYS_TABLES = {"digest_files", "stg_hf_daily_papers", "fct_derived_selection"}


def view_sql_files() -> list[tuple[str, str]]:
    """(name, sql) of every analytics view, in file-name order (files may build on earlier ones)."""
    folder = resources.files("papertrend.warehouse") / "sql"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [(f.name.removesuffix(".sql").split("_", 1)[1], f.read_text(encoding="utf-8")) for f in files]


def _row_count(con: duckdb.DuckDBPyConnection, name: str) -> int:
    # fetchall, not fetchone: DuckDB 2.0 counts a half-read result as unfinished work on the connection
    rows = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()
    if len(rows) != 1:  # count(*) always answers one row; anything else would mean DuckDB misbehaved
        raise RuntimeError(f"no row count for {name}")
    return rows[0][0]


def build_database(path: Path, lake: Lake, tables: Iterable[TableContract]) -> dict[str, int]:
    """Write a complete analyst database to ``path``; return row counts per table and view."""
    counts: dict[str, int] = {}
    con = duckdb.connect(str(path), config={"storage_compatibility_version": ANALYST_STORAGE_VERSION})
    try:
        con.execute("BEGIN")
        built = []
        for table in tables:
            _create_table(con, lake, table)
            built.append(table.name)
        if DERIVED_DAYS_TABLES <= set(built):
            con.execute(DERIVED_DAYS_SQL)
        for name in built:
            counts[name] = _row_count(con, name)
        for name, sql in view_sql_files():
            con.execute(sql)
            counts[name] = _row_count(con, name)
        con.execute("CREATE TABLE warehouse_info (key VARCHAR, value VARCHAR)")
        con.execute(
            "INSERT INTO warehouse_info VALUES ('built_at', ?), ('tables', ?)",
            [clock.now().isoformat(timespec="seconds"), ",".join(counts)],
        )
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return counts


def publish(lake: Lake, target: Path, tables: Iterable[TableContract]) -> dict[str, int]:
    """Build a new analyst database and atomically replace ``target`` with it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.{uuid.uuid4().hex}.building"
    try:
        counts = build_database(staging, lake, tables)
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
        Path(f"{staging}.wal").unlink(missing_ok=True)
    return counts
