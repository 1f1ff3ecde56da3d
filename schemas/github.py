"""Contracts of the GitHub tables: which repository a paper points at, and its stars over time."""

import datetime as dt

import pandera.polars as pa
import polars as pl

from .contract import BaseConfig, TableContract
from .enrich import UTC
from .ingest import ARXIV_ID_PATTERN

REPO_SOURCES = ("hf_github_repo", "arxiv_comment", "arxiv_abstract")
STAR_SOURCES = ("stargazers_api", "history_api", "snapshot", "digest")  # best first
UMBRELLA_MIN_PAPERS = 3


class BridgePaperRepo(pa.DataFrameModel):
    arxiv_id: str = pa.Field(str_matches=ARXIV_ID_PATTERN, description="arXiv id of the paper.")
    repo_id: pl.Int64 = pa.Field(description="GitHub's numeric repository id (stable across renames and transfers).")
    repo_full_name: str = pa.Field(description="owner/name as GitHub names the repository now (renames followed).")
    linked_as: str = pa.Field(description="owner/name as the paper's data linked it (may be an old name).")
    source: str = pa.Field(
        isin=list(REPO_SOURCES),
        description=(
            "Where the link was found: hf_github_repo (Hugging Face githubRepo), arxiv_comment, arxiv_abstract; in "
            "that priority."
        ),
    )
    is_umbrella: bool = pa.Field(
        description=(
            f"Linked from {UMBRELLA_MIN_PAPERS} or more papers: a framework repository whose stars say little about "
            "one paper."
        )
    )

    class Config(BaseConfig):
        name = "bridge_paper_repo"
        description = "One row per paper and GitHub repository it links to."
        strict = True
        unique = ["arxiv_id", "repo_id"]


class DimRepo(pa.DataFrameModel):
    repo_id: pl.Int64 = pa.Field(unique=True, description="GitHub's numeric repository id.")
    full_name: str = pa.Field(description="Current owner/name.")
    created_at: UTC | None = pa.Field(nullable=True, description="When the repository was created (UTC).")
    language: str | None = pa.Field(nullable=True, description="Primary language as GitHub detects it.")
    license: str | None = pa.Field(nullable=True, description="SPDX id of the license, when GitHub recognises one.")
    stargazers_count: pl.Int64 | None = pa.Field(
        nullable=True, ge=0, description="Stars when last fetched (see fetched_at)."
    )
    fetched_at: UTC = pa.Field(description="When stargazers_count was observed (UTC).")

    class Config(BaseConfig):
        name = "dim_repo"
        description = "One row per GitHub repository linked from any paper, keyed by GitHub's id."
        strict = True


class FctRepoStarsDaily(pa.DataFrameModel):
    repo_id: pl.Int64 = pa.Field(description="GitHub's numeric repository id.")
    star_date: dt.date = pa.Field(
        description=(
            "Calendar day. history_api and stargazers_api: the America/Los_Angeles day the stars were given (GitHub "
            "buckets days in Pacific time under Sunday-UTC week labels); snapshot: the UTC day of observation; "
            "digest: the digest date."
        )
    )
    stars_added: pl.Int64 | None = pa.Field(
        nullable=True, ge=0, description="Stars given that day (history_api, stargazers_api); null for point counts."
    )
    stars_total: pl.Int64 | None = pa.Field(
        nullable=True,
        description=(
            "Stars at the end of that day: history anchored on the current total (total - stars after the day); the "
            "observed count for snapshot and digest."
        ),
    )
    source: str = pa.Field(
        isin=list(STAR_SOURCES),
        description=(
            "stargazers_api (REST walk, own repositories) | history_api (/stargazers/history) | snapshot (a count "
            "observed at observed_at) | digest (Hugging Face's cached count printed in the digest)."
        ),
    )
    observed_at: UTC | None = pa.Field(
        nullable=True,
        description=(
            "When the value was fetched (UTC); for digest rows, null: the digest does not say when Hugging Face "
            "counted."
        ),
    )

    class Config(BaseConfig):
        name = "fct_repo_stars_daily"
        description = (
            "One row per repository, day and source: stars added and total, from every source that reports them."
        )
        strict = True
        unique = ["repo_id", "star_date", "source"]


class RepoHistorySync(pa.DataFrameModel):
    repo_id: pl.Int64 = pa.Field(unique=True, description="GitHub's numeric repository id.")
    etag: str | None = pa.Field(
        nullable=True, description="ETag of history page 1, sent as If-None-Match on the next refresh."
    )
    link: str | None = pa.Field(
        nullable=True, description="Link header of page 1 (a 304 answer carries none, so it is kept here)."
    )
    pages_walked: pl.Int32 = pa.Field(ge=0, description="History pages fetched in the last sync (a 304 counts one).")
    synced_at: UTC = pa.Field(description="When the history was last fetched or confirmed unchanged (UTC).")

    class Config(BaseConfig):
        name = "repo_history_sync"
        description = "One row per repository whose star history was fetched: what a refresh needs."
        strict = True


BRIDGE_PAPER_REPO = TableContract(
    BridgePaperRepo, "bridge", "one (paper, repository) link", partitioned=False, order_by=("arxiv_id", "repo_id")
)
DIM_REPO = TableContract(DimRepo, "dimension", "one GitHub repository", partitioned=False, order_by=("repo_id",))
FCT_REPO_STARS_DAILY = TableContract(
    FctRepoStarsDaily,
    "fact",
    "one repository, day and source",
    partitioned=False,
    order_by=("repo_id", "star_date", "source"),
)
REPO_HISTORY_SYNC = TableContract(
    RepoHistorySync, "status", "one repository's history sync state", partitioned=False, order_by=("repo_id",)
)
