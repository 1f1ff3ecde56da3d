-- What does each large organization publish about? Top 3 topics of the 10 largest organizations.
WITH top_orgs AS (
    SELECT org_key FROM org_trends WHERE period = 'month' AND org_key <> 'unknown'
    GROUP BY org_key ORDER BY sum(appearances) DESC, org_key LIMIT 10
),
papers AS (
    SELECT DISTINCT o.top_org_key, o.top_org_name, a.arxiv_id
    FROM fct_paper_appearances AS a JOIN dim_org AS o USING (org_key)
    WHERE o.top_org_key IN (SELECT org_key FROM top_orgs)
),
counts AS (
    SELECT p.top_org_name, t.name_en AS topic, count(DISTINCT p.arxiv_id) AS papers
    FROM papers AS p JOIN bridge_paper_topic AS b USING (arxiv_id) JOIN dim_topic AS t USING (topic_key)
    GROUP BY ALL
)
SELECT top_org_name AS organization, topic, papers
FROM counts
QUALIFY row_number() OVER (PARTITION BY top_org_name ORDER BY papers DESC, topic) <= 3
ORDER BY organization, papers DESC, topic;
