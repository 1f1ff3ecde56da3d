-- Paper notes (papers/papers_note_<arXiv id>.md) with the paper they are about: its entry in the
-- same day's digest when there is one (in_digest). The note's text stays in its file.
CREATE VIEW paper_notes_linked AS
SELECT
    n.digest_date,
    n.arxiv_id,
    n.source_path,
    e.rank,
    e.title_en,
    e.arxiv_id IS NOT NULL AS in_digest
FROM paper_notes AS n
LEFT JOIN stg_digest_entries AS e ON e.digest_date = n.digest_date AND e.arxiv_id = n.arxiv_id
ORDER BY n.digest_date, n.arxiv_id;
