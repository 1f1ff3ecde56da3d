"""What the digest left out: each day's Hugging Face list scored with the generator's formula and cut.

The generator (docs/digest-format.md section 6) scores every paper of the day's list, puts golden
papers first (Viral, or Must Read) and the rest by score, keeps the top 50 and cuts the list after
the last Super/Frontier Lab paper among them. papertrend stores the whole list
(stg_hf_daily_papers), so it can do the same and set the result beside what the digest printed.

The lab tier of a listed paper comes from the tiers its organization string was printed with
(tags are regular expressions over that string): the tier seen in the digests, on the side of the
dated rule change (fct_lab_tier_changes) the day falls on. An organization never printed has tier
``unknown`` and no bonus; a paper without an organization has tier ``none``, as the generator gives it.

The same formula, tiers and cut derive a selection for a day that has a list and no digest
(``derive_selection``, fct_derived_selection), and a cut by the counts alone (``counts_top``) shows
what the lab bonus buys (the selection_bias view).
"""

import datetime as dt

import polars as pl

from .orgs import map_orgs
from .scoring import (
    COMMENT_WEIGHT,
    LAB_BONUS,
    SCORE_ROUNDING,
    STAR_WEIGHT,
    TIER_TAGS,
    UPVOTE_WEIGHT,
    VIRAL_STARS,
    VIRAL_UPVOTES,
    lab_tier,
)

TOP_N = 50
BONUS_TIERS = ("super", "frontier")  # the tiers the cut counts as lab papers


def learned_tiers(entries: pl.DataFrame, changes: pl.DataFrame) -> pl.DataFrame:
    """One row per printed organization and tier period: org_raw, valid_from, valid_until, lab_tier.

    An organization whose tier changed once (fct_lab_tier_changes) has its old tier before the rule
    change date and its new one from it; any other has the tier it was printed with most often.
    Bounds are inclusive; null means open.
    """
    seen = (
        entries.filter(pl.col("org_raw").is_not_null())
        .with_columns(lab_tier(pl.col("tags")).alias("lab_tier"))
        .group_by("org_raw", "lab_tier")
        .agg(pl.len().alias("n"))
        .sort("org_raw", "n", "lab_tier", descending=[False, True, False])
        .group_by("org_raw", maintain_order=True)
        .first()
    )
    changed = changes.select("org_raw", "tier_before", "tier_after", "rule_change_date")
    stable = seen.join(changed, on="org_raw", how="anti").select(
        "org_raw",
        pl.lit(None, pl.Date).alias("valid_from"),
        pl.lit(None, pl.Date).alias("valid_until"),
        "lab_tier",
    )
    before = changed.select(
        "org_raw",
        pl.lit(None, pl.Date).alias("valid_from"),
        pl.col("rule_change_date").dt.offset_by("-1d").alias("valid_until"),
        pl.col("tier_before").alias("lab_tier"),
    )
    after = changed.select(
        "org_raw",
        pl.col("rule_change_date").alias("valid_from"),
        pl.lit(None, pl.Date).alias("valid_until"),
        pl.col("tier_after").alias("lab_tier"),
    )
    return pl.concat([stable, before, after]).sort("org_raw", "valid_from", nulls_last=False)


def score(upvotes: pl.Expr, stars: pl.Expr, comments: pl.Expr, tier: pl.Expr) -> pl.Expr:
    """The generator's score, rounded as it prints it; an unknown tier gets no bonus."""
    bonus = tier.replace_strict(LAB_BONUS, default=0.0, return_dtype=pl.Float64)
    return (
        UPVOTE_WEIGHT * upvotes.cast(pl.Float64).log1p()
        + STAR_WEIGHT * stars.cast(pl.Float64).log1p()
        + COMMENT_WEIGHT * comments.cast(pl.Float64).log1p()
        + bonus
    ).round(2)


