-- Is organization share changing? Monthly share of the five largest organizations, one column per organization.
WITH top5 AS (
    SELECT org_key FROM org_trends WHERE period = 'month' AND org_key <> 'unknown'
    GROUP BY org_key ORDER BY sum(appearances) DESC, org_key LIMIT 5
)
PIVOT (
    SELECT period_start AS month, org_name, share FROM org_trends
    WHERE period = 'month' AND org_key IN (SELECT org_key FROM top5)
) ON org_name USING first(share)
ORDER BY month;
