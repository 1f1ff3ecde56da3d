-- One row per period (week or month, by period_start) and top-level organization (dim_org.top_org_key,
-- sub-units rolled up to their parent): appearances, distinct papers, share of the period's
-- appearances, mean score and golden count. 'unknown' collects entries printed without an organization.
CREATE VIEW org_trends AS
WITH appearances AS (
    SELECT a.*, o.top_org_key, o.top_org_name
    FROM fct_paper_appearances AS a
    JOIN dim_org AS o USING (org_key)
),
periods AS (
    SELECT 'week' AS period, date_trunc('week', digest_date)::DATE AS period_start, * FROM appearances
    UNION ALL
    SELECT 'month' AS period, date_trunc('month', digest_date)::DATE AS period_start, * FROM appearances
)
SELECT
    period,
    period_start,
    top_org_key AS org_key,
    any_value(top_org_name) AS org_name,
    count(*) AS appearances,
    count(DISTINCT arxiv_id) AS papers,
    round(count(*) / sum(count(*)) OVER (PARTITION BY period, period_start), 4) AS share,
    -- DECIMAL: a parallel sum of doubles can differ in its last bit between builds and flip the rounding
    round(avg(score::DECIMAL(18, 4)), 2) AS mean_score,
    count(*) FILTER (WHERE is_golden) AS golden_count
FROM periods
GROUP BY period, period_start, top_org_key
ORDER BY period, period_start, appearances DESC, org_key;
