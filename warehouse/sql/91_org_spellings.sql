-- One row per organization string as printed, with the canonical organization it maps to and how
-- often and when it was printed. Rows with reviewed = false are not in
-- transforms/reference/org_aliases.csv yet (they load as their own organization): add them there.
CREATE VIEW org_spellings AS
SELECT
    coalesce(a.org_raw, 'Unknown') AS org_raw,
    a.org_key,
    o.org_name,
    o.top_org_name,
    bool_and(a.org_reviewed) AS reviewed,
    count(*) AS appearances,
    min(a.digest_date) AS first_digest_date,
    max(a.digest_date) AS last_digest_date
FROM fct_paper_appearances AS a
JOIN dim_org AS o USING (org_key)
GROUP BY ALL
ORDER BY reviewed, appearances DESC, org_raw;
