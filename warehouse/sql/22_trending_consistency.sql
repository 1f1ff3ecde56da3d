-- One row per repository trending on two consecutive days: does the change in its printed total
-- agree with the later day's printed gain? Tolerance max(50, 50% of the gain), measured on the real
-- trending lists (95% of 959 pairs fall within it; median gap 15%): see transforms/day_files.py.
CREATE VIEW trending_consistency AS
SELECT
    c.repo_full_name,
    p.digest_date AS previous_date,
    c.digest_date,
    p.stars_total AS previous_total,
    c.stars_total,
    c.stars_total - p.stars_total AS total_change,
    c.stars_today,
    (c.stars_total - p.stars_total) - c.stars_today AS difference,
    greatest(50, c.stars_today // 2) AS tolerance,
    abs((c.stars_total - p.stars_total) - c.stars_today) <= greatest(50, c.stars_today // 2) AS agrees
FROM stg_github_trending AS c
JOIN stg_github_trending AS p
    ON lower(p.repo_full_name) = lower(c.repo_full_name) AND p.digest_date = c.digest_date - 1
ORDER BY c.digest_date, c.repo_full_name;
