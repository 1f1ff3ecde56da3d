"""Table contracts (pandera.polars models): the one place each table's shape is defined."""

from schemas.contract import Column, TableContract
from schemas.ingest import DIGEST_FILES, DIGEST_QUARANTINE, STG_DIGEST_ENTRIES

TABLES: dict[str, TableContract] = {t.name: t for t in (STG_DIGEST_ENTRIES, DIGEST_QUARANTINE, DIGEST_FILES)}

__all__ = ["Column", "TableContract", "TABLES", "STG_DIGEST_ENTRIES", "DIGEST_QUARANTINE", "DIGEST_FILES"]
