-- One row per period (week or month, by period_start) and top-level organization (dim_org.top_org_key,
-- sub-units rolled up to their parent): appearances, distinct papers, share of the period's
-- appearances, mean score and golden count. 'unknown' collects entries printed without an organization.
-- org_trends counts the digests alone; org_trends_with_derived (next file) adds the days without a digest
-- whose selection was derived. includes_derived_days says which, and derived_days counts the period's
-- derived days (digest_files.status = 'derived', including any whose list gave no pick; left out of
-- org_trends, counted in org_trends_with_derived). A period of derived days alone has rows in
-- org_trends_with_derived only.
CREATE MACRO org_trends_over(include_derived) AS TABLE
WITH appearances AS (
    SELECT a.*, o.top_org_key, o.top_org_name
    FROM paper_selections AS a
    JOIN dim_org AS o USING (org_key)
    WHERE include_derived OR NOT a.is_derived
),
periods AS (
    SELECT 'week' AS period, date_trunc('week', digest_date)::DATE AS period_start, * FROM appearances
    UNION ALL
    SELECT 'month' AS period, date_trunc('month', digest_date)::DATE AS period_start, * FROM appearances
),
derived_days AS (
    SELECT period, period_start, count(DISTINCT digest_date) AS derived_days
    FROM (
        SELECT 'week' AS period, date_trunc('week', digest_date)::DATE AS period_start, digest_date
        FROM digest_files WHERE status = 'derived'
        UNION ALL
        SELECT 'month', date_trunc('month', digest_date)::DATE, digest_date FROM digest_files WHERE status = 'derived'
    )
    GROUP BY ALL
)
SELECT
    p.period,
    p.period_start,
    p.top_org_key AS org_key,
    any_value(p.top_org_name) AS org_name,
    count(*) AS appearances,
    count(DISTINCT p.arxiv_id) AS papers,
    round(count(*) / sum(count(*)) OVER (PARTITION BY p.period, p.period_start), 4) AS share,
    -- DECIMAL: a parallel sum of doubles can differ in its last bit between builds and flip the rounding
    round(avg(p.score::DECIMAL(18, 4)), 2) AS mean_score,
    count(*) FILTER (WHERE p.is_golden) AS golden_count,
    include_derived AS includes_derived_days,
    coalesce(any_value(d.derived_days), 0) AS derived_days
FROM periods AS p
LEFT JOIN derived_days AS d USING (period, period_start)
GROUP BY p.period, p.period_start, p.top_org_key
ORDER BY p.period, p.period_start, appearances DESC, org_key;

CREATE VIEW org_trends AS SELECT * FROM org_trends_over(false);
