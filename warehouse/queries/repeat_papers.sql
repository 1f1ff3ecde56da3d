-- Which papers keep coming back? Papers printed on several digest days, most frequent first
-- (none in the 2026 corpus: its generator never printed a paper twice).
SELECT arxiv_id, title_en, appearances, first_digest_date, last_digest_date, best_rank, first_score, last_score
FROM repeat_appearances
WHERE is_repeat
ORDER BY appearances DESC, first_digest_date
LIMIT 20;