def score_lists(lists: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """The day's list papers (api_source daily_papers) with their tier, score and the generator's ranking."""
    listed = (
        lists.filter(pl.col("api_source") == "daily_papers")
        .select(
            "digest_date",
            "arxiv_id",
            pl.col("organization_fullname").str.strip_chars().alias("organization"),
            pl.col("upvotes").fill_null(0).alias("list_upvotes"),
            pl.col("github_stars").fill_null(0).alias("list_stars"),
            pl.col("num_comments").fill_null(0).alias("list_comments"),
        )
        .with_row_index("_row")
    )
    matched = (
        listed.join(tiers, left_on="organization", right_on="org_raw", how="inner")
        .filter(
            (pl.col("valid_from").is_null() | (pl.col("digest_date") >= pl.col("valid_from")))
            & (pl.col("valid_until").is_null() | (pl.col("digest_date") <= pl.col("valid_until")))
        )
        .select("_row", "lab_tier")
    )
    return (
        listed.join(matched, on="_row", how="left")
        .with_columns(
            pl.when(pl.col("organization").is_null() | (pl.col("organization") == ""))
            .then(pl.lit("none"))
            .otherwise(pl.col("lab_tier").fill_null("unknown"))
            .alias("lab_tier"),
            pl.when(pl.col("organization").is_null() | (pl.col("organization") == ""))
            .then(pl.lit("no organization"))
            .when(pl.col("lab_tier").is_null())
            .then(pl.lit("never printed"))
            .otherwise(pl.lit("printed"))
            .alias("tier_basis"),
        )
        .with_columns(
            score(pl.col("list_upvotes"), pl.col("list_stars"), pl.col("list_comments"), pl.col("lab_tier")).alias(
                "list_score"
            ),
            ((pl.col("list_stars") > VIRAL_STARS) | (pl.col("list_upvotes") > VIRAL_UPVOTES)).alias("viral"),
        )
        .drop("_row")
    )


def rank_and_cut(listed: pl.DataFrame) -> pl.DataFrame:
    """``listed`` (digest_date, arxiv_id, golden, list_score, list_upvotes, lab_tier) ranked as the generator
    ranks a day's list, golden first, with formula_picks: within the top 50 and at or above its last
    Super/Frontier Lab paper (none picked on a day without one)."""
    order = [pl.col("golden"), pl.col("list_score"), pl.col("list_upvotes"), pl.col("arxiv_id")]
    return (
        listed.sort(["digest_date", *order], descending=[False, True, True, True, False])
        .with_columns(pl.int_range(1, pl.len() + 1).over("digest_date").cast(pl.Int32).alias("list_rank"))
        .with_columns(
            pl.col("list_rank")
            .filter(pl.col("lab_tier").is_in(BONUS_TIERS) & (pl.col("list_rank") <= TOP_N))
            .max()
            .over("digest_date")
            .alias("_cut")
        )
        .with_columns((pl.col("list_rank") <= pl.col("_cut").fill_null(0)).alias("formula_picks"))
        .drop("_cut")
    )


def audit_selection(
    lists: pl.DataFrame, entries: pl.DataFrame, changes: pl.DataFrame, aliases: pl.DataFrame
) -> pl.DataFrame:
    """One row per paper listed or printed on each day that has both a digest and a list.

    ``lists``: stg_hf_daily_papers; ``entries``: stg_digest_entries (all days: the tiers are learned
    from them); ``changes``: fct_lab_tier_changes; ``aliases``: the reviewed organization file
    (org_key). Golden papers go first, as in the generator: a printed paper keeps its printed mark; a
    left-out one is golden when its counts make it Viral (Must Read needs the generator's title
    pattern, which is not documented in full).
    """
    scored = score_lists(lists, learned_tiers(entries, changes))
    days = scored.select("digest_date").unique().join(entries.select("digest_date").unique(), on="digest_date")
    printed = entries.join(days, on="digest_date").select(
        "digest_date",
        "arxiv_id",
        pl.col("rank").alias("printed_rank"),
        pl.col("score").alias("printed_score"),
        pl.col("upvotes").alias("printed_upvotes"),
        pl.col("stars").alias("printed_stars"),
        pl.col("is_golden").alias("printed_golden"),
        lab_tier(pl.col("tags")).alias("printed_tier"),
        pl.col("org_raw").alias("printed_org"),
    )
    both = (
        scored.join(days, on="digest_date")
        .join(printed, on=["digest_date", "arxiv_id"], how="full", coalesce=True)
        .with_columns(
            pl.col("list_score").is_not_null().alias("listed"),
            pl.col("printed_rank").is_not_null().alias("printed"),
            pl.coalesce("printed_golden", "viral").fill_null(False).alias("golden"),
        )
    )
    ranked = rank_and_cut(both.filter("listed")).select("digest_date", "arxiv_id", "list_rank", "formula_picks")
    by_counts = (  # the day's list by its counts alone, bonus removed: the top N (N printed that day) is counts_top
        both.filter("listed")
        .with_columns(
            score(pl.col("list_upvotes"), pl.col("list_stars"), pl.col("list_comments"), pl.lit("none")).alias(
                "counts_score"
            ),
        )
        .join(both.group_by("digest_date").agg(pl.col("printed").sum().alias("_printed")), on="digest_date")
        .sort("digest_date", "counts_score", "list_upvotes", "arxiv_id", descending=[False, True, True, False])
        .with_columns((pl.int_range(1, pl.len() + 1).over("digest_date") <= pl.col("_printed")).alias("counts_top"))
        .select("digest_date", "arxiv_id", "counts_score", "counts_top")
    )
    audit = (
        both.join(ranked, on=["digest_date", "arxiv_id"], how="left")
        .join(by_counts, on=["digest_date", "arxiv_id"], how="left")
        .with_columns(pl.col("formula_picks").fill_null(False), pl.col("counts_top").fill_null(False))
    )
    audit = audit.with_columns(
        map_orgs(audit.get_column("organization").fill_null(audit.get_column("printed_org")), aliases).get_column(
            "org_key"
        )
    )
    lowest_pick = (
        audit.filter(pl.col("printed") & pl.col("listed"))
        .group_by("digest_date")
        .agg(pl.col("list_score").min().alias("_lowest_pick"))
    )
    counts_moved = (
        pl.col("printed")
        & pl.col("listed")
        & (
            (pl.col("printed_upvotes") != pl.col("list_upvotes"))
            | (pl.col("printed_stars") != pl.col("list_stars"))
            | ((pl.col("printed_score") - pl.col("list_score")).abs() > SCORE_ROUNDING)
        )
    )
    tier_differs = (pl.col("lab_tier") == "unknown") | (
        pl.col("printed") & pl.col("listed") & (pl.col("lab_tier") != pl.col("printed_tier"))
    )
    agrees = pl.col("printed") == pl.col("formula_picks")
    return (
        audit.join(lowest_pick, on="digest_date", how="left")
        .with_columns(counts_moved.fill_null(False).alias("counts_moved"))
        .with_columns(pl.col("counts_moved").any().over("digest_date").alias("_day_moved"))
        .with_columns(
            pl.when(~pl.col("printed") & (pl.col("list_score") > pl.col("_lowest_pick")))
            .then((pl.col("list_score") - pl.col("_lowest_pick")).round(2))
            .alias("outscores_pick_by"),
            pl.when(agrees)
            .then(pl.lit(None, pl.String))
            .when(~pl.col("listed"))
            .then(pl.lit("not_listed"))
            .when(pl.col("counts_moved"))
            .then(pl.lit("counts_moved"))
            .when(tier_differs.fill_null(False))
            .then(pl.lit("tier_rule"))
            .when(pl.col("_day_moved"))
            .then(pl.lit("counts_moved"))
            .otherwise(pl.lit("unexplained"))
            .alias("reason"),
        )
        .select(
            "digest_date",
            "arxiv_id",
            "listed",
            "printed",
            "formula_picks",
            "printed_rank",
            "list_rank",
            "printed_score",
            "list_score",
            "outscores_pick_by",
            "organization",
            "org_key",
            "lab_tier",
            "tier_basis",
            "printed_tier",
            "list_upvotes",
            "list_stars",
            "list_comments",
            "printed_upvotes",
            "printed_stars",
            "counts_moved",
            "counts_score",
            "counts_top",
            "reason",
        )
        .sort("digest_date", pl.col("list_rank"), "printed_rank", "arxiv_id", nulls_last=True)
    )


def day_summary(audit: pl.DataFrame) -> pl.DataFrame:
    """Per day: listed, printed, picked by the formula, reproduced, cut-off, rank correlation, disagreements."""
    both = pl.col("printed") & pl.col("listed")
    return (
        audit.group_by("digest_date")
        .agg(
            pl.col("listed").sum().alias("listed"),
            pl.col("printed").sum().alias("printed"),
            pl.col("formula_picks").sum().alias("formula_picks"),
            (pl.col("printed") == pl.col("formula_picks")).all().alias("reproduced"),
            pl.col("printed_score").min().alias("cut_off_score"),
            pl.corr(pl.col("printed_rank").filter(both), pl.col("list_rank").filter(both), method="spearman").alias(
                "rank_correlation"
            ),
            pl.col("counts_moved").sum().alias("counts_moved"),
            pl.col("reason").drop_nulls().unique().sort().alias("reasons"),
        )
        .with_columns(pl.col("rank_correlation").fill_nan(None))  # fewer than two printed papers on the list
        .sort("digest_date")
    )


DERIVATION = (  # {} is the day the list was fetched
    "the generator's formula over the day's Hugging Face list (fetched {}); lab tiers learned from the digests for "
    f"that period; golden = Viral by counts (Must Read is not derivable); cut: top {TOP_N}, after the last "
    "Super/Frontier Lab paper"
)


def derive_selection(
    lists: pl.DataFrame, entries: pl.DataFrame, changes: pl.DataFrame, aliases: pl.DataFrame, days: list[dt.date]
) -> pl.DataFrame:
    """The selection the generator would have printed on ``days`` (days with a list and no digest).

    The same formula, tiers and cut as the audit (which measures how often they reproduce a real
    digest); the rows have the columns of a digest entry, so a derived day renders like a real one.
    """
    wanted = lists.filter(pl.col("digest_date").is_in(days))
    fetched = wanted.group_by("digest_date").agg(pl.col("fetched_at").max().dt.date().alias("_fetched"))
    scored = score_lists(wanted, learned_tiers(entries, changes)).join(
        wanted.select("digest_date", "arxiv_id", "title"), on=["digest_date", "arxiv_id"], how="left"
    )
    picked = rank_and_cut(scored.with_columns(pl.col("viral").alias("golden"))).filter("formula_picks")
    tier_tag = pl.col("lab_tier").replace_strict(TIER_TAGS, default=None, return_dtype=pl.String)
    tags = pl.concat_list(tier_tag, pl.when("viral").then(pl.lit("Viral"))).list.drop_nulls()
    frame = picked.join(fetched, on="digest_date").with_columns(
        pl.col("list_rank").alias("rank"),
        pl.col("title").alias("title_en"),
        pl.when(pl.col("organization") == "").then(None).otherwise(pl.col("organization")).alias("org_raw"),
        pl.col("list_score").alias("score"),
        tags.alias("tags"),
        pl.col("golden").alias("is_golden"),
        pl.col("list_upvotes").alias("upvotes"),
        pl.col("list_stars").alias("stars"),
        pl.col("list_comments").alias("comments"),
        pl.format(DERIVATION, pl.col("_fetched").cast(pl.String)).alias("derivation"),
    )
    return frame.with_columns(map_orgs(frame.get_column("org_raw"), aliases).get_column("org_key")).sort(
        "digest_date", "rank"
    )
