-- One row per paper: how many digests printed it (is_repeat when more than one), over how many days,
-- its best and latest rank, and its first and latest score. Sorted so repeats come first.
CREATE VIEW repeat_appearances AS
SELECT
    arxiv_id,
    arg_max(title_en, digest_date) AS title_en,
    count(*) AS appearances,
    count(*) > 1 AS is_repeat,
    min(digest_date) AS first_digest_date,
    max(digest_date) AS last_digest_date,
    max(digest_date) - min(digest_date) AS days_between,
    min(rank) AS best_rank,
    arg_max(rank, digest_date) AS last_rank,
    arg_min(score, digest_date) AS first_score,
    arg_max(score, digest_date) AS last_score,
    list(digest_date ORDER BY digest_date) AS digest_dates
FROM fct_paper_appearances
GROUP BY arxiv_id
ORDER BY appearances DESC, first_digest_date, arxiv_id;
