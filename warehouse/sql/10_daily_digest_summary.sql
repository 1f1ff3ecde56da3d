-- One row per partition date: what the digest held and what became of it.
CREATE VIEW daily_digest_summary AS
SELECT
    f.digest_date,
    f.status,
    f.declared_count,
    f.parsed_count,
    f.quarantined_count,
    coalesce(e.total_score, 0) AS total_score,
    coalesce(e.golden_count, 0) AS golden_count,
    e.top_score,
    f.source_path
FROM digest_files AS f
LEFT JOIN (
    SELECT
        digest_date,
        -- DECIMAL: a parallel sum of doubles can differ in its last bit between builds and flip the rounding
        round(sum(score::DECIMAL(18, 4))::DOUBLE, 2) AS total_score,
        CAST(count(*) FILTER (WHERE is_golden) AS BIGINT) AS golden_count,
        max(score) AS top_score
    FROM stg_digest_entries
    GROUP BY digest_date
) AS e USING (digest_date)
ORDER BY f.digest_date;
