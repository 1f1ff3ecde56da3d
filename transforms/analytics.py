"""Build the analytics model (organizations, topics, appearances) from the clean digest entries."""

from dataclasses import dataclass

import polars as pl

from ..schemas import BRIDGE_PAPER_TOPIC, DIM_ORG, DIM_TOPIC, FCT_LAB_TIER_CHANGES, FCT_PAPER_APPEARANCES
from .orgs import build_dim_org, map_orgs
from .scoring import decompose, detect_tier_changes
from .topics import PAPER_TEXT_SCHEMA, Taxonomy, label_papers


def appearances(entries: pl.DataFrame, aliases: pl.DataFrame) -> pl.DataFrame:
    """fct_paper_appearances rows for stg_digest_entries rows."""
    orgs = map_orgs(entries.get_column("org_raw"), aliases)
    frame = decompose(pl.concat([entries, orgs], how="horizontal")).rename({"stars": "stars_at_digest"})
    return FCT_PAPER_APPEARANCES.conform(frame)


def unreviewed_orgs(org_raw: pl.Series, aliases: pl.DataFrame) -> list[str]:
    """The canonical names of the organization strings the reviewed file does not know, sorted."""
    orgs = map_orgs(org_raw, aliases)
    return sorted(orgs.filter(~pl.col("org_reviewed")).get_column("org_name").unique().to_list())


def dim_org(entries: pl.DataFrame, aliases: pl.DataFrame, lists: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every organization printed in a digest or named on a Hugging Face list (``lists``), reviewed or not."""
    names = entries.get_column("org_raw")
    if lists is not None:
        names = pl.concat([names, lists.get_column("organization_fullname").str.strip_chars().alias("org_raw")])
    return DIM_ORG.conform(build_dim_org(aliases, unreviewed_orgs(names, aliases)))


def paper_texts(entries: pl.DataFrame, dim_paper: pl.DataFrame, lists: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per paper: its latest English title, the latest Chinese texts printed for it, and the
    arXiv abstract and categories where enrichment has them; then each paper only a Hugging Face list
    (``lists``) has, with the list's title alone."""
    latest = lambda column: pl.col(column).drop_nulls().last()  # noqa: E731
    digest = (
        entries.sort("digest_date", "rank")
        .group_by("arxiv_id", maintain_order=True)
        .agg(
            latest("title_en"),
            latest("title_zh"),
            latest("summary_zh"),
            pl.col("highlights").filter(pl.col("highlights").list.len() > 0).last().alias("highlights"),
        )
    )
    arxiv = dim_paper.select("arxiv_id", "abstract", "categories")
    frames = [digest.join(arxiv, on="arxiv_id", how="left")]
    if lists is not None:  # the list's title where the digest printed none (a Chinese-only entry), or for the
        # papers only a list has
        titles = (
            lists.filter(pl.col("title").is_not_null())
            .sort("digest_date")
            .group_by("arxiv_id", maintain_order=True)
            .agg(pl.col("title").last().alias("list_title"))
        )
        frames = [
            frames[0]
            .join(titles, on="arxiv_id", how="left")
            .with_columns(pl.coalesce("title_en", "list_title").alias("title_en"))
            .drop("list_title"),
            titles.join(digest, on="arxiv_id", how="anti").rename({"list_title": "title_en"}),
        ]
    return (
        pl.concat(frames, how="diagonal")
        .select([pl.col(name).cast(dtype) for name, dtype in PAPER_TEXT_SCHEMA.items()])
        .with_columns(pl.col("highlights").fill_null([]), pl.col("categories").fill_null([]))
    )


def topics(
    entries: pl.DataFrame, dim_paper: pl.DataFrame, taxonomy: Taxonomy, lists: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(dim_topic, bridge_paper_topic): printed papers labelled from all their texts, list-only ones from
    their title (source title_en)."""
    labels = label_papers(paper_texts(entries, dim_paper, lists), taxonomy)
    return DIM_TOPIC.conform(taxonomy.frame()), BRIDGE_PAPER_TOPIC.conform(labels)


def tier_changes(entries: pl.DataFrame) -> pl.DataFrame:
    return FCT_LAB_TIER_CHANGES.conform(detect_tier_changes(entries))


@dataclass(frozen=True)
class ModelFacts:
    """What the analytics model's checks and metadata report, computed once from its tables."""

    flagged: pl.DataFrame  # appearances whose score is not explained or whose tags break a rule
    flagged_days: pl.DataFrame  # (digest_date, len) of those, by day
    papers: int  # distinct papers printed
    labelled: int  # of those, with at least one topic
    unreviewed: list[str]  # printed organization names the reviewed file does not know
    list_only_unreviewed: int  # organizations named only on Hugging Face lists, not reviewed
    audit_days: pl.DataFrame  # selection.day_summary of the audit
    unreproduced: pl.DataFrame  # the audit's days the formula does not reproduce

    @property
    def coverage(self) -> float:
        return self.labelled / self.papers if self.papers else 1.0


def model_facts(
    entries: pl.DataFrame,
    fct: pl.DataFrame,
    org: pl.DataFrame,
    bridge: pl.DataFrame,
    day_summary: pl.DataFrame,
    aliases: pl.DataFrame,
) -> ModelFacts:
    """The facts behind the model's checks: flagged appearances, topic coverage, unreviewed organizations and
    the days the selection audit does not reproduce (``day_summary``: selection.day_summary of the audit)."""
    flagged = fct.filter(~pl.col("score_explained") | (pl.col("rule_flags").list.len() > 0))
    printed_ids = entries.get_column("arxiv_id").unique()
    unreviewed = unreviewed_orgs(entries.get_column("org_raw"), aliases)  # printed ones
    return ModelFacts(
        flagged=flagged,
        flagged_days=flagged.group_by("digest_date").len().sort("digest_date"),
        papers=printed_ids.len(),
        labelled=bridge.filter(pl.col("arxiv_id").is_in(printed_ids)).get_column("arxiv_id").n_unique(),
        unreviewed=unreviewed,
        list_only_unreviewed=org.filter(~pl.col("reviewed") & ~pl.col("org_name").is_in(unreviewed)).height,
        audit_days=day_summary,
        unreproduced=day_summary.filter(~pl.col("reproduced")),
    )
