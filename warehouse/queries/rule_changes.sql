-- Did the scoring rules change? Dates the lab-tagging rules changed, with the evidence, and the
-- appearances whose score or tags break the rules.
SELECT 'rule change' AS finding, rule_change_date AS digest_date, evidence AS detail FROM rule_changes
UNION ALL
SELECT 'flagged appearance', digest_date, arxiv_id || ': ' || coalesce(score_flag, array_to_string(rule_flags, '; '))
FROM score_breakdown
WHERE NOT score_explained OR len(rule_flags) > 0 OR tier_conflict
ORDER BY digest_date, finding;
