-- One row per repository and day: the stars from the most trustworthy source reporting that day
-- (stargazers_api, then history_api, then snapshot, then digest), with the source named.
CREATE VIEW repo_stars_best AS
SELECT repo_id, star_date, stars_added, stars_total, source, observed_at
FROM (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY repo_id, star_date
            ORDER BY CASE source WHEN 'stargazers_api' THEN 1 WHEN 'history_api' THEN 2 WHEN 'snapshot' THEN 3 ELSE 4 END
        ) AS preference
    FROM fct_repo_stars_daily
)
WHERE preference = 1
ORDER BY repo_id, star_date;
