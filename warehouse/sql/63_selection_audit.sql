-- Each paper of each day's Hugging Face list (and each printed paper) scored and cut with the
-- generator's formula, beside what the digest printed: picked or left out, the day's cut-off score
-- (lowest printed score), how far a left-out paper outscored the lowest printed one, and why the
-- two disagree; counts_score and counts_top: the score without the bonus, and whether a cut by it would
-- have printed the paper. Titles from arXiv where enrichment has them.
CREATE VIEW selection_audit AS
SELECT
    a.digest_date,
    a.arxiv_id,
    p.title,
    a.organization,
    a.lab_tier,
    a.tier_basis,
    a.printed,
    a.formula_picks,
    a.printed = a.formula_picks AS agrees,
    a.printed_rank,
    a.list_rank,
    a.printed_score,
    a.list_score,
    min(a.printed_score) OVER (PARTITION BY a.digest_date) AS cut_off_score,
    a.outscores_pick_by,
    a.list_upvotes,
    a.list_stars,
    a.list_comments,
    a.printed_upvotes,
    a.printed_stars,
    a.counts_moved,
    a.counts_score,
    a.counts_top,
    a.reason
FROM fct_selection_audit AS a
LEFT JOIN dim_paper AS p USING (arxiv_id)
ORDER BY a.digest_date, a.list_rank NULLS LAST, a.printed_rank;
