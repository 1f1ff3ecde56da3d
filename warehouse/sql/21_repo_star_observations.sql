-- One row per repository, day and source: fct_repo_stars_daily's sources plus `trending`, the real
-- counts printed in each day's github_trending.md (stg_github_trending), dated the digest day and
-- kept as their own source, never merged into the history API's days. stars_added is the printed
-- daily gain for trending rows. repo_id is null for a trending repository no paper links to.
CREATE VIEW repo_star_observations AS
SELECT s.repo_id, r.full_name AS repo_full_name, s.star_date, s.stars_added, s.stars_total, s.source, s.observed_at
FROM fct_repo_stars_daily AS s
LEFT JOIN dim_repo AS r ON r.repo_id = s.repo_id
UNION ALL
SELECT
    coalesce(r.repo_id, b.repo_id) AS repo_id,
    t.repo_full_name,
    t.digest_date AS star_date,
    t.stars_today AS stars_added,
    t.stars_total,
    'trending' AS source,
    CAST(NULL AS TIMESTAMP WITH TIME ZONE) AS observed_at
FROM stg_github_trending AS t
LEFT JOIN dim_repo AS r ON lower(r.full_name) = lower(t.repo_full_name)
LEFT JOIN (SELECT lower(linked_as) AS name, min(repo_id) AS repo_id FROM bridge_paper_repo GROUP BY 1) AS b
    ON b.name = lower(t.repo_full_name)
ORDER BY repo_full_name, star_date, source;
