"""Table contracts (pandera.polars models): the one place each table's shape is defined."""

from schemas.contract import Column, TableContract
from schemas.enrich import DIM_PAPER, ENRICHMENT_STATUS, STG_HF_DAILY_PAPERS
from schemas.github import BRIDGE_PAPER_REPO, DIM_REPO, FCT_REPO_STARS_DAILY, REPO_HISTORY_SYNC
from schemas.ingest import DIGEST_FILES, DIGEST_QUARANTINE, STG_DIGEST_ENTRIES

TABLES: dict[str, TableContract] = {
    t.name: t
    for t in (STG_DIGEST_ENTRIES, DIGEST_QUARANTINE, DIGEST_FILES, DIM_PAPER, STG_HF_DAILY_PAPERS, ENRICHMENT_STATUS,
              BRIDGE_PAPER_REPO, DIM_REPO, FCT_REPO_STARS_DAILY, REPO_HISTORY_SYNC)
}

__all__ = [
    "Column", "TableContract", "TABLES", "STG_DIGEST_ENTRIES", "DIGEST_QUARANTINE", "DIGEST_FILES",
    "DIM_PAPER", "STG_HF_DAILY_PAPERS", "ENRICHMENT_STATUS", "BRIDGE_PAPER_REPO", "DIM_REPO", "FCT_REPO_STARS_DAILY",
    "REPO_HISTORY_SYNC",
]
