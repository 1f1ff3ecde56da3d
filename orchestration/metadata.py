"""Dagster metadata derived from the table contracts."""

import dagster as dg
import polars as pl

from papertrend.schemas import TableContract


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


def contract_check_spec(table: TableContract, partitions_def) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        "matches_contract",
        asset=table.name,
        partitions_def=partitions_def,
        description=f"The partition as written to Parquet validates against the pandera model {table.model.__name__}.",
    )


def contract_evaluations(table: TableContract, frames: dict[str, pl.DataFrame]) -> list[dg.AssetCheckEvaluation]:
    """One evaluation per partition, from ONE pandera validation of all of them together."""
    combined = pl.concat(list(frames.values())) if frames else table.empty()
    failures = table.validate(combined)
    failing: dict[str, pl.DataFrame] = {}
    if failures is not None:
        rows = combined.with_row_index("index").select("index", "digest_date")
        located = failures.join(
            rows.with_columns(pl.col("index").cast(failures.schema["index"])), on="index", how="left"
        )
        for (day,), cases in located.partition_by("digest_date", as_dict=True).items():
            key = day.isoformat() if day is not None else None
            failing[key] = cases.drop("digest_date")
        if None in failing:  # a failure of the table as a whole fails every partition
            failing = {key: failing[None] for key in frames}
    evaluations = []
    for partition_key, frame in frames.items():
        cases = failing.get(partition_key)
        metadata = {"rows": len(frame)}
        if cases is not None:
            metadata["failures"] = dg.MetadataValue.md(f"```\n{cases.head(20)}\n```")
        evaluations.append(
            dg.AssetCheckEvaluation(
                asset_key=dg.AssetKey(table.name),
                check_name="matches_contract",
                passed=cases is None,
                partition=partition_key,
                metadata=metadata,
            )
        )
    return evaluations


def require_contract(table: TableContract, frames: dict[str, pl.DataFrame]) -> None:
    """Fail the step when a table papertrend derives itself (no input decides its shape) breaks its contract.

    Such a failure is a bug in papertrend, not bad input: a failed step says so louder than a check would.
    """
    combined = pl.concat(list(frames.values())) if frames else table.empty()
    failures = table.validate(combined)
    if failures is not None:
        raise ValueError(f"{table.name} breaks its contract (a papertrend bug, not bad input):\n{failures.head(20)}")


def first_days(counts_by_day: pl.DataFrame, limit: int = 10) -> dg.MetadataValue:
    """A whole-table check's days to look at: the first ``limit`` (day, count) rows as a Markdown list."""
    return dg.MetadataValue.md("\n".join(f"- {day}: {n}" for day, n in counts_by_day.head(limit).iter_rows()) or "none")
