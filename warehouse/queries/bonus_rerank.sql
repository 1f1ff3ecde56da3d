-- Which organizations does the lab bonus lift? Each day's printed papers ranked with and without
-- their bonus: per organization (sub-units apart), the mean places it falls without the bonus and the share of
-- its top-half appearances that drop to the bottom half. From the digests alone (no Hugging Face list);
-- selection_bias compares with the full lists.
WITH ranked AS (
    SELECT
        o.org_name,
        rank() OVER (PARTITION BY a.digest_date ORDER BY a.score DESC, a.rank) AS with_bonus,
        rank() OVER (PARTITION BY a.digest_date ORDER BY a.score - a.lab_bonus DESC, a.rank) AS without_bonus,
        count(*) OVER (PARTITION BY a.digest_date) AS printed
    FROM fct_paper_appearances AS a
    JOIN dim_org AS o USING (org_key)
)
SELECT
    org_name,
    count(*) AS appearances,
    round(avg(without_bonus - with_bonus), 1) AS mean_places_fallen,
    round(
        count(*) FILTER (WHERE with_bonus <= printed / 2 AND without_bonus > printed / 2)
        / nullif(count(*) FILTER (WHERE with_bonus <= printed / 2), 0),
        2
    ) AS top_half_to_bottom_half
FROM ranked
WHERE org_name <> 'Unknown'
GROUP BY org_name
HAVING count(*) >= 5
ORDER BY mean_places_fallen DESC, org_name
LIMIT 15;
