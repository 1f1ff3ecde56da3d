-- Every enrichment outcome in one place: the union of the status tables each enrichment step owns.
CREATE VIEW enrichment_status AS
SELECT * FROM enrichment_status_arxiv
UNION ALL BY NAME
SELECT * FROM enrichment_status_hf
UNION ALL BY NAME
SELECT * FROM enrichment_status_github;
