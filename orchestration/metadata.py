"""Dagster metadata derived from the table contracts."""

import dagster as dg
import polars as pl

from ..schemas import TableContract

# A result's metadata as papertrend builds it, for dicts filled before the result is made (Dagster's own alias for
# what metadata may hold is private).
Metadata = dict[str, dg.MetadataValue | int | float | str]


def column_schema(table: TableContract) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=c.name,
                type=c.duckdb_type,
                description=c.description,
                constraints=dg.TableColumnConstraints(nullable=c.nullable),
            )
            for c in table.columns
        ]
    )


def asset_spec(table: TableContract, group: str, kinds: set[str], deps=()) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=table.name,
        group_name=group,
        kinds=kinds,
        deps=list(deps),
        description=f"{table.description}\n\nGrain: {table.grain}. Layer: {table.layer}.",
        metadata={"dagster/column_schema": column_schema(table), "dagster/table_name": f"warehouse.main.{table.name}"},
    )


def require_contract(table: TableContract, frames: dict[str, pl.DataFrame]) -> None:
    """Fail the step when a table papertrend derives itself (no input decides its shape) breaks its contract.

    Such a failure is a bug in papertrend, not bad input: a failed step says so louder than a check would.
    """
    combined = pl.concat(list(frames.values())) if frames else table.empty()
    failures = table.validate(combined)
    if failures is not None:
        raise ValueError(f"{table.name} breaks its contract (a papertrend bug, not bad input):\n{failures.head(20)}")


def first_days(counts_by_day: pl.DataFrame, limit: int = 10) -> dg.MetadataValue:
    """A failing whole-table check's days to look at: the first ``limit`` (day, count) rows as a Markdown list."""
    return dg.MetadataValue.md("\n".join(f"- {day}: {n}" for day, n in counts_by_day.head(limit).iter_rows()))


def first_day(days: pl.DataFrame, column: str = "digest_date") -> str:
    """The earliest day of a failing check's days, as a check's one line names it."""
    return str(days.get_column(column).min())
