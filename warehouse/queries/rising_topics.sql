-- Which topics are rising? Share of papers over the last 8 loaded weeks against the 8 weeks before.
WITH weeks AS (
    SELECT week_start, row_number() OVER (ORDER BY week_start DESC) AS age
    FROM (SELECT DISTINCT week_start FROM topic_trends)
),
totals AS (
    SELECT w.age <= 8 AS recent, sum(p.week_papers) AS papers
    FROM (SELECT DISTINCT week_start, week_papers FROM topic_trends) AS p JOIN weeks AS w USING (week_start)
    WHERE w.age <= 16 GROUP BY ALL
),
topic AS (
    SELECT t.topic_key, t.name_en, w.age <= 8 AS recent, sum(t.papers) AS papers
    FROM topic_trends AS t JOIN weeks AS w USING (week_start)
    WHERE w.age <= 16 GROUP BY ALL
)
SELECT
    name_en AS topic,
    round(coalesce(max(t.papers / n.papers) FILTER (WHERE NOT t.recent), 0), 3) AS share_before,
    round(coalesce(max(t.papers / n.papers) FILTER (WHERE t.recent), 0), 3) AS share_recent,
    round(share_recent - share_before, 3) AS change
FROM topic AS t JOIN totals AS n USING (recent)
GROUP BY name_en
ORDER BY change DESC, topic;
