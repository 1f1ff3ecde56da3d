-- Does trending in the digest move a repository's stars? Stars gained in the 7 and 30 days after a
-- paper's first appearance, for the papers whose repository has that much star history.
SELECT arxiv_id, title_en, repo_full_name, first_digest_date, stars_at_start, stars_gained_7d, stars_gained_30d
FROM paper_momentum
WHERE momentum_status = 'ok'
ORDER BY stars_gained_30d DESC, arxiv_id
LIMIT 20;
