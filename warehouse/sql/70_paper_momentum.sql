-- One row per paper: its first digest appearance, its main repository (the first linked one that
-- is not an umbrella/framework repository), the stars it had then and gained 7 and 30 days later
-- from the best star history available (repo_stars_best); momentum_status says why a figure is null.
CREATE VIEW paper_momentum AS
WITH firsts AS (
    SELECT arxiv_id, min(digest_date) AS first_digest_date, arg_min(title_en, digest_date) AS title_en,
           arg_min(stars_at_digest, digest_date) AS stars_at_first_digest
    FROM fct_paper_appearances
    GROUP BY arxiv_id
),
main_repo AS (
    SELECT arxiv_id, arg_min(repo_id, repo_full_name) AS repo_id, min(repo_full_name) AS repo_full_name
    FROM bridge_paper_repo
    WHERE NOT is_umbrella
    GROUP BY arxiv_id
),
history AS (
    SELECT repo_id, star_date, stars_total FROM repo_stars_best WHERE stars_total IS NOT NULL
),
measured AS (
    SELECT
        f.*,
        r.repo_id,
        r.repo_full_name,
        (SELECT h.stars_total FROM history AS h WHERE h.repo_id = r.repo_id AND h.star_date <= f.first_digest_date ORDER BY h.star_date DESC LIMIT 1) AS stars_at_start,
        (SELECT h.stars_total FROM history AS h WHERE h.repo_id = r.repo_id AND h.star_date <= f.first_digest_date + 7 ORDER BY h.star_date DESC LIMIT 1) AS stars_at_7d,
        (SELECT h.stars_total FROM history AS h WHERE h.repo_id = r.repo_id AND h.star_date <= f.first_digest_date + 30 ORDER BY h.star_date DESC LIMIT 1) AS stars_at_30d,
        (SELECT max(h.star_date) FROM history AS h WHERE h.repo_id = r.repo_id) AS history_until
    FROM firsts AS f
    LEFT JOIN main_repo AS r USING (arxiv_id)
)
SELECT
    arxiv_id,
    title_en,
    first_digest_date,
    repo_full_name,
    stars_at_first_digest,
    stars_at_start,
    CASE WHEN history_until >= first_digest_date + 7 THEN stars_at_7d - stars_at_start END AS stars_gained_7d,
    CASE WHEN history_until >= first_digest_date + 30 THEN stars_at_30d - stars_at_start END AS stars_gained_30d,
    CASE
        WHEN repo_id IS NULL THEN 'no repository linked (yet)'
        WHEN history_until IS NULL THEN 'no star history (yet)'
        WHEN stars_at_start IS NULL THEN 'history starts after the first appearance'
        WHEN history_until < first_digest_date + 30 THEN 'less than 30 days of history after the first appearance'
        ELSE 'ok'
    END AS momentum_status
FROM measured
ORDER BY first_digest_date, arxiv_id;
