"""Helpers that turn a pandera model (the contract of one table) into everything else.

A table's pandera model is the single source of its column names, order, dtypes, nullability and
descriptions. From it we derive the polars schema used to conform frames before writing, the DuckDB
column types, the Dagster column metadata and the data dictionary. Tests check the derived forms
against the real Parquet and DuckDB files, so they cannot drift.
"""

from dataclasses import dataclass
from typing import Annotated

import pandera.polars as pa
import polars as pl
from pandera.api.polars.model_config import BaseConfig as BaseConfig
from polars.datatypes import DataTypeClass

# Each model's Config subclasses pandera's BaseConfig: DataFrameModel declares `Config: type[BaseConfig]`, and only
# a subclass overrides it soundly for type checkers. Pandera reads the options a Config sets itself, so a model's
# schema is the same either way.

# Parametrised polars dtypes as model annotations: pandera builds pl.List(pl.String) from the Annotated
# metadata, and type checkers see a valid type (a call such as pl.List(pl.String) is not one).
StringList = Annotated[pl.List, pl.String]


@dataclass(frozen=True)
class Column:
    name: str
    # pandera hands back plain dtypes as classes (pl.String) and parametrised ones as instances (pl.List(...))
    dtype: pl.DataType | DataTypeClass
    nullable: bool
    description: str

    @property
    def duckdb_type(self) -> str:
        return duckdb_type(self.dtype)


@dataclass(frozen=True)
class TableContract:
    """A table of the warehouse: its pandera model plus where it lives and what one row is."""

    model: type[pa.DataFrameModel]
    layer: str  # staging | dimension | fact | bridge | status
    grain: str  # what one row is, in words
    partitioned: bool  # Hive-partitioned by digest_date in the lake
    order_by: tuple[str, ...] = ()  # row order in the analyst database
    # (column, old value, new value): a value an earlier papertrend wrote, read as today's word (lake files are
    # rewritten only when their day runs again)
    renamed_values: tuple[tuple[str, str, str], ...] = ()

    @property
    def name(self) -> str:
        name = self.model.Config.name
        if name is None:  # every table is named: it names the Parquet folder and the DuckDB table
            raise TypeError(f"{self.model.__name__}.Config sets no name")
        return name

    @property
    def description(self) -> str:
        description = self.model.Config.description
        if description is None:  # every table is described: the data dictionary and Dagster show it
            raise TypeError(f"{self.model.__name__}.Config sets no description")
        return description

    @property
    def schema(self) -> pa.DataFrameSchema:
        return self.model.to_schema()

    @property
    def columns(self) -> list[Column]:
        out = []
        for name, col in self.schema.columns.items():
            out.append(Column(name, col.dtype.type, bool(col.nullable), col.description or ""))
        return out

    @property
    def polars_schema(self) -> dict[str, pl.DataType | DataTypeClass]:
        return {c.name: c.dtype for c in self.columns}

    @property
    def file_columns(self) -> list[Column]:
        """Columns stored inside Parquet files: the partition column lives in the folder name."""
        return [c for c in self.columns if not (self.partitioned and c.name == "digest_date")]

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.polars_schema)

    def conform(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Select the contract's columns in contract order, cast to contract dtypes, old values renamed.

        Fails loudly on a missing column: a writer that forgets a column is a bug, not bad input.
        """
        missing = [c.name for c in self.columns if c.name not in frame.columns]
        if missing:
            raise ValueError(f"{self.name}: frame lacks contract columns {missing}")
        return self._renamed(frame.select([pl.col(c.name).cast(c.dtype, strict=True) for c in self.columns]))

    def upgrade(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` as an earlier papertrend wrote it, read as this one writes it: the nullable columns it lacks
        added as nulls (a missing non-null column still fails in conform), renamed values renamed."""
        added = [
            pl.lit(None, c.dtype).alias(c.name) for c in self.columns if c.nullable and c.name not in frame.columns
        ]
        return self._renamed(frame.with_columns(added) if added else frame)

    def _renamed(self, frame: pl.DataFrame) -> pl.DataFrame:
        for column, old, new in self.renamed_values:
            if column in frame.columns:
                frame = frame.with_columns(
                    pl.when(pl.col(column) == old).then(pl.lit(new)).otherwise(pl.col(column)).alias(column)
                )
        return frame

    def renamed_sql(self, column: str, expression: str) -> str:
        """``expression`` (SQL reading ``column``) with the column's renamed values renamed."""
        for name, old, new in self.renamed_values:
            if name == column:
                expression = f"CASE WHEN {expression} = '{old}' THEN '{new}' ELSE {expression} END"
        return expression

    def validate(self, frame: pl.DataFrame) -> pl.DataFrame | None:
        """Validate lazily; return pandera's failure cases (None when the frame conforms)."""
        try:
            self.model.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            return exc.failure_cases
        return None


def duckdb_type(dtype: pl.DataType | DataTypeClass) -> str:
    simple = {
        pl.Boolean: "BOOLEAN",
        pl.Int8: "TINYINT",
        pl.Int16: "SMALLINT",
        pl.Int32: "INTEGER",
        pl.Int64: "BIGINT",
        pl.Float32: "FLOAT",
        pl.Float64: "DOUBLE",
        pl.String: "VARCHAR",
        pl.Date: "DATE",
    }
    for polars_type, sql in simple.items():
        if dtype == polars_type:
            return sql
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMP WITH TIME ZONE" if dtype.time_zone else "TIMESTAMP"
    if isinstance(dtype, pl.List):
        return f"{duckdb_type(dtype.inner)}[]"
    raise TypeError(f"no DuckDB type mapped for polars dtype {dtype}")
