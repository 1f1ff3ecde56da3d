"""The digest_versions asset: every published version of each day's digest and trending list, with the entries
of each."""

import dagster as dg

from ...schemas import DIGEST_ENTRY_VERSIONS, DIGEST_VERSIONS, TRENDING_ENTRY_VERSIONS, TRENDING_VERSIONS
from ...transforms.discovery import date_from_path
from ...transforms.versions import TABLES_OF, Published, version_tables
from ..metadata import asset_spec, require_contract
from ..resources import PapertrendConfig
from .assets import DAY_ASSET

GROUP = "ingest"
# Where the generator's repository keeps each day's files of that kind (a plain folder is classified by content).
PATHSPECS = {"paper_digest": ("*papers_summary.md",), "github_trending": ("*github_trending.md",)}


def published_versions(papertrend: PapertrendConfig, kind: str) -> list[Published]:
    """The source's versions of one kind of file, oldest first: a repository's whole history up to the loaded
    commit, or a plain folder's current files (whose earlier versions are only those papertrend recorded)."""
    source = papertrend.git()
    if source is None:
        tree = papertrend.scan()
        return [
            Published(f.day, f.relative_path, None, None, f.path.read_bytes())
            for f in tree.of_kind(kind)
            if f.day is not None
        ]
    papertrend.folder()  # checked out (fetched first when this instance never loaded it)
    head = source.checked_out()
    assert head is not None
    dated = [(day, c) for c in source.history(head, PATHSPECS[kind]) if (day := date_from_path(c.path))]
    kept = [(c.commit, c.path) for _, c in dated if c.status != "D"]
    blobs = dict(zip(kept, source.read(kept), strict=True))
    return [Published(day, c.path, c.commit, c.committed_at, blobs.get((c.commit, c.path))) for day, c in dated]


@dg.multi_asset(
    name="digest_versions",
    specs=[
        # after the days, so a backfill from the UI runs it with the other whole-history tables, in one run
        asset_spec(DIGEST_VERSIONS, GROUP, {"git", "parquet"}, deps=[DAY_ASSET]),
        asset_spec(DIGEST_ENTRY_VERSIONS, GROUP, {"git", "parquet"}, deps=[DIGEST_VERSIONS.name]),
        asset_spec(TRENDING_VERSIONS, GROUP, {"git", "parquet"}, deps=[DAY_ASSET]),
        asset_spec(TRENDING_ENTRY_VERSIONS, GROUP, {"git", "parquet"}, deps=[TRENDING_VERSIONS.name]),
    ],
    description="Every version of each day's digest and trending list in the source's history, and their entries.",
)
def digest_versions(context: dg.AssetExecutionContext, papertrend: PapertrendConfig):
    data = papertrend.data
    lake = data.lake
    for kind, (versions_table, entries_table) in TABLES_OF.items():
        recorded = lake.read_table(versions_table), lake.read_table(entries_table)
        versions, entries = version_tables(published_versions(papertrend, kind), *recorded, kind=kind)
        require_contract(versions_table, {"": versions})
        require_contract(entries_table, {"": entries})
        with data.write_lock():
            lake.write_table(versions_table, versions)
            lake.write_table(entries_table, entries)
        counts = dict(versions["change"].value_counts().iter_rows())
        yield dg.MaterializeResult(
            asset_key=versions_table.name,
            metadata={
                "dagster/row_count": versions.height,
                "days": versions["digest_date"].n_unique(),
                "republished": counts.get("republished", 0),
                "deleted": counts.get("deleted", 0),
                "not_in_history": int((~versions["in_history"]).sum()),
            },
        )
        yield dg.MaterializeResult(asset_key=entries_table.name, metadata={"dagster/row_count": entries.height})
