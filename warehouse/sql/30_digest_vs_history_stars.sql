-- One row per digest count that has a history-derived total for the same repository and day: how far
-- Hugging Face's cached count (printed in the digest) is from GitHub's history on that date.
CREATE VIEW digest_vs_history_stars AS
SELECT
    d.repo_id,
    r.full_name,
    d.star_date AS digest_date,
    d.stars_total AS digest_stars,
    h.stars_total AS history_stars,
    d.stars_total - h.stars_total AS difference,
    abs(d.stars_total - h.stars_total) > greatest(5, 0.05 * h.stars_total) AS disagrees
FROM fct_repo_stars_daily AS d
JOIN fct_repo_stars_daily AS h
    ON h.repo_id = d.repo_id AND h.star_date = d.star_date AND h.source = 'history_api'
LEFT JOIN dim_repo AS r ON r.repo_id = d.repo_id
WHERE d.source = 'digest'
ORDER BY digest_date, repo_id;
