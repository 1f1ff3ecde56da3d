"""Take each printed score apart with the generator's formula, and find when the tagging rules changed.

    score = 5·ln(1+upvotes) + 6·ln(1+stars) + 1·ln(1+comments) + lab bonus (Super Lab 50, Frontier Lab 20)

rounded to 2 decimals (see docs/digest-format.md section 5). Comments are not printed, so the part
left after upvotes, stars and the bonus must be ln(1+c) for a whole c >= 0, within the rounding;
when it is not, the appearance is flagged with the reason rather than forced to fit.
"""

import datetime as dt
import re

import polars as pl

UPVOTE_WEIGHT, STAR_WEIGHT, COMMENT_WEIGHT = 5.0, 6.0, 1.0
LAB_BONUS = {"super": 50.0, "frontier": 20.0, "none": 0.0}
SCORE_ROUNDING = 0.005  # scores are printed rounded to 2 decimals ('27.0' is 27.00 with the zero dropped)
IMPLAUSIBLE_COMMENTS = 500  # no Hugging Face paper page has had that many comments; beyond it, a tag is missing
VIRAL_STARS, VIRAL_UPVOTES = 2000, 500

# Words that name no organization in particular, so sharing one proves nothing about the same regex.
_GENERIC_ORG_WORDS = frozenset(
    "a ai and at center centre china chinese co college de for group in inc institute intelligence lab labs laboratory "
    "ltd of research school science sciences team technology the university".split()
)


TIER_TAGS = {"super": "Super Lab", "frontier": "Frontier Lab"}  # in the order the generator tests them


def lab_tier(tags: pl.Expr) -> pl.Expr:
    """super | frontier | none, as the generator tests them: Super Lab first."""
    tier = pl.when(tags.list.contains(TIER_TAGS["super"])).then(pl.lit("super"))
    return tier.when(tags.list.contains(TIER_TAGS["frontier"])).then(pl.lit("frontier")).otherwise(pl.lit("none"))


def decompose(entries: pl.DataFrame) -> pl.DataFrame:
    """Add the score's parts, the implied comment count and the flags to stg_digest_entries rows."""
    tags = pl.col("tags")
    viral_counts = (pl.col("stars") > VIRAL_STARS) | (pl.col("upvotes") > VIRAL_UPVOTES)
    out = (
        entries.with_columns(
            lab_tier(tags).alias("lab_tier"),
            (UPVOTE_WEIGHT * pl.col("upvotes").cast(pl.Float64).log1p()).alias("upvote_part"),
            (STAR_WEIGHT * pl.col("stars").cast(pl.Float64).log1p()).alias("star_part"),
        )
        .with_columns(
            pl.col("lab_tier").replace_strict(LAB_BONUS, return_dtype=pl.Float64).alias("lab_bonus"),
        )
        .with_columns(
            (pl.col("score") - pl.col("upvote_part") - pl.col("star_part") - pl.col("lab_bonus")).alias("remainder"),
        )
        .with_columns(
            (pl.col("remainder") / COMMENT_WEIGHT).exp().sub(1).round(0).clip(0, 1e12).alias("_comments"),
        )
        .with_columns(
            (COMMENT_WEIGHT * pl.col("_comments").log1p() - pl.col("remainder"))
            .abs()
            .le(SCORE_ROUNDING + 1e-9)
            .alias("_fits"),
        )
    )
    reason = (
        pl.when(pl.col("remainder") < -SCORE_ROUNDING)
        .then(
            pl.format(
                "remainder {} is negative: the score is below what upvotes, stars and lab tags give",
                pl.col("remainder").round(3),
            )
        )
        .when(pl.col("_comments") > IMPLAUSIBLE_COMMENTS)
        .then(
            pl.format(
                "remainder {} would take more than {} comments: a lab bonus or a count is missing",
                pl.col("remainder").round(3),
                pl.lit(IMPLAUSIBLE_COMMENTS),
            )
        )
        .when(~pl.col("_fits"))
        .then(pl.format("no whole comment count explains remainder {}", pl.col("remainder").round(3)))
    )
    rule_flags = pl.concat_list(
        pl.when(pl.col("is_golden") != (tags.list.contains("Viral") | tags.list.contains("Must Read"))).then(
            pl.lit("golden mark disagrees with the Viral/Must Read tags")
        ),
        pl.when(tags.list.contains("Viral") & ~viral_counts).then(
            pl.lit(f"Viral without stars > {VIRAL_STARS} or upvotes > {VIRAL_UPVOTES}")
        ),
        pl.when(~tags.list.contains("Viral") & viral_counts).then(
            pl.lit(f"stars > {VIRAL_STARS} or upvotes > {VIRAL_UPVOTES} but no Viral tag")
        ),
        pl.when(tags.list.contains("Must Read") & ~tags.list.contains("Super Lab")).then(
            pl.lit("Must Read without Super Lab")
        ),
        pl.when(tags.list.contains("Super Lab") & tags.list.contains("Frontier Lab")).then(
            pl.lit("both Super Lab and Frontier Lab")
        ),
    ).list.drop_nulls()
    return (
        out.with_columns(
            pl.when(reason.is_null()).then(pl.col("_comments")).cast(pl.Int32).alias("implied_comments"),
            reason.alias("score_flag"),
            rule_flags.alias("rule_flags"),
        )
        .with_columns(pl.col("score_flag").is_null().alias("score_explained"))
        .drop("_comments", "_fits")
    )


