"""The digest_versions asset: every published version of each day's digest, with the entries of each."""

import dagster as dg

from ...schemas import DIGEST_ENTRY_VERSIONS, DIGEST_VERSIONS
from ...transforms.discovery import date_from_path
from ...transforms.versions import Published, version_tables
from ..metadata import asset_spec, require_contract
from ..resources import PapertrendConfig
from .assets import DAY_ASSET

GROUP = "ingest"
DIGEST_PATHSPEC = ("*papers_summary.md",)  # where the generator's repository keeps each day's digest


def published_versions(papertrend: PapertrendConfig) -> list[Published]:
    """The source's digest versions, oldest first: a repository's whole history up to the loaded commit, or a
    plain folder's current files (whose earlier versions are only those papertrend recorded before)."""
    source = papertrend.git()
    if source is None:
        tree = papertrend.scan()
        return [
            Published(day, path.relative_to(tree.root).as_posix(), None, None, path.read_bytes())
            for day, digest in sorted(tree.digests.items())
            for path in digest.paths
        ]
    papertrend.folder()  # checked out (fetched first when this instance never loaded it)
    head = source.checked_out()
    assert head is not None
    dated = [(day, c) for c in source.history(head, DIGEST_PATHSPEC) if (day := date_from_path(c.path))]
    kept = [(c.commit, c.path) for _, c in dated if c.status != "D"]
    blobs = dict(zip(kept, source.read(kept), strict=True))
    return [Published(day, c.path, c.commit, c.committed_at, blobs.get((c.commit, c.path))) for day, c in dated]


@dg.multi_asset(
    name="digest_versions",
    specs=[
        # after the days, so a backfill from the UI runs it with the other whole-history tables, in one run
        asset_spec(DIGEST_VERSIONS, GROUP, {"git", "parquet"}, deps=[DAY_ASSET]),
        asset_spec(DIGEST_ENTRY_VERSIONS, GROUP, {"git", "parquet"}, deps=[DIGEST_VERSIONS.name]),
    ],
    description="Every version of each day's digest in the source's history, and the entries of each.",
)
def digest_versions(context: dg.AssetExecutionContext, papertrend: PapertrendConfig):
    data = papertrend.data
    lake = data.lake
    published = published_versions(papertrend)
    versions, entries = version_tables(
        published, lake.read_table(DIGEST_VERSIONS), lake.read_table(DIGEST_ENTRY_VERSIONS)
    )
    require_contract(DIGEST_VERSIONS, {"": versions})
    require_contract(DIGEST_ENTRY_VERSIONS, {"": entries})
    with data.write_lock():
        lake.write_table(DIGEST_VERSIONS, versions)
        lake.write_table(DIGEST_ENTRY_VERSIONS, entries)
    counts = versions["change"].value_counts()
    by_change = dict(zip(counts["change"].to_list(), counts["count"].to_list(), strict=True))
    yield dg.MaterializeResult(
        asset_key=DIGEST_VERSIONS.name,
        metadata={
            "dagster/row_count": versions.height,
            "days": versions["digest_date"].n_unique(),
            "republished": by_change.get("republished", 0),
            "deleted": by_change.get("deleted", 0),
            "not_in_history": int((~versions["in_history"]).sum()),
        },
    )
    yield dg.MaterializeResult(asset_key=DIGEST_ENTRY_VERSIONS.name, metadata={"dagster/row_count": entries.height})
