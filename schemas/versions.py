"""Contracts of the version tables: every published version of each day's digest and trending list, and the
entries of each."""

import datetime as dt

import pandera.polars as pa
import polars as pl

from .contract import BaseConfig, StringList, TableContract
from .enrich import UTC
from .ingest import ARXIV_ID_PATTERN, SHA256_PATTERN
from .sources import REPO_NAME_PATTERN

VERSION_CHANGES = ("published", "republished", "deleted")


class _Versions(pa.DataFrameModel):
    """The columns every version table has (a digest's or a trending list's)."""

    digest_date: dt.date = pa.Field(description="The day the file is for, from its path.")
    source_path: str = pa.Field(description="The file, relative to the repository's (or folder's) root.")
    commit: str | None = pa.Field(
        nullable=True, description="The commit that published this version; null when read from a plain folder."
    )
    committed_at: UTC | None = pa.Field(nullable=True, description="When that commit was made, in UTC.")
    version: pl.Int32 = pa.Field(ge=1, description="The version's number for its day: 1, 2, ... in publication order.")
    change: str = pa.Field(
        isin=list(VERSION_CHANGES),
        description="published (the day's first version), republished (a later one) or deleted (the file removed).",
    )
    content_sha256: str | None = pa.Field(
        nullable=True,
        str_matches=SHA256_PATTERN,
        description="SHA-256 of the version's bytes (the key of its rows in digest_entry_versions); null if deleted.",
    )
    entries: pl.Int32 = pa.Field(ge=0, description="Entries the version lists (read; 0 when deleted).")
    quarantined: pl.Int32 = pa.Field(ge=0, description="Entries of the version that could not be read.")
    is_current: bool = pa.Field(description="True for the version the current tables hold (the latest one).")
    superseded_by: str | None = pa.Field(
        nullable=True, description="The commit of the version that replaced this one; null for the current one."
    )
    in_history: bool = pa.Field(
        description="False when the commit is no longer in the repository's history (a force-push rewrote it)."
    )


class DigestVersions(_Versions):
    class Config(BaseConfig):
        name = "digest_versions"
        description = (
            "One row per version of each day's digest found in the source's history, re-publications and "
            "deletions included; versions a force-push removed stay, with in_history false."
        )
        strict = True
        unique = ["digest_date", "source_path", "commit", "content_sha256"]


class DigestEntryVersions(pa.DataFrameModel):
    digest_date: dt.date = pa.Field(description="Date of the digest.")
    content_sha256: str = pa.Field(
        str_matches=SHA256_PATTERN, description="The version the entry belongs to (digest_versions.content_sha256)."
    )
    rank: pl.Int32 = pa.Field(ge=1, description="Position in that version, 1-based as printed.")
    arxiv_id: str = pa.Field(str_matches=ARXIV_ID_PATTERN, description="arXiv identifier without version suffix.")
    title_en: str = pa.Field(description="English title.")
    org_raw: str | None = pa.Field(nullable=True, description="Organization as printed; null when 'Unknown'.")
    score: float = pa.Field(ge=0, le=1000, description="Ranking score as printed.")
    tags: StringList = pa.Field(description="Lab tags in printed order.")
    upvotes: pl.Int32 = pa.Field(ge=0, description="Hugging Face upvotes as printed.")
    stars: pl.Int32 = pa.Field(ge=0, description="GitHub stars as printed.")

    class Config(BaseConfig):
        name = "digest_entry_versions"
        description = (
            "One row per entry of each digest version (facts only), so what a re-publication changed can be "
            "compared: see the view digest_changes."
        )
        strict = True
        unique = ["digest_date", "content_sha256", "rank", "arxiv_id"]


class TrendingVersions(_Versions):
    class Config(BaseConfig):
        name = "trending_versions"
        description = (
            "One row per version of each day's GitHub trending list (github_trending.md) in the source's history, "
            "as digest_versions is for digests; its entries are repositories."
        )
        strict = True
        unique = ["digest_date", "source_path", "commit", "content_sha256"]


class TrendingEntryVersions(pa.DataFrameModel):
    digest_date: dt.date = pa.Field(description="Day of the trending list.")
    content_sha256: str = pa.Field(
        str_matches=SHA256_PATTERN, description="The version the row belongs to (trending_versions.content_sha256)."
    )
    rank: pl.Int32 = pa.Field(ge=1, description="Position in that version, as printed.")
    repo_full_name: str = pa.Field(str_matches=REPO_NAME_PATTERN, description="owner/name as printed.")
    language: str | None = pa.Field(nullable=True, description="Language as printed; null when absent.")
    stars_total: pl.Int64 = pa.Field(ge=0, description="Total stars as printed.")
    stars_today: pl.Int64 = pa.Field(ge=0, description="Stars gained that day, as printed.")

    class Config(BaseConfig):
        name = "trending_entry_versions"
        description = "One row per repository of each trending-list version (facts only)."
        strict = True
        unique = ["digest_date", "content_sha256", "rank", "repo_full_name"]


DIGEST_VERSIONS = TableContract(
    DigestVersions,
    "staging",
    "one version of one day's digest",
    partitioned=False,
    order_by=("digest_date", "version"),
)
DIGEST_ENTRY_VERSIONS = TableContract(
    DigestEntryVersions,
    "staging",
    "one entry of one digest version",
    partitioned=False,
    order_by=("digest_date", "content_sha256", "rank"),
)
TRENDING_VERSIONS = TableContract(
    TrendingVersions,
    "staging",
    "one version of one day's trending list",
    partitioned=False,
    order_by=("digest_date", "version"),
)
TRENDING_ENTRY_VERSIONS = TableContract(
    TrendingEntryVersions,
    "staging",
    "one repository of one trending-list version",
    partitioned=False,
    order_by=("digest_date", "content_sha256", "rank"),
)
