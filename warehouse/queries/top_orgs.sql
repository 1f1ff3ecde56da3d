-- Which organizations appear most? Top 10 top-level organizations (sub-units rolled up) by appearances.
SELECT
    org_name,
    sum(appearances) AS appearances,
    round(sum(appearances) / (SELECT count(*) FROM fct_paper_appearances), 4) AS share,
    sum(golden_count) AS golden,
    round(sum(mean_score * appearances) / sum(appearances), 2) AS mean_score,
    min(period_start) AS first_month
FROM org_trends
WHERE period = 'month' AND org_key <> 'unknown'
GROUP BY org_name
ORDER BY appearances DESC, org_name
LIMIT 10;
