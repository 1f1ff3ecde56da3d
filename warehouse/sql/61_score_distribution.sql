-- One row per ISO week: how many entries the digests printed, the score and rank spread, the mean
-- of each score part, and the share of entries per lab tier, to see the scoring drift over time.
CREATE VIEW score_distribution AS
SELECT
    date_trunc('week', digest_date)::DATE AS week_start,
    count(*) AS appearances,
    count(DISTINCT digest_date) AS digests,
    max(rank) AS max_rank,
    round(min(score), 2) AS min_score,
    round(quantile_cont(score, 0.25), 2) AS p25_score,
    round(median(score), 2) AS median_score,
    round(quantile_cont(score, 0.75), 2) AS p75_score,
    round(max(score), 2) AS max_score,
    -- DECIMAL: a parallel sum of doubles can differ in its last bit between builds and flip the rounding
    round(avg(upvote_part::DECIMAL(18, 6)), 2) AS mean_upvote_part,
    round(avg(star_part::DECIMAL(18, 6)), 2) AS mean_star_part,
    round(avg(lab_bonus::DECIMAL(18, 6)), 2) AS mean_lab_bonus,
    round(avg(remainder::DECIMAL(18, 6)), 2) AS mean_comment_part,
    round(avg((lab_tier = 'super')::INTEGER), 3) AS super_share,
    round(avg((lab_tier = 'frontier')::INTEGER), 3) AS frontier_share,
    round(avg(is_golden::INTEGER), 3) AS golden_share,
    count(*) FILTER (WHERE NOT score_explained OR len(rule_flags) > 0) AS flagged
FROM fct_paper_appearances
GROUP BY week_start
ORDER BY week_start;
