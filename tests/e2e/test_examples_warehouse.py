"""Commands on one warehouse built from the bundled examples (facts of real digests), built once for the file:
every example query in warehouse/queries/ runs, and `papertrend render` writes each day back as a digest that
parses to the same entries (tests/e2e/test_corpus_runs.py repeats that over all 136 real digests)."""

from pathlib import Path

import duckdb
import pytest

from papertrend.transforms.digest_parser import parse_digest
from papertrend.transforms.discovery import discover_digests
from papertrend.transforms.render import render_digest
from tests.conftest import EXAMPLES, REPO, run_cli
from tests.helpers import facts, lines

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


def test_render_command_gives_back_every_example_day(examples_warehouse, capsys, tmp_path):
    days = discover_digests(EXAMPLES)
    for day, source in sorted(days.items()):
        out = tmp_path / f"{day}.md"
        code, printed, err = run_cli(capsys, "render", day.isoformat(), "--out", out, "--data-dir", examples_warehouse)
        assert code == 0, err
        original = parse_digest(source.path.read_bytes(), source.relative_path, day)
        assert f"{len(original.entries)} entries written to {out}" in printed
        assert facts(parse_digest(out.read_bytes(), source.relative_path, day).entries) == facts(original.entries)
        # facts-only digests (as bundled) come back line for line, but for spaces that ended a line
        assert lines(out.read_text(encoding="utf-8")) == lines(source.path.read_text(encoding="utf-8")), day
    # to standard output; a day without a digest is refused with the reason
    first = min(days)
    code, printed, _ = run_cli(capsys, "render", first.isoformat(), "--data-dir", examples_warehouse)
    assert code == 0 and printed == render_digest(
        first, parse_digest(days[first].path.read_bytes(), "x", first).entries
    )
    code, _, err = run_cli(capsys, "render", "2026-03-14", "--data-dir", examples_warehouse)
    assert code != 0 and "2026-03-14: no digest in the warehouse, and none derived (digest_files says no_digest)" in err
