"""Contracts of the analytics model: organizations, topics, appearances and their scores."""

import datetime as dt

import pandera.polars as pa
import polars as pl

from .contract import BaseConfig, StringList, TableContract
from .ingest import ARXIV_ID_PATTERN

LAB_TIERS = ("super", "frontier", "none")
TOPIC_SOURCES = ("title_en", "abstract", "title_zh", "summary_zh", "highlights", "arxiv_category")


class DimOrg(pa.DataFrameModel):
    org_key: str = pa.Field(
        unique=True,
        str_matches=r"^\S+$",
        description="Stable id: the canonical name in lower case, words joined by '-'.",
    )
    org_name: str = pa.Field(
        description="Canonical name (from transforms/reference/org_aliases.csv, or the printed string when unreviewed)."
    )
    parent_org_key: str | None = pa.Field(
        nullable=True, description="org_key of the organization it belongs to; null for a top-level organization."
    )
    top_org_key: str = pa.Field(
        description="org_key at the top of the parent chain (itself when top-level): what org_trends rolls up to."
    )
    top_org_name: str = pa.Field(description="Name of top_org_key.")
    depth: pl.Int32 = pa.Field(ge=0, description="Steps from the top of the parent chain (0 = top-level).")
    spellings: pl.Int32 = pa.Field(
        ge=0,
        description="Reviewed printed spellings mapped to this organization (0 for a parent never printed itself).",
    )
    reviewed: bool = pa.Field(
        description=(
            "False for a string printed in a digest, or named only on a Hugging Face list, that the alias file does "
            "not list yet (printed ones: see the org_spellings view)."
        )
    )

    class Config(BaseConfig):
        name = "dim_org"
        description = "One row per canonical organization, with its parent organization."
        strict = True


class DimTopic(pa.DataFrameModel):
    topic_key: str = pa.Field(unique=True, str_matches=r"^[a-z0-9_]+$", description="Stable id of the topic.")
    name_en: str = pa.Field(description="English name.")
    name_zh: str = pa.Field(description="Chinese name.")
    taxonomy_version: str = pa.Field(description="Version of transforms/reference/topics.toml the topic comes from.")
    en_patterns: StringList = pa.Field(
        description="Case-insensitive regular expressions matched on English titles and abstracts."
    )
    zh_keywords: StringList = pa.Field(description="Substrings matched on the Chinese title, summary and highlights.")
    arxiv_categories: StringList = pa.Field(
        description="arXiv categories that imply the topic ('math.*' = any math category)."
    )

    class Config(BaseConfig):
        name = "dim_topic"
        description = "One row per topic of the versioned bilingual taxonomy."
        strict = True


class BridgePaperTopic(pa.DataFrameModel):
    arxiv_id: str = pa.Field(str_matches=ARXIV_ID_PATTERN, description="The paper.")
    topic_key: str = pa.Field(description="The topic (dim_topic).")
    source: str = pa.Field(
        isin=list(TOPIC_SOURCES),
        description=(
            "Which text matched: title_en, abstract (arXiv), title_zh, summary_zh, highlights or arxiv_category."
        ),
    )
    matched: str = pa.Field(
        description="The words (or categories) that matched, comma-separated: why the label is there."
    )
    taxonomy_version: str = pa.Field(description="Taxonomy version that produced the label.")

    class Config(BaseConfig):
        name = "bridge_paper_topic"
        description = (
            "One row per paper, topic and text that matched: multi-label topics with their evidence. Printed papers "
            "are labelled from all their texts; papers only a Hugging Face list has, from that list's title "
            "(title_en)."
        )
        strict = True
        unique = ["arxiv_id", "topic_key", "source"]


class FctPaperAppearances(pa.DataFrameModel):
    digest_date: dt.date = pa.Field(description="Digest date (the partition).")
    arxiv_id: str = pa.Field(str_matches=ARXIV_ID_PATTERN, description="The paper.")
    rank: pl.Int32 = pa.Field(ge=1, description="Position in that day's digest.")
    is_golden: bool = pa.Field(description="Golden (🏆) entry.")
    title_en: str = pa.Field(description="English title as printed that day.")
    org_raw: str | None = pa.Field(nullable=True, description="Organization exactly as printed; null when 'Unknown'.")
    org_key: str = pa.Field(description="Canonical organization (dim_org); 'unknown' when none was printed.")
    org_reviewed: bool = pa.Field(description="False when org_raw is not in the reviewed alias file yet.")
    tags: StringList = pa.Field(description="Lab tags as printed.")
    lab_tier: str = pa.Field(
        isin=list(LAB_TIERS), description="super (Super Lab tag), frontier (Frontier Lab tag) or none."
    )
    score: float = pa.Field(description="Score as printed.")
    upvotes: pl.Int32 = pa.Field(ge=0, description="Hugging Face upvotes at digest time.")
    stars_at_digest: pl.Int32 = pa.Field(
        ge=0, description="GitHub stars printed in the digest (Hugging Face's cached count)."
    )
    upvote_part: float = pa.Field(description="5·ln(1+upvotes).")
    star_part: float = pa.Field(description="6·ln(1+stars_at_digest).")
    lab_bonus: float = pa.Field(
        isin=[0.0, 20.0, 50.0], description="50 for Super Lab, else 20 for Frontier Lab, else 0."
    )
    remainder: float = pa.Field(
        description=(
            "score − upvote_part − star_part − lab_bonus: the comment part, 1·ln(1+comments), when the formula holds."
        )
    )
    implied_comments: pl.Int32 | None = pa.Field(
        nullable=True,
        ge=0,
        description=(
            "The whole comment count whose part matches the remainder within the score's rounding; null when the "
            "score is not explained (see score_flag)."
        ),
    )
    score_explained: bool = pa.Field(
        description=(
            "True when the formula reproduces the printed score within its rounding (0.005) with a plausible comment "
            "count."
        )
    )
    score_flag: str | None = pa.Field(nullable=True, description="Why the score is not explained; null when it is.")
    rule_flags: StringList = pa.Field(
        description="Tag or golden assignments that contradict the documented rules on this row alone; empty when none."
    )

    class Config(BaseConfig):
        name = "fct_paper_appearances"
        description = (
            "One row per paper per digest date: rank, golden, score and its decomposition, tags, counts, organization."
        )
        strict = True
        unique = ["digest_date", "arxiv_id", "rank"]


