"""Every example query in warehouse/queries/ runs on a warehouse built from the bundled examples."""

from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO, run_cli

QUERIES = sorted((REPO / "warehouse" / "queries").glob("*.sql"))


@pytest.fixture
def warehouse(examples_warehouse) -> Path:
    return examples_warehouse


def test_there_are_example_queries_and_each_says_what_it_answers():
    assert len(QUERIES) >= 6
    for path in QUERIES:
        assert path.read_text(encoding="utf-8").startswith("-- "), (
            f"{path.name}: start with a comment saying what it answers"
        )


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_example_query_runs(warehouse, path, capsys):
    sql = path.read_text(encoding="utf-8")
    with duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True) as con:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    assert columns
    # queries answered by the digests alone return rows on the examples; the rest need enrichment or repeats
    if path.stem in {"top_orgs", "org_share_by_month", "rising_topics", "score_drivers", "org_topics", "bonus_rerank"}:
        assert rows, path.name
    # and the CLI runs it too
    code, out, err = run_cli(capsys, "sql", sql, "--data-dir", warehouse, "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[0].split(",") == columns
