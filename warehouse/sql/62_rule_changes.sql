-- One row per detected change of the lab-tagging rules: the earliest day the new rules are seen,
-- the window it must lie in, and the organization strings whose tier changed (the evidence).
CREATE VIEW rule_changes AS
SELECT
    rule_change_date,
    max(window_start) AS changed_after,
    min(window_end) AS changed_on_or_before,
    count(*) AS orgs_changed,
    string_agg(org_raw || ': ' || tier_before || ' -> ' || tier_after, '; ' ORDER BY org_raw) AS evidence
FROM fct_lab_tier_changes
GROUP BY rule_change_date
ORDER BY rule_change_date;