class FctLabTierChanges(pa.DataFrameModel):
    org_raw: str = pa.Field(description="Organization string whose lab tier changed.")
    tier_before: str = pa.Field(isin=list(LAB_TIERS), description="Tier at its appearances before the change.")
    tier_after: str = pa.Field(isin=list(LAB_TIERS), description="Tier at every appearance after.")
    last_seen_before: dt.date = pa.Field(description="Last digest date with the old tier.")
    first_seen_after: dt.date = pa.Field(description="First digest date with the new tier.")
    window_start: dt.date = pa.Field(description="The rules changed after this date ...")
    window_end: dt.date = pa.Field(
        description=(
            "... and on or before this one (first_seen_after, or earlier when narrowed_by shows the new rule sooner)."
        )
    )
    narrowed_by: str | None = pa.Field(
        nullable=True,
        description="Another string sharing a distinctive word that showed the new tier earlier; null when none.",
    )
    rule_change_date: dt.date = pa.Field(
        description="Earliest day the new rules are seen, shared by every change whose window overlaps this one's."
    )

    class Config(BaseConfig):
        name = "fct_lab_tier_changes"
        description = (
            "One row per organization string whose Super/Frontier Lab tier changed: evidence of a change in the "
            "tagging rules."
        )
        strict = True


SELECTION_TIERS = (*LAB_TIERS, "unknown")
SELECTION_REASONS = ("not_listed", "counts_moved", "tier_rule", "unexplained")
TIER_BASES = ("printed", "never printed", "no organization")  # where a listed paper's lab tier comes from


class FctSelectionAudit(pa.DataFrameModel):
    digest_date: dt.date = pa.Field(description="A day with both a digest and its Hugging Face list.")
    arxiv_id: str = pa.Field(str_matches=ARXIV_ID_PATTERN, description="A paper listed or printed that day.")
    listed: bool = pa.Field(description="On the day's Hugging Face list as papertrend fetched it.")
    printed: bool = pa.Field(description="In the day's digest.")
    formula_picks: bool = pa.Field(
        description="The generator's formula and cut over the list pick it (top 50, cut after the last lab paper)."
    )
    printed_rank: pl.Int32 | None = pa.Field(nullable=True, ge=1, description="Rank in the digest; null when left out.")
    list_rank: pl.Int32 | None = pa.Field(
        nullable=True, ge=1, description="Rank by the formula over the list (golden first); null when not listed."
    )
    printed_score: float | None = pa.Field(nullable=True, description="Score in the digest; null when left out.")
    list_score: float | None = pa.Field(
        nullable=True, description="The formula over the list's counts and the learned tier, rounded to 2 decimals."
    )
    outscores_pick_by: float | None = pa.Field(
        nullable=True,
        gt=0,
        description="For a left-out paper: how far its list score is above the lowest-scoring printed paper's.",
    )
    organization: str | None = pa.Field(nullable=True, description="organization.fullname on the list.")
    org_key: str = pa.Field(
        description=(
            "Canonical organization (dim_org, which holds list-only organizations too, unreviewed): from the list, "
            "or the digest when not listed; unknown when neither names one."
        )
    )
    lab_tier: str | None = pa.Field(
        nullable=True,
        isin=list(SELECTION_TIERS),
        description="Tier learned from the digests for that organization and period; unknown when never printed.",
    )
    tier_basis: str | None = pa.Field(
        nullable=True,
        isin=list(TIER_BASES),
        description="Where lab_tier comes from; null when not listed.",
    )
    printed_tier: str | None = pa.Field(
        nullable=True, isin=list(LAB_TIERS), description="Tier of the printed tags; null when left out."
    )
    list_upvotes: pl.Int32 | None = pa.Field(nullable=True, ge=0, description="Upvotes on the list.")
    list_stars: pl.Int32 | None = pa.Field(nullable=True, ge=0, description="githubStars on the list.")
    list_comments: pl.Int32 | None = pa.Field(nullable=True, ge=0, description="numComments on the list.")
    printed_upvotes: pl.Int32 | None = pa.Field(nullable=True, ge=0, description="Upvotes in the digest.")
    printed_stars: pl.Int32 | None = pa.Field(nullable=True, ge=0, description="Stars in the digest.")
    counts_moved: bool = pa.Field(
        description="Printed and listed, but the list's counts (or the score they give) differ from the digest's."
    )
    counts_score: float | None = pa.Field(
        nullable=True,
        description="The formula without the lab bonus (upvotes, stars, comments alone); null when not listed.",
    )
    counts_top: bool = pa.Field(
        description=(
            "Among the day's N best listed papers by counts_score, N being the number the digest printed: what a cut "
            "by counts alone would have printed."
        )
    )
    reason: str | None = pa.Field(
        nullable=True,
        isin=list(SELECTION_REASONS),
        description=(
            "Why the digest and the formula disagree on this paper; null when they agree. not_listed | counts_moved "
            "| tier_rule | unexplained."
        ),
    )

    class Config(BaseConfig):
        name = "fct_selection_audit"
        description = (
            "One row per paper listed by Hugging Face or printed in the digest, on each day with both: the day's "
            "list scored and cut with the generator's formula, set beside what the digest printed."
        )
        strict = True
        unique = ["digest_date", "arxiv_id"]


