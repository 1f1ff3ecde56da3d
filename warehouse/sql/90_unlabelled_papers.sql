-- One row per paper no topic of the taxonomy matches: the to-do list for the next taxonomy version.
CREATE VIEW unlabelled_papers AS
SELECT a.arxiv_id, arg_max(a.title_en, a.digest_date) AS title_en, min(a.digest_date) AS first_digest_date, count(*) AS appearances
FROM fct_paper_appearances AS a
WHERE NOT EXISTS (SELECT 1 FROM bridge_paper_topic AS b WHERE b.arxiv_id = a.arxiv_id)
GROUP BY a.arxiv_id
ORDER BY first_digest_date, a.arxiv_id;
