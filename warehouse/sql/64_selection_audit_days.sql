-- One row per day with a digest and its Hugging Face list: how many papers were listed, printed and
-- picked by the formula, whether the formula reproduces the digest's selection, the cut-off score,
-- the rank correlation (Spearman) of printed ranks and formula ranks over the printed papers, left-out
-- papers that outscored a printed one, and the reasons for each disagreement.
CREATE VIEW selection_audit_days AS
WITH ranked AS (
    SELECT
        *,
        rank() OVER (PARTITION BY digest_date ORDER BY printed_rank) AS r_printed,
        rank() OVER (PARTITION BY digest_date ORDER BY list_rank) AS r_list
    FROM fct_selection_audit
    WHERE printed AND listed
)
SELECT
    d.digest_date,
    count(*) FILTER (WHERE d.listed) AS listed,
    count(*) FILTER (WHERE d.printed) AS printed,
    count(*) FILTER (WHERE d.formula_picks) AS formula_picks,
    bool_and(d.printed = d.formula_picks) AS reproduced,
    min(d.printed_score) AS cut_off_score,
    (SELECT round(corr(r.r_printed, r.r_list), 4) FROM ranked AS r WHERE r.digest_date = d.digest_date)
        AS rank_correlation,
    count(*) FILTER (WHERE NOT d.printed AND d.outscores_pick_by IS NOT NULL) AS left_out_outscoring,
    max(d.outscores_pick_by) AS most_outscored_by,
    count(*) FILTER (WHERE d.counts_moved) AS counts_moved,
    coalesce(string_agg(DISTINCT d.reason, ', ' ORDER BY d.reason), '') AS reasons
FROM fct_selection_audit AS d
GROUP BY d.digest_date
ORDER BY d.digest_date;
