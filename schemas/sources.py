"""Contracts of what the source folder holds beside the digests: its files, trending lists, paper notes."""

import datetime as dt

import pandera.polars as pa
import polars as pl

from .contract import BaseConfig, TableContract
from .ingest import ARXIV_ID_PATTERN

SOURCE_KINDS = ("paper_digest", "paper_note", "github_trending", "hacker_news", "daily_report", "stats_json", "other")
REPO_NAME_PATTERN = r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"


class SourceFiles(pa.DataFrameModel):
    digest_date: dt.date = pa.Field(
        description="Day the file belongs to: the last date in its path (or in the folder's path)."
    )
    source_path: str = pa.Field(description="File, relative to the digests folder.")
    kind: str = pa.Field(
        isin=list(SOURCE_KINDS),
        description=(
            "What the file is, told by its content: paper_digest | paper_note | github_trending | hacker_news | "
            "daily_report | stats_json | other."
        ),
    )
    used: bool = pa.Field(
        description=(
            "True when the pipeline read facts from it (digest, trending list, paper note, stats.json); hacker_news, "
            "daily_report and other files are listed only."
        )
    )
    detail: str | None = pa.Field(
        nullable=True,
        description=(
            "What stood out: not UTF-8, two digests for the day, unreadable trending entries (file, line, field); "
            "null when nothing did."
        ),
    )

    class Config(BaseConfig):
        name = "source_files"
        description = (
            "One row per Markdown or stats.json file found for a day under the digests folder, with what it is and "
            "whether it was used."
        )
        strict = True
        unique = ["digest_date", "source_path"]


class StgGithubTrending(pa.DataFrameModel):
    digest_date: dt.date = pa.Field(
        description="Day of the trending list (the folder's date): the day the counts were printed."
    )
    rank: pl.Int32 = pa.Field(ge=1, description="Position in the day's list, as printed.")
    repo_full_name: str = pa.Field(str_matches=REPO_NAME_PATTERN, description="owner/name as printed in the heading.")
    language: str | None = pa.Field(nullable=True, description="Language as printed (**语言**); null when absent.")
    stars_total: pl.Int64 = pa.Field(ge=0, description="Total stars as printed (**Stars**).")
    stars_today: pl.Int64 = pa.Field(
        ge=0, description="Stars gained that day as printed (**今日**, GitHub Trending's daily window)."
    )
    source_path: str = pa.Field(description="github_trending.md the row was read from, relative to the digests folder.")
    source_line: pl.Int32 = pa.Field(ge=1, description="Line of the repository's heading.")

    class Config(BaseConfig):
        name = "stg_github_trending"
        description = (
            "One row per repository in a day's github_trending.md: real GitHub star observations (total and daily "
            "gain) as printed."
        )
        strict = True
        unique = ["digest_date", "repo_full_name"]


class PaperNotes(pa.DataFrameModel):
    digest_date: dt.date = pa.Field(description="Day of the folder holding the note.")
    arxiv_id: str = pa.Field(
        str_matches=ARXIV_ID_PATTERN,
        description="arXiv id from the file name papers_note_{id}.md; joins stg_digest_entries.",
    )
    source_path: str = pa.Field(description="The note, relative to the digests folder (its text stays there).")

    class Config(BaseConfig):
        name = "paper_notes"
        description = (
            "One row per paper note file (papers/papers_note_<arXiv id>.md), linked to its paper by id and day."
        )
        strict = True
        unique = ["digest_date", "source_path"]


SOURCE_FILES = TableContract(
    SourceFiles, "staging", "one source file of a day", partitioned=True, order_by=("digest_date", "source_path")
)
STG_GITHUB_TRENDING = TableContract(
    StgGithubTrending,
    "staging",
    "one repository in one day's trending list",
    partitioned=True,
    order_by=("digest_date", "rank"),
)
PAPER_NOTES = TableContract(
    PaperNotes, "staging", "one paper note file", partitioned=True, order_by=("digest_date", "arxiv_id")
)
