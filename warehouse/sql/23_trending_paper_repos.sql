-- Trending repositories that papers link to (bridge_paper_repo, by name as linked or as GitHub names
-- it now), with the printed counts beside the star model's: history_api's total for the same day and
-- the digest's (Hugging Face's cached) count. Where both exist this tests the model against reality.
CREATE VIEW trending_paper_repos AS
SELECT
    t.digest_date,
    t.repo_full_name,
    b.arxiv_id,
    b.repo_id,
    t.stars_total AS trending_stars,
    t.stars_today AS trending_gain,
    h.stars_total AS history_stars,
    t.stars_total - h.stars_total AS history_difference,
    d.stars_total AS digest_stars
FROM stg_github_trending AS t
JOIN bridge_paper_repo AS b
    ON lower(b.linked_as) = lower(t.repo_full_name) OR lower(b.repo_full_name) = lower(t.repo_full_name)
LEFT JOIN fct_repo_stars_daily AS h ON h.repo_id = b.repo_id AND h.star_date = t.digest_date AND h.source = 'history_api'
LEFT JOIN fct_repo_stars_daily AS d ON d.repo_id = b.repo_id AND d.star_date = t.digest_date AND d.source = 'digest'
ORDER BY t.digest_date, t.repo_full_name, b.arxiv_id;
