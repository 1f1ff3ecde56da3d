"""Contracts of the enrichment tables: what arXiv and Hugging Face told us, and what they did not."""

import datetime as dt
from typing import Annotated

import pandera.polars as pa
import polars as pl

from .contract import BaseConfig, StringList, TableContract
from .ingest import ARXIV_ID_PATTERN

# Microsecond timestamps in UTC, as an annotation pandera expands to pl.Datetime("us", "UTC"); `UTC | None`
# then works too (an instance of pl.Datetime cannot be or-ed with None).
UTC = Annotated[pl.Datetime, "us", "UTC"]
ENRICHMENT_SOURCES = ("arxiv", "hf_daily", "github_repo", "github_history", "github_stargazers")
ENRICHMENT_STATUSES = ("ok", "not_found", "invalid", "error", "pending", "restricted")


class DimPaper(pa.DataFrameModel):
    arxiv_id: str = pa.Field(
        str_matches=ARXIV_ID_PATTERN, unique=True, description="arXiv identifier without version suffix."
    )
    title: str | None = pa.Field(nullable=True, description="Title as arXiv lists it, whitespace collapsed.")
    abstract: str | None = pa.Field(nullable=True, description="Abstract, whitespace collapsed (may hold LaTeX).")
    authors: StringList = pa.Field(description="Author names in arXiv's order (collaboration pseudo-authors kept).")
    primary_category: str | None = pa.Field(nullable=True, description="Primary arXiv category, e.g. cs.CL.")
    categories: StringList = pa.Field(description="All categories as listed, primary first when arXiv lists it so.")
    published_at: UTC | None = pa.Field(nullable=True, description="Submission time of version 1 (UTC).")
    updated_at: UTC | None = pa.Field(nullable=True, description="Submission time of the latest version (UTC).")
    latest_version: pl.Int32 | None = pa.Field(
        nullable=True, ge=1, description="Latest version number (the vN of the returned entry)."
    )
    comment: str | None = pa.Field(nullable=True, description="Authors' comment (pages, venue, sometimes a code link).")
    journal_ref: str | None = pa.Field(nullable=True, description="Journal reference, when given.")
    doi: str | None = pa.Field(nullable=True, description="Publisher DOI, when given (not arXiv's own 10.48550 DOI).")
    fetched_at: UTC = pa.Field(description="When papertrend fetched this record from arXiv (UTC).")

    class Config(BaseConfig):
        name = "dim_paper"
        description = "One row per arXiv paper seen in any digest, with its arXiv metadata."
        strict = True


class StgHfDailyPapers(pa.DataFrameModel):
    digest_date: dt.date = pa.Field(
        description="Date of the Hugging Face daily list (and of the digest built from it)."
    )
    arxiv_id: str = pa.Field(str_matches=ARXIV_ID_PATTERN, description="arXiv id (Hugging Face paper.id).")
    title: str | None = pa.Field(
        nullable=True,
        description=(
            "paper.title: the English title the generator prints; null in lists stored before papertrend kept it."
        ),
    )
    upvotes: pl.Int32 | None = pa.Field(nullable=True, ge=0, description="paper.upvotes when fetched.")
    num_comments: pl.Int32 | None = pa.Field(
        nullable=True, ge=0, description="numComments of the daily-list item (not on single-paper answers)."
    )
    github_repo: str | None = pa.Field(
        nullable=True, description="paper.githubRepo as Hugging Face gives it (may be a framework repository)."
    )
    github_stars: pl.Int32 | None = pa.Field(
        nullable=True, ge=0, description="paper.githubStars: Hugging Face's cached count, possibly stale."
    )
    organization_name: str | None = pa.Field(
        nullable=True, description="Organization handle (item or paper organization.name)."
    )
    organization_fullname: str | None = pa.Field(
        nullable=True, description="Organization display name (organization.fullname)."
    )
    ai_keywords: StringList = pa.Field(description="paper.ai_keywords; empty when none.")
    api_source: str = pa.Field(
        isin=["daily_papers", "paper"],
        description=(
            "daily_papers (the day's list) or paper (/api/papers/{id}, for a digest paper missing from the list)."
        ),
    )
    fetched_at: UTC = pa.Field(
        description="When the answer was fetched (UTC): counts are as of then, not as of the digest date."
    )

    class Config(BaseConfig):
        name = "stg_hf_daily_papers"
        description = (
            "One row per paper per Hugging Face daily list, as fetched, for every day from the first digest on."
        )
        strict = True
        unique = ["digest_date", "arxiv_id"]