class FctDerivedSelection(pa.DataFrameModel):
    digest_date: dt.date = pa.Field(description="A day with a Hugging Face list and no digest (digest_files: derived).")
    rank: pl.Int32 = pa.Field(ge=1, description="Rank the formula gives it in the day's list (golden first).")
    arxiv_id: str = pa.Field(str_matches=ARXIV_ID_PATTERN, description="arXiv id.")
    title_en: str | None = pa.Field(nullable=True, description="The list's English title (paper.title).")
    org_raw: str | None = pa.Field(
        nullable=True, description="organization.fullname on the list, as a digest would print it; null = Unknown."
    )
    org_key: str = pa.Field(description="Canonical organization (dim_org; a list-only one is there, unreviewed).")
    score: float = pa.Field(description="The formula over the list's counts and the learned tier, 2 decimals.")
    tags: StringList = pa.Field(
        description="Super Lab / Frontier Lab from the learned tier, Viral from the counts (no Must Read)."
    )
    is_golden: bool = pa.Field(description="Viral by its counts (stars > 2000 or upvotes > 500).")
    upvotes: pl.Int32 = pa.Field(ge=0, description="Upvotes on the list.")
    stars: pl.Int32 = pa.Field(ge=0, description="githubStars on the list.")
    comments: pl.Int32 = pa.Field(ge=0, description="numComments on the list.")
    lab_tier: str = pa.Field(
        isin=list(SELECTION_TIERS), description="Tier learned from the digests; unknown if never printed."
    )
    tier_basis: str = pa.Field(isin=list(TIER_BASES), description="Where lab_tier comes from.")
    derivation: str = pa.Field(description="How the row was derived: the formula, tiers, golden rule, cut, list date.")

    class Config(BaseConfig):
        name = "fct_derived_selection"
        description = (
            "One row per paper the generator's formula and cut pick from the Hugging Face list of a day that has no "
            "digest: derived, never printed. Kept apart from fct_paper_appearances; the *_with_derived views join "
            "the two and say which is which."
        )
        strict = True
        unique = ["digest_date", "arxiv_id"]


DIM_ORG = TableContract(DimOrg, "dimension", "one canonical organization", partitioned=False, order_by=("org_key",))
DIM_TOPIC = TableContract(DimTopic, "dimension", "one topic", partitioned=False, order_by=("topic_key",))
BRIDGE_PAPER_TOPIC = TableContract(
    BridgePaperTopic,
    "bridge",
    "one paper, topic and matching text",
    partitioned=False,
    order_by=("arxiv_id", "topic_key", "source"),
)
FCT_PAPER_APPEARANCES = TableContract(
    FctPaperAppearances, "fact", "one paper in one day's digest", partitioned=False, order_by=("digest_date", "rank")
)
FCT_LAB_TIER_CHANGES = TableContract(
    FctLabTierChanges,
    "fact",
    "one organization string's change of lab tier",
    partitioned=False,
    order_by=("rule_change_date", "org_raw"),
)
FCT_SELECTION_AUDIT = TableContract(
    FctSelectionAudit,
    "fact",
    "one paper listed or printed on one day",
    partitioned=False,
    order_by=("digest_date", "list_rank", "printed_rank", "arxiv_id"),
)
FCT_DERIVED_SELECTION = TableContract(
    FctDerivedSelection,
    "fact",
    "one paper derived for one day without a digest",
    partitioned=False,
    order_by=("digest_date", "rank"),
)
