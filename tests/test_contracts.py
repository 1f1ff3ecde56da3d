"""Every derived form of a table contract agrees with the contract itself."""

import dagster as dg
import polars as pl
import pyarrow.parquet as pq

from papertrend.orchestration.definitions import build_definitions
from papertrend.schemas import TABLES
from papertrend.schemas.dictionary import render
from tests.conftest import REPO, query, run_cli


def test_data_dictionary_is_generated_from_the_contracts():
    committed = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == render(), (
        "docs/data-dictionary.md is stale: run `python -m papertrend.schemas.dictionary > docs/data-dictionary.md`"
    )


def test_dagster_column_metadata_is_the_contract():
    graph = build_definitions().resolve_asset_graph()
    for table in TABLES.values():
        schema = graph.get(dg.AssetKey(table.name)).metadata["dagster/column_schema"]
        assert [(c.name, c.type, c.description, c.constraints.nullable) for c in schema.columns] == [
            (c.name, c.duckdb_type, c.description, c.nullable) for c in table.columns
        ], table.name


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


def _read_table(db, name: str) -> pl.DataFrame:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(f'SELECT * FROM "{name}"').pl()