class EnrichmentStatus(pa.DataFrameModel):
    source: str = pa.Field(
        isin=list(ENRICHMENT_SOURCES),
        description=(
            "arxiv (key: arXiv id), hf_daily (key: digest date), github_repo (key: owner/name as linked), "
            "github_history and github_stargazers (key: repository id)."
        ),
    )
    key: str = pa.Field(description="What was (to be) fetched: an arXiv id or a date.")
    status: str = pa.Field(
        isin=list(ENRICHMENT_STATUSES),
        description=(
            "ok | not_found (asked again later) | invalid (never asked again) | error (failed after retries; asked "
            "again next run) | pending (not asked: offline or service unreachable) | restricted (the token may not "
            "list it; recorded once, not retried)."
        ),
    )
    reason: str | None = pa.Field(
        nullable=True, description="Why it is not ok: the error, the HTTP status, 'offline', …"
    )
    attempts: pl.Int32 = pa.Field(ge=0, description="Requests that included this key, over all runs.")
    last_attempt_at: UTC = pa.Field(description="When this status was recorded (UTC).")

    class Config(BaseConfig):
        name = "enrichment_status"
        description = "One row per thing to enrich (a paper for arXiv, a date for Hugging Face): its latest outcome."
        strict = True
        unique = ["source", "key"]


DIM_PAPER = TableContract(DimPaper, "dimension", "one arXiv paper", partitioned=False, order_by=("arxiv_id",))
STG_HF_DAILY_PAPERS = TableContract(
    StgHfDailyPapers,
    "staging",
    "one paper on one day's Hugging Face list",
    partitioned=True,
    order_by=("digest_date", "arxiv_id"),
)


class ArxivStatus(EnrichmentStatus):
    class Config(EnrichmentStatus.Config):
        name = "enrichment_status_arxiv"
        description = "arXiv's part of enrichment_status: one row per paper, its latest outcome (written by dim_paper)."


class HfStatus(EnrichmentStatus):
    digest_date: dt.date = pa.Field(description="The day whose Hugging Face list this is (the key, as a date).")

    class Config(EnrichmentStatus.Config):
        name = "enrichment_status_hf"
        description = (
            "Hugging Face's part of enrichment_status: one row per day from the first digest on, its latest outcome "
            "(written with stg_hf_daily_papers, per day)."
        )


class GithubStatus(EnrichmentStatus):
    class Config(EnrichmentStatus.Config):
        name = "enrichment_status_github"
        description = (
            "GitHub's part of enrichment_status: one row per repository look-up, history or stargazer walk, its "
            "latest outcome (written by the GitHub tables' asset)."
        )


def _status(model: type[EnrichmentStatus]) -> TableContract:
    return TableContract(model, "status", "one (source, key) to enrich", partitioned=False, order_by=("source", "key"))


# Each enrichment step owns its own status table; the warehouse view enrichment_status is their union.
ENRICHMENT_STATUS_ARXIV = _status(ArxivStatus)
ENRICHMENT_STATUS_HF = TableContract(
    HfStatus, "status", "one digest date's Hugging Face list", partitioned=True, order_by=("digest_date",)
)
ENRICHMENT_STATUS_GITHUB = _status(GithubStatus)
STATUS_TABLES = (ENRICHMENT_STATUS_ARXIV, ENRICHMENT_STATUS_HF, ENRICHMENT_STATUS_GITHUB)
