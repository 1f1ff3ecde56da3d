import base64

import dagster as dg
import duckdb

from ...schemas import TABLES
from ...warehouse import publish
from ..metadata import Metadata
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
            "size_mib": round(size / 2**20, 1),  # a number (Dagster plots it across runs), in people's unit
            "stale_temporaries_removed": swept,
            "row_counts": dg.MetadataValue.md(_markdown_counts(counts)),
            "views": dg.MetadataValue.md(", ".join(f"`{view}`" for view in sorted(views))),
            "query_with": dg.MetadataValue.md(f"```\nduckdb -readonly {data.analyst_db}\n```"),
        }
    )


@dg.asset(
    name="trend_report",
    group_name="publish",
    kinds={"html", "matplotlib"},
    deps=["analyst_warehouse"],
    description=(
        "Charts of organization share, rising topics, score components and star momentum, drawn from the "
        "analyst database: report/trend_report.html in the data directory (self-contained) and one PNG per "
        "chart. Also `papertrend report`."
    ),
)
def trend_report(context: dg.AssetExecutionContext, papertrend: PapertrendConfig) -> dg.MaterializeResult:
    from ...warehouse.report import CHARTS, build_report  # matplotlib loads only when a report is drawn

    data = papertrend.data
    with data.write_lock():
        report = build_report(data.analyst_db, data.report_dir)
    metadata: Metadata = {"html": dg.MetadataValue.path(str(report.html_path))}
    for name, title in CHARTS.items():  # once per report build: the report is one asset, not one per day
        encoded = base64.b64encode(report.png_bytes(name)).decode("ascii")
        metadata[name] = dg.MetadataValue.md(f"**{title}**\n\n![{name}](data:image/png;base64,{encoded})")
    metadata["top_orgs"] = dg.MetadataValue.md(
        "\n".join(
            ["| organization | appearances | share |", "|---|---:|---:|"]
            + [f"| {name.replace('|', '/')} | {n:,} | {share:.1%} |" for name, n, share in report.top_orgs]
        )
    )
    metadata["rule_changes"] = ", ".join(d.isoformat() for d, _ in report.rule_changes) or "no change of the tier rules"
    return dg.MaterializeResult(metadata=metadata)
