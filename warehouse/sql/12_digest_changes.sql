-- What each re-publication of a day's digest changed against the version before it: one row per paper added,
-- dropped or changed (rank, score, tags, upvotes or stars), with both versions' values (from digest_versions
-- and digest_entry_versions; versions a force-push removed from the history are left out, while a plain folder's
-- versions, which papertrend saw one after another, are all in).
CREATE VIEW digest_changes AS
WITH versions AS (
    SELECT
        digest_date,
        "commit",
        version,
        coalesce("commit", content_sha256) AS pair_key,
        committed_at,
        content_sha256,
        lag("commit") OVER w AS previous_commit,
        lag(content_sha256) OVER w AS previous_sha256,
        lag(committed_at) OVER w AS previous_committed_at
    FROM digest_versions
    WHERE in_history OR "commit" IS NULL
    WINDOW w AS (PARTITION BY digest_date ORDER BY version)
),
republications AS (
    SELECT * FROM versions WHERE previous_sha256 IS NOT NULL
),
old AS (
    SELECT r.pair_key, e.*
    FROM republications AS r
    JOIN digest_entry_versions AS e ON e.digest_date = r.digest_date AND e.content_sha256 = r.previous_sha256
),
new AS (
    SELECT r.pair_key, e.*
    FROM republications AS r
    JOIN digest_entry_versions AS e ON e.digest_date = r.digest_date AND e.content_sha256 = r.content_sha256
),
compared AS (
    SELECT
        coalesce(n.digest_date, o.digest_date) AS digest_date,
        coalesce(n.pair_key, o.pair_key) AS pair_key,
        coalesce(n.arxiv_id, o.arxiv_id) AS arxiv_id,
        CASE WHEN o.arxiv_id IS NULL THEN 'added' WHEN n.arxiv_id IS NULL THEN 'dropped' ELSE 'changed' END AS change,
        o.rank AS old_rank,
        n.rank AS new_rank,
        o.score AS old_score,
        n.score AS new_score,
        o.tags AS old_tags,
        n.tags AS new_tags,
        o.upvotes AS old_upvotes,
        n.upvotes AS new_upvotes,
        o.stars AS old_stars,
        n.stars AS new_stars,
        coalesce(n.title_en, o.title_en) AS title_en
    FROM new AS n
    FULL OUTER JOIN old AS o ON n.pair_key = o.pair_key AND n.digest_date = o.digest_date AND n.arxiv_id = o.arxiv_id
)
SELECT
    c.digest_date,
    r.version,
    r.previous_committed_at,
    r.committed_at,
    r.previous_commit,
    r."commit",
    c.change,
    c.arxiv_id,
    c.title_en,
    c.old_rank,
    c.new_rank,
    c.old_score,
    c.new_score,
    c.old_tags,
    c.new_tags,
    c.old_upvotes,
    c.new_upvotes,
    c.old_stars,
    c.new_stars
FROM compared AS c
JOIN republications AS r ON r.digest_date = c.digest_date AND r.pair_key = c.pair_key
WHERE c.change <> 'changed'
    OR c.old_rank IS DISTINCT FROM c.new_rank
    OR c.old_score IS DISTINCT FROM c.new_score
    OR c.old_tags IS DISTINCT FROM c.new_tags
    OR c.old_upvotes IS DISTINCT FROM c.new_upvotes
    OR c.old_stars IS DISTINCT FROM c.new_stars;
