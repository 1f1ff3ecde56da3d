"""The bare baseline: the parse + Parquet + DuckDB work of a backfill, without Dagster.

``python -m bench.bare DIGESTS DATA`` reads every digest and report under DIGESTS, writes the same
per-day lake partitions and whole tables a backfill writes (enrichment aside: no requests), publishes
the analyst database and draws the trend report. The benchmark times it beside the Dagster backfills of the same
corpus, so every backfill figure has a floor to be read against.
"""

import datetime as dt
import sys
from pathlib import Path

import polars as pl

from papertrend.schemas import (
    BRIDGE_PAPER_TOPIC,
    DIGEST_FILES,
    DIGEST_QUARANTINE,
    DIM_ORG,
    DIM_PAPER,
    DIM_TOPIC,
    ENRICHMENT_STATUS_HF,
    FCT_DERIVED_SELECTION,
    FCT_LAB_TIER_CHANGES,
    FCT_PAPER_APPEARANCES,
    FCT_SELECTION_AUDIT,
    PAPER_NOTES,
    SOURCE_FILES,
    STG_DIGEST_ENTRIES,
    STG_GITHUB_TRENDING,
    STG_HF_DAILY_PAPERS,
    TABLES,
)
from papertrend.transforms import analytics, selection
from papertrend.transforms.day_files import read_day_files
from papertrend.transforms.discovery import scan_sources
from papertrend.transforms.ingest import ingest_days
from papertrend.transforms.orgs import load_aliases
from papertrend.transforms.topics import load_taxonomy
from papertrend.warehouse import DataDir, publish
from papertrend.warehouse.report import build_report


def run(digests: Path, data_dir: Path) -> int:
    data = DataDir(data_dir)
    lake = data.lake
    tree = scan_sources(digests)
    first, last = min(tree.digests), max(tree.digests)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    for result in ingest_days(tree.digests, days):
        for table, frame in (
            (STG_DIGEST_ENTRIES, result.entries),
            (DIGEST_QUARANTINE, result.quarantine),
            (DIGEST_FILES, result.files),
        ):
            lake.write_partition(table, result.digest_date, frame)
    for result in read_day_files(tree, days):
        for table, rows in ((SOURCE_FILES, result.files), (STG_GITHUB_TRENDING, result.trending)):
            lake.write_partition(table, result.day, pl.DataFrame(rows, schema=table.polars_schema))
        lake.write_partition(PAPER_NOTES, result.day, pl.DataFrame(result.notes, schema=PAPER_NOTES.polars_schema))
        for table in (STG_HF_DAILY_PAPERS, ENRICHMENT_STATUS_HF):  # the day's list files, empty without requests
            lake.write_partition(table, result.day, table.empty())
    everything = lake.read_all(STG_DIGEST_ENTRIES)
    lists = lake.read_all(STG_HF_DAILY_PAPERS)  # none without requests: the tables stay empty, as offline
    aliases = load_aliases()
    dim_topic, bridge = analytics.topics(everything, lake.read_table(DIM_PAPER), load_taxonomy(), lists)
    changes = analytics.tier_changes(everything)
    missing = lake.read_all(DIGEST_FILES).filter(pl.col("status") == "missing").get_column("digest_date")
    for table, frame in (
        (FCT_PAPER_APPEARANCES, analytics.appearances(everything, aliases)),
        (DIM_ORG, analytics.dim_org(everything, aliases, lists)),
        (DIM_TOPIC, dim_topic),
        (BRIDGE_PAPER_TOPIC, bridge),
        (FCT_LAB_TIER_CHANGES, changes),
        (FCT_SELECTION_AUDIT, selection.audit_selection(lists, everything, changes, aliases)),
        (FCT_DERIVED_SELECTION, selection.derive_selection(lists, everything, changes, aliases, missing.to_list())),
    ):
        lake.write_table(table, frame)
    publish(lake, data.analyst_db, TABLES.values())
    build_report(data.analyst_db, data.report_dir)  # the charts a backfill draws
    return len(days)


if __name__ == "__main__":
    print(run(Path(sys.argv[1]), Path(sys.argv[2])))
