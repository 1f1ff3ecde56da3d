-- One row per paper selected on a day: printed in that day's digest (is_derived = false), or, on a day
-- without a digest, picked from its Hugging Face list by the generator's formula and cut
-- (is_derived = true, see fct_derived_selection and digest_files.status = 'derived'). The trend views
-- come in two kinds: org_trends and topic_trends read the digests alone; org_trends_with_derived and
-- topic_trends_with_derived add the derived days. Each row of either says which it is.
CREATE VIEW paper_selections AS
SELECT digest_date, arxiv_id, rank, score, is_golden, org_key, false AS is_derived
FROM fct_paper_appearances
UNION ALL
SELECT digest_date, arxiv_id, rank, score, is_golden, org_key, true AS is_derived
FROM fct_derived_selection;
