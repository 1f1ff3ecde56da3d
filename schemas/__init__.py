"""Table contracts (pandera.polars models): the one place each table's shape is defined."""

from papertrend.schemas.analytics import (
    BRIDGE_PAPER_TOPIC,
    DIM_ORG,
    DIM_TOPIC,
    FCT_DERIVED_SELECTION,
    FCT_LAB_TIER_CHANGES,
    FCT_PAPER_APPEARANCES,
    FCT_SELECTION_AUDIT,
)
from papertrend.schemas.contract import Column, TableContract
from papertrend.schemas.enrich import (
    DIM_PAPER,
    ENRICHMENT_STATUS_ARXIV,
    ENRICHMENT_STATUS_GITHUB,
    ENRICHMENT_STATUS_HF,
    STATUS_TABLES,
    STG_HF_DAILY_PAPERS,
)
from papertrend.schemas.github import BRIDGE_PAPER_REPO, DIM_REPO, FCT_REPO_STARS_DAILY, REPO_HISTORY_SYNC
from papertrend.schemas.ingest import DIGEST_FILES, DIGEST_QUARANTINE, STG_DIGEST_ENTRIES
from papertrend.schemas.sources import PAPER_NOTES, SOURCE_FILES, STG_GITHUB_TRENDING

TABLES: dict[str, TableContract] = {
    t.name: t
    for t in (
        STG_DIGEST_ENTRIES,
        DIGEST_QUARANTINE,
        DIGEST_FILES,
        DIM_PAPER,
        STG_HF_DAILY_PAPERS,
        ENRICHMENT_STATUS_ARXIV,
        ENRICHMENT_STATUS_HF,
        ENRICHMENT_STATUS_GITHUB,
        BRIDGE_PAPER_REPO,
        DIM_REPO,
        FCT_REPO_STARS_DAILY,
        REPO_HISTORY_SYNC,
        DIM_ORG,
        DIM_TOPIC,
        BRIDGE_PAPER_TOPIC,
        FCT_PAPER_APPEARANCES,
        FCT_LAB_TIER_CHANGES,
        FCT_SELECTION_AUDIT,
        FCT_DERIVED_SELECTION,
        SOURCE_FILES,
        STG_GITHUB_TRENDING,
        PAPER_NOTES,
    )
}

__all__ = [
    "Column",
    "TableContract",
    "TABLES",
    "STG_DIGEST_ENTRIES",
    "DIGEST_QUARANTINE",
    "DIGEST_FILES",
    "DIM_PAPER",
    "STG_HF_DAILY_PAPERS",
    "ENRICHMENT_STATUS_ARXIV",
    "ENRICHMENT_STATUS_HF",
    "ENRICHMENT_STATUS_GITHUB",
    "STATUS_TABLES",
    "BRIDGE_PAPER_REPO",
    "DIM_REPO",
    "FCT_REPO_STARS_DAILY",
    "REPO_HISTORY_SYNC",
    "DIM_ORG",
    "DIM_TOPIC",
    "BRIDGE_PAPER_TOPIC",
    "FCT_PAPER_APPEARANCES",
    "FCT_LAB_TIER_CHANGES",
    "FCT_SELECTION_AUDIT",
    "FCT_DERIVED_SELECTION",
    "SOURCE_FILES",
    "STG_GITHUB_TRENDING",
    "PAPER_NOTES",
]
