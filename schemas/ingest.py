"""Contracts of the ingest tables: what the parser produces from the digests."""

import datetime as dt

import pandera.polars as pa
import polars as pl

from .contract import BaseConfig, StringList, TableContract

LAB_TAGS = ("Super Lab", "Frontier Lab", "Must Read", "Viral")
# New-style ids (2602.06570) and old-style ids (hep-th/9901001); never a version suffix.
ARXIV_ID_PATTERN = r"^(\d{4}\.\d{4,5}|[a-z][a-z\-]*(\.[A-Z]{2})?/\d{7})$"
FILE_STATUSES = ("loaded", "empty", "no_digest", "rejected", "derived")
SHA256_PATTERN = r"^[0-9a-f]{64}$"


class StgDigestEntries(pa.DataFrameModel):
    digest_date: dt.date = pa.Field(description="Date of the digest (the partition), from the file's path.")
    rank: pl.Int32 = pa.Field(ge=1, description="Position in the digest, 1-based as printed.")
    is_golden: bool = pa.Field(description="True when the heading carries the 🏆 mark (tags Viral or Must Read).")
    title_en: str = pa.Field(str_length={"min_value": 1}, description="English title.")
    title_zh: str | None = pa.Field(
        nullable=True, description="Chinese title; null when the digest printed English only."
    )
    arxiv_id: str = pa.Field(str_matches=ARXIV_ID_PATTERN, description="arXiv identifier without version suffix.")
    org_raw: str | None = pa.Field(
        nullable=True, description="Organization exactly as printed (trimmed); null when 'Unknown'."
    )
    score: float = pa.Field(ge=0, le=1000, description="Ranking score as printed.")
    tags: StringList = pa.Field(
        description="Lab tags in printed order (Super Lab, Frontier Lab, Must Read, Viral); empty when none."
    )
    upvotes: pl.Int32 = pa.Field(ge=0, description="Hugging Face upvotes at digest time.")
    stars: pl.Int32 = pa.Field(
        ge=0, description="GitHub stars of the linked repository at digest time (Hugging Face's cached count)."
    )
    summary_zh: str | None = pa.Field(nullable=True, description="One-paragraph Chinese summary; null when absent.")
    highlights: StringList = pa.Field(description="Highlight bullet points; empty when absent.")
    source_path: str = pa.Field(description="Digest file the entry was read from, relative to the digests folder.")
    source_line: pl.Int32 = pa.Field(ge=1, description="Line number of the entry's heading in the source file.")
    source_sha256: str = pa.Field(str_matches=SHA256_PATTERN, description="SHA-256 of the source file's bytes.")

    @pa.check("tags", name="known_lab_tags", error=f"every tag is one of {', '.join(LAB_TAGS)}")
    def known_lab_tags(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).list.eval(pl.element().is_in(list(LAB_TAGS))).list.all())

    class Config(BaseConfig):
        name = "stg_digest_entries"
        description = "One row per entry parsed from a daily digest, typed, nothing joined."
        strict = True
        unique = ["digest_date", "source_line"]


class DigestQuarantine(pa.DataFrameModel):
    digest_date: dt.date = pa.Field(description="Partition date of the file the entry came from.")
    source_path: str = pa.Field(description="Digest file, relative to the digests folder.")
    source_line: pl.Int32 = pa.Field(
        ge=1, description="Line of the entry's heading (1 for a problem with the whole file)."
    )
    reason: str = pa.Field(
        str_length={"min_value": 1}, description="Why the entry was not loaded: field, line and offending text."
    )
    raw_text: str = pa.Field(description="The entry's lines as they stand in the file (cut at 64 KiB).")

    class Config(BaseConfig):
        name = "digest_quarantine"
        description = "One row per digest entry (or unreadable file) that could not be loaded, with the reason."
        strict = True


class DigestFiles(pa.DataFrameModel):
    digest_date: dt.date = pa.Field(description="Partition date.")
    source_path: str | None = pa.Field(nullable=True, description="Digest file for the date; null when none was found.")
    status: str = pa.Field(
        isin=list(FILE_STATUSES),
        description=(
            "loaded | empty (a digest saying there was nothing that day) | no_digest (no file that day) | "
            "rejected (file unreadable or not a digest) | derived (analyst database only: no file, the day's "
            "selection derived from its Hugging Face list, see fct_derived_selection; the lake keeps no_digest)."
        ),
    )
    status_reason: str | None = pa.Field(
        nullable=True, description="Why a file was rejected, or what disagreed; null when all is well."
    )
    declared_count: pl.Int32 | None = pa.Field(
        nullable=True, ge=0, description="Entry count the digest declares in its **论文数量** line."
    )
    parsed_count: pl.Int32 = pa.Field(ge=0, description="Entries loaded into stg_digest_entries.")
    quarantined_count: pl.Int32 = pa.Field(ge=0, description="Entries sent to digest_quarantine.")
    source_sha256: str | None = pa.Field(
        nullable=True,
        str_matches=SHA256_PATTERN,
        description="SHA-256 of the file's bytes; what the sensor compares to notice changes.",
    )

    class Config(BaseConfig):
        name = "digest_files"
        description = "One row per partition date processed: which file was read and what came of it."
        strict = True
        unique = ["digest_date"]


STG_DIGEST_ENTRIES = TableContract(
    StgDigestEntries,
    "staging",
    "one parsed digest entry",
    partitioned=True,
    order_by=("digest_date", "rank", "source_line"),
)
DIGEST_QUARANTINE = TableContract(
    DigestQuarantine,
    "staging",
    "one entry or file that could not be loaded",
    partitioned=True,
    order_by=("digest_date", "source_line"),
)
DIGEST_FILES = TableContract(
    DigestFiles,
    "staging",
    "one partition date",
    partitioned=True,
    order_by=("digest_date",),
    # papertrend before 2026-12 called a day without a digest "missing", a word Dagster's UI uses for never run
    renamed_values=(("status", "missing", "no_digest"),),
)
