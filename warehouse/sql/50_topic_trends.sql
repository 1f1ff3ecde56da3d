-- One row per ISO week (week_start, a Monday) and topic: distinct papers appearing that week with the
-- topic, their share of the week's distinct papers (multi-label: shares add up to more than 1),
-- mean score, and the share over the previous four weeks for spotting rising topics. Only labels
-- from texts every paper can have count here (English title, arXiv abstract and categories): the
-- Chinese summaries exist for early 2026 only and would make those weeks look different.
-- topic_trends counts the digests alone; topic_trends_with_derived (next file) adds the derived days,
-- whose papers are labelled from their list title alone (they have no arXiv metadata), so a week of
-- derived days finds fewer labels per paper. includes_derived_days and derived_days say which.
CREATE MACRO topic_trends_over(include_derived) AS TABLE
WITH weekly AS (
    SELECT date_trunc('week', digest_date)::DATE AS week_start, arxiv_id, max(score) AS score
    FROM paper_selections
    WHERE include_derived OR NOT is_derived
    GROUP BY ALL
),
week_totals AS (
    SELECT week_start, count(*) AS week_papers FROM weekly GROUP BY week_start
),
derived_days AS (
    SELECT date_trunc('week', digest_date)::DATE AS week_start, count(*) AS derived_days
    FROM digest_files
    WHERE status = 'derived'
    GROUP BY ALL
),
labelled AS (
    SELECT DISTINCT w.week_start, w.arxiv_id, w.score, b.topic_key
    FROM weekly AS w
    JOIN bridge_paper_topic AS b USING (arxiv_id)
    WHERE b.source IN ('title_en', 'abstract', 'arxiv_category')
),
counts AS (
    -- DECIMAL: a parallel sum of doubles can differ in its last bit between builds and flip the rounding
    SELECT week_start, topic_key, count(*) AS papers, round(avg(score::DECIMAL(18, 4)), 2) AS mean_score
    FROM labelled
    GROUP BY week_start, topic_key
)
SELECT
    c.week_start,
    c.topic_key,
    t.name_en,
    t.name_zh,
    c.papers,
    w.week_papers,
    round(c.papers / w.week_papers, 4) AS share,
    c.mean_score,
    round(avg(c.papers / w.week_papers) OVER (
        PARTITION BY c.topic_key ORDER BY c.week_start ROWS BETWEEN 4 PRECEDING AND 1 PRECEDING
    ), 4) AS share_prev_4_weeks,
    include_derived AS includes_derived_days,
    coalesce(d.derived_days, 0) AS derived_days
FROM counts AS c
JOIN week_totals AS w USING (week_start)
JOIN dim_topic AS t USING (topic_key)
LEFT JOIN derived_days AS d USING (week_start)
ORDER BY c.week_start, c.papers DESC, c.topic_key;

CREATE VIEW topic_trends AS SELECT * FROM topic_trends_over(false);