def _words(org: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", org.casefold()) if len(w) >= 3 and w not in _GENERIC_ORG_WORDS}


def detect_tier_changes(entries: pl.DataFrame) -> pl.DataFrame:
    """Organization strings whose lab tier changed, dated as tightly as the digests allow.

    Lab tags come from regular expressions over the printed organization string, so one string always
    gets the same tier under one set of rules: a string that switches tier once (and stays switched)
    shows the rules changed between its last appearance under the old tier and its first under the new.
    Another string sharing a distinctive word with it (the word the new rule matches, e.g. 'princeton')
    that already shows the new tier inside that window narrows it. Overlapping windows are one change,
    dated by the earliest day the new rules are seen (``rule_change_date``).
    """
    tiered = (
        entries.filter(pl.col("org_raw").is_not_null())
        .with_columns(lab_tier(pl.col("tags")).alias("lab_tier"))
        .group_by("org_raw", "digest_date")
        .agg(pl.col("lab_tier").unique())
        .sort("org_raw", "digest_date")
    )
    history: dict[str, list[tuple[dt.date, str]]] = {}
    for org, day, tiers in tiered.iter_rows():
        if len(tiers) > 1:  # one string, two tiers on one day: not a rule effect, leave it to the flags
            history[org] = []
            continue
        history.setdefault(org, []).append((day, tiers[0]))
    changes = []
    for org, seen in history.items():
        switches = [i for i in range(1, len(seen)) if seen[i][1] != seen[i - 1][1]]
        if len(switches) != 1:
            continue
        i = switches[0]
        before, after = seen[i - 1], seen[i]
        upper, narrowed_by = after[0], None
        for other, other_seen in history.items():
            if other == org or not (_words(org) & _words(other)):
                continue
            for day, tier in other_seen:
                if before[0] < day < upper and tier == after[1] and all(t == after[1] for _, t in other_seen):
                    upper, narrowed_by = day, other
        changes.append(
            {
                "org_raw": org,
                "tier_before": before[1],
                "tier_after": after[1],
                "last_seen_before": before[0],
                "first_seen_after": after[0],
                "window_start": before[0],
                "window_end": upper,
                "narrowed_by": narrowed_by,
            }
        )
    schema = {
        "org_raw": pl.String,
        "tier_before": pl.String,
        "tier_after": pl.String,
        "last_seen_before": pl.Date,
        "first_seen_after": pl.Date,
        "window_start": pl.Date,
        "window_end": pl.Date,
        "narrowed_by": pl.String,
        "rule_change_date": pl.Date,
    }
    if not changes:
        return pl.DataFrame(schema=schema)
    # Overlapping windows (start exclusive, end inclusive) are the same change.
    changes.sort(key=lambda c: (c["window_start"], c["window_end"]))
    clusters: list[list[dict]] = []
    for change in changes:
        if clusters and change["window_start"] < min(c["window_end"] for c in clusters[-1]):
            clusters[-1].append(change)
        else:
            clusters.append([change])
    for cluster in clusters:
        date = min(c["window_end"] for c in cluster)
        for change in cluster:
            change["rule_change_date"] = date
    return pl.DataFrame(changes, schema=schema).sort("rule_change_date", "org_raw")
