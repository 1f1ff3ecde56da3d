"""Every derived form of a table contract agrees with the contract itself."""

import polars as pl
import pyarrow.parquet as pq
import pytest

from papertrend.schemas import TABLES
from tests.conftest import query, run_cli

pytestmark = pytest.mark.usefixtures("in_process_runs")


def _read_table(db, name: str) -> pl.DataFrame:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(f'SELECT * FROM "{name}"').pl()


def test_warehouse_and_lake_files_follow_the_contracts(capsys, tmp_path, examples_copy):
    data = tmp_path / "data"
    assert run_cli(capsys, "run", "--digests", examples_copy, "--data-dir", data, "--no-progress")[0] == 0
    db = data / "warehouse.duckdb"
    # readable by DuckDB 1.2+ shells (duckdb-cli on PyPI is 1.5.x), not only by the 2.0 that wrote it
    [(tags,)] = query(db, "SELECT tags FROM duckdb_databases() WHERE NOT internal AND database_name <> 'memory'")
    assert tags == {"storage_version": "v1.2.0+"}
    for table in TABLES.values():
        columns = query(
            db,
            "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
            [table.name],
        )
        assert columns == [(c.name, c.duckdb_type, c.description) for c in table.columns], table.name
        [(comment,)] = query(db, "SELECT comment FROM duckdb_tables() WHERE table_name = ?", [table.name])
        assert comment == table.description
        assert table.validate(table.conform(_read_table(db, table.name))) is None
        for path in (data / "lake" / table.name).glob("*/data.parquet"):
            names = pq.read_schema(path).names
            assert names == [c.name for c in table.file_columns], path
