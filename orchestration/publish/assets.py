import dagster as dg
import duckdb

from ...schemas import TABLES
from ...warehouse import publish
from ..resources import PapertrendConfig


def _markdown_counts(counts: dict[str, int]) -> str:
    lines = ["| table or view | rows |", "|---|---:|"]
    lines += [f"| `{name}` | {rows:,} |" for name, rows in counts.items()]
    return "\n".join(lines)


@dg.asset(
    name="analyst_warehouse",
    group_name="publish",
    kinds={"duckdb"},
    deps=list(TABLES),
    description=(
        "The DuckDB database analysts query (warehouse.duckdb in the data directory): every lake table plus "
        "the analytics views, rebuilt from the lake and swapped in atomically, so an analyst holding it open "
        "never blocks a run."
    ),
)
def analyst_warehouse(context: dg.AssetExecutionContext, papertrend: PapertrendConfig) -> dg.MaterializeResult:
    data = papertrend.data
    with data.write_lock():
        swept = data.remove_stale_temporaries()
        counts = publish(data.lake, data.analyst_db, TABLES.values())
    with duckdb.connect(str(data.analyst_db), read_only=True) as con:
        size = data.analyst_db.stat().st_size
        views = [r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(data.analyst_db)),
            "size_bytes": size,
            "stale_temporaries_removed": swept,
            "row_counts": dg.MetadataValue.md(_markdown_counts(counts)),
            "views": dg.MetadataValue.json(views),
            "query_with": dg.MetadataValue.md(f"```\nduckdb -readonly {data.analyst_db}\n```"),
        }
    )
