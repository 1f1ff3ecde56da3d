-- What the lab bonus does to an analyst's numbers. One row per organization (top-level, as in
-- org_trends) and per topic (labels from English titles only, so printed and left-out papers are
-- labelled alike), over every day with both a digest and its Hugging Face list (fct_selection_audit):
--   digest_share      share of the papers the digests printed
--   list_share        share of the papers on the full daily lists
--   counts_top_share  share of the papers a cut by counts alone (bonus removed) would have printed,
--                     the same number each day as the digest printed
--   bought_by_bonus   digest_share - counts_top_share: the presence the bonus buys (negative: loses)
-- Topic shares are over all papers (multi-label: they add up to more than 1).
CREATE VIEW selection_bias AS
WITH papers AS (
    SELECT
        a.arxiv_id, a.printed, a.listed, a.counts_top,
        coalesce(o.top_org_key, a.org_key) AS org_key,
        coalesce(o.top_org_name, a.organization, 'Unknown') AS org_name
    FROM fct_selection_audit AS a
    LEFT JOIN dim_org AS o USING (org_key)
),
totals AS (
    SELECT
        count(*) FILTER (WHERE printed) AS printed,
        count(*) FILTER (WHERE listed) AS listed,
        count(*) FILTER (WHERE counts_top) AS counts_top
    FROM papers
),
groups AS (
    SELECT 'organization' AS dimension, org_key AS key, any_value(org_name) AS name,
        count(*) FILTER (WHERE printed) AS digest_papers,
        count(*) FILTER (WHERE listed) AS list_papers,
        count(*) FILTER (WHERE counts_top) AS counts_top_papers
    FROM papers
    GROUP BY org_key
    UNION ALL
    SELECT 'topic', b.topic_key, any_value(t.name_en),
        count(*) FILTER (WHERE p.printed),
        count(*) FILTER (WHERE p.listed),
        count(*) FILTER (WHERE p.counts_top)
    FROM papers AS p
    JOIN (SELECT DISTINCT arxiv_id, topic_key FROM bridge_paper_topic WHERE source = 'title_en') AS b USING (arxiv_id)
    JOIN dim_topic AS t USING (topic_key)
    GROUP BY b.topic_key
)
SELECT
    g.dimension,
    g.key,
    g.name,
    g.digest_papers,
    g.list_papers,
    g.counts_top_papers,
    round(g.digest_papers / nullif(t.printed, 0), 4) AS digest_share,
    round(g.list_papers / nullif(t.listed, 0), 4) AS list_share,
    round(g.counts_top_papers / nullif(t.counts_top, 0), 4) AS counts_top_share,
    round(g.digest_papers / nullif(t.printed, 0) - g.counts_top_papers / nullif(t.counts_top, 0), 4)
        AS bought_by_bonus
FROM groups AS g, totals AS t
ORDER BY g.dimension, g.digest_papers DESC, g.key;
