-- One row per appearance: the printed score beside the formula's parts (5·ln(1+upvotes),
-- 6·ln(1+stars), lab bonus, and the remainder = 1·ln(1+comments)), the implied comment count, the
-- score and rule flags, and tier_conflict: the same organization string got another lab tier on a
-- day under the same rules (between two rule changes found by fct_lab_tier_changes).
CREATE VIEW score_breakdown AS
WITH change_dates AS (
    SELECT DISTINCT rule_change_date FROM fct_lab_tier_changes
),
regimes AS (
    SELECT
        a.*,
        (SELECT count(*) FROM change_dates AS c WHERE c.rule_change_date <= a.digest_date) AS rule_period
    FROM fct_paper_appearances AS a
),
tiers AS (
    SELECT
        *,
        count(DISTINCT lab_tier) OVER (PARTITION BY org_raw, rule_period) AS tiers_in_period
    FROM regimes
)
SELECT
    digest_date,
    rank,
    arxiv_id,
    title_en,
    org_raw,
    org_key,
    tags,
    is_golden,
    score,
    round(upvote_part, 3) AS upvote_part,
    round(star_part, 3) AS star_part,
    lab_bonus,
    round(remainder, 3) AS comment_part,
    implied_comments,
    upvotes,
    stars_at_digest,
    score_explained,
    score_flag,
    rule_flags,
    rule_period,
    org_raw IS NOT NULL AND tiers_in_period > 1 AS tier_conflict
FROM tiers
ORDER BY digest_date, rank;
