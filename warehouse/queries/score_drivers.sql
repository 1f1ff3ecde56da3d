-- What drives the score? Mean of each part of the formula by lab tier, and how many scores the
-- formula explains within their rounding.
SELECT
    lab_tier,
    count(*) AS appearances,
    round(avg(score), 2) AS mean_score,
    round(avg(upvote_part), 2) AS upvotes,
    round(avg(star_part), 2) AS stars,
    round(avg(lab_bonus), 2) AS lab_bonus,
    round(avg(remainder), 2) AS comments,
    round(avg(implied_comments), 2) AS mean_implied_comments,
    count(*) FILTER (WHERE score_explained) AS explained
FROM fct_paper_appearances
GROUP BY lab_tier
ORDER BY mean_score DESC;
