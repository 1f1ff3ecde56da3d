"""The whole path, digests -> lake -> warehouse, through real Dagster runs on SYNTHETIC digests."""

import datetime as dt
import json
import subprocess
import sys
import textwrap

import dagster as dg
import polars as pl
import pytest

from tests.conftest import query, run_cli, snapshot
from tests.synthetic import Entry, digest_text, synthetic_entries, write_digest

pytestmark = pytest.mark.usefixtures("in_process_runs")

D1, D2, D3, D4 = (dt.date(2026, 2, 2) + dt.timedelta(days=i) for i in range(4))


@pytest.fixture
def digests(tmp_path):
    """SYNTHETIC: D1 three entries, D2 no file, D3 the generator's empty day, D4 two good and one bad."""
    root = tmp_path / "digests"
    write_digest(root, D1, synthetic_entries(D1, 3))
    empty = root / "output" / D3.isoformat() / "papers" / "papers_summary.md"
    empty.parent.mkdir(parents=True)
    empty.write_text(digest_text(None, []), encoding="utf-8")
    entries = synthetic_entries(D4, 3)
    entries[1].score = "not-a-score"
    write_digest(root, D4, entries)
    return root


def test_run_builds_lake_and_warehouse_with_every_entry_accounted_for(capsys, tmp_path, digests):
    data = tmp_path / "data"
    code, out, _ = run_cli(capsys, "run", "--digests", digests, "--data-dir", data, "--no-progress")
    assert code == 0
    assert "4 days" in out and "2 loaded, 1 empty, 1 no_digest, 0 rejected" in out and "5 loaded, 1 quarantined" in out
    db = data / "warehouse.duckdb"
    assert query(db, "SELECT digest_date, status, parsed_count, quarantined_count FROM digest_files ORDER BY 1") == [
        (D1, "loaded", 3, 0),
        (D2, "no_digest", 0, 0),
        (D3, "empty", 0, 0),
        (D4, "loaded", 2, 1),
    ]
    [(date, line, reason)] = query(db, "SELECT digest_date, source_line, reason FROM digest_quarantine")
    assert (date, line) == (D4, 17) and reason == "score (line 21): 'not-a-score' is not a number"
    assert query(db, "SELECT count(*), sum(score)::DECIMAL(9,2) FROM stg_digest_entries")[0][0] == 5
    # the Parquet lake is Hive-partitioned, one folder per day, the empty and missing days included
    lake = data / "lake" / "stg_digest_entries"
    assert sorted(p.name for p in lake.iterdir()) == [f"digest_date={d}" for d in (D1, D2, D3, D4)]
    assert pl.read_parquet(lake / f"digest_date={D2}" / "data.parquet").height == 0
    hive = pl.scan_parquet(lake / "**" / "*.parquet", hive_partitioning=True).collect()
    assert hive.height == 5 and "digest_date" in hive.columns
    # column types in DuckDB are the contract's
    types = dict(
        query(db, "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'stg_digest_entries'")
    )
    assert types["tags"] == "VARCHAR[]" and types["digest_date"] == "DATE" and types["rank"] == "INTEGER"


def test_rerun_is_idempotent_and_an_edited_day_replaces_only_itself(capsys, tmp_path, digests):
    data = tmp_path / "data"
    args = ("run", "--digests", digests, "--data-dir", data, "--no-progress")
    assert run_cli(capsys, *args)[0] == 0
    first = snapshot(data / "warehouse.duckdb")
    assert run_cli(capsys, *args)[0] == 0
    assert snapshot(data / "warehouse.duckdb") == first

    entries = synthetic_entries(D1, 3)
    entries[0].score = "99.99"
    entries.append(Entry(arxiv_id="2602.09999", title="Synthetic Late Addition", score="21.5"))
    write_digest(digests, D1, entries)
    assert run_cli(capsys, *args)[0] == 0
    after = snapshot(data / "warehouse.duckdb")
    rows = query(
        data / "warehouse.duckdb",
        "SELECT arxiv_id, score FROM stg_digest_entries WHERE digest_date = ? ORDER BY rank",
        [D1],
    )
    assert rows == [(e.arxiv_id, float(e.score)) for e in entries]
    for table, table_rows in first.items():
        untouched = [r for r in table_rows if r[0] != D1]
        assert [r for r in after[table] if r[0] != D1] == untouched, table


def test_partitions_report_checks_and_row_counts_one_per_day(capsys, tmp_path, digests):
    data = tmp_path / "data"
    assert run_cli(capsys, "run", "--digests", digests, "--data-dir", data, "--no-progress")[0] == 0
    instance = dg.DagsterInstance.from_config(str(data / "dagster_home"))  # where the CLI records its runs
    [run] = instance.get_runs()
    assert run.tags["dagster/asset_partition_range_start"] == D1.isoformat()

    key = dg.AssetCheckKey(dg.AssetKey("digest_day"), "day_checks")
    history = {r.partition: r for r in instance.event_log_storage.get_asset_check_execution_history(key, limit=100)}
    status = {day: r.status.value for day, r in history.items()}
    # D4 quarantined an entry: a warning, with file, line and field; D2 (no digest) and D3 pass, never red
    assert status == {
        D1.isoformat(): "SUCCEEDED",
        D2.isoformat(): "SUCCEEDED",
        D3.isoformat(): "SUCCEEDED",
        D4.isoformat(): "FAILED",
    }
    failed = history[D4.isoformat()].event.dagster_event.event_specific_data
    assert failed.severity == dg.AssetCheckSeverity.WARN
    assert failed.description.startswith(f"{D4}: ") and "entries_loaded: 2 of 3 entries loaded" in failed.description
    assert "line 17: score (line 21): 'not-a-score' is not a number" in failed.metadata["entries_loaded"].value
    assert history[D2.isoformat()].event.dagster_event.event_specific_data.description == (
        f"{D2}: nothing to check (no digest, no other file)"
    )
    # what the check's Partitions tab counts: each day's result targets that day's latest materialization
    info = instance.event_log_storage.get_asset_check_partition_info([key])
    assert {i.partition_key: i.is_current for i in info} == {d.isoformat(): True for d in (D1, D2, D3, D4)}
    # one materialization per day, each table's rows for the day in its metadata
    materializations = instance.fetch_materializations(dg.AssetKey("digest_day"), limit=10).records
    counts = {
        r.asset_materialization.partition: (
            r.asset_materialization.metadata["stg_digest_entries"].value,
            r.asset_materialization.metadata["digest_quarantine"].value,
        )
        for r in materializations
    }
    assert counts == {D1.isoformat(): (3, 0), D2.isoformat(): (0, 0), D3.isoformat(): (0, 0), D4.isoformat(): (2, 1)}
    # each table is an asset of its own, with its whole row count
    [table] = instance.fetch_materializations(dg.AssetKey("stg_digest_entries"), limit=10).records
    assert table.asset_materialization.partition is None
    assert table.asset_materialization.metadata["dagster/row_count"].value == 5
    assert table.asset_materialization.metadata["days"].value == 4
    # the whole-history tables: one materialization per run, not one per day
    published = instance.fetch_materializations(dg.AssetKey("analyst_warehouse"), limit=10).records
    assert [r.asset_materialization.partition for r in published] == [None]
    [coverage] = instance.event_log_storage.get_asset_check_partition_info(
        [dg.AssetCheckKey(dg.AssetKey("bridge_paper_topic"), "topic_coverage")]
    )
    assert coverage.partition_key is None and coverage.is_current
    # every check result of the run says in one line what it found; none says "none" about anything
    evaluations = [
        r.event_log_entry.dagster_event.event_specific_data
        for r in instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    ]
    assert {e.check_name for e in evaluations} >= {
        "day_checks",
        "papers_enriched",
        "topic_coverage",
        "scores_explained",
    }
    for evaluation in evaluations:
        assert evaluation.description and "\n" not in evaluation.description, evaluation
        assert "none" not in [str(v.value).strip().lower() for v in evaluation.metadata.values()], evaluation
    [enriched] = [e for e in evaluations if e.check_name == "papers_enriched"]
    papers = enriched.metadata["papers"].value
    assert not enriched.passed and enriched.description.startswith(
        f"{papers} of {papers} papers lack arXiv metadata ({papers} pending), on 2 days from {D1}"
    )
    assert enriched.metadata["papers_pending"].value == papers  # papers, as "papers" counts them
    [audit] = [e for e in evaluations if e.check_name == "selection_reproduced"]  # offline: no list to audit with
    assert audit.passed and audit.description.startswith("nothing audited: no day has both a digest and its")


def test_contract_violation_moves_rows_to_quarantine_with_the_check(capsys, tmp_path):
    root = tmp_path / "digests"
    entries = synthetic_entries(D1, 2)
    entries[0].tags = "Frontier Lab, Synthetic Unknown Tag"
    write_digest(root, D1, entries)
    data = tmp_path / "data"
    assert run_cli(capsys, "run", "--digests", root, "--data-dir", data, "--no-progress")[0] == 0
    [(reason,)] = query(data / "warehouse.duckdb", "SELECT reason FROM digest_quarantine")
    assert (
        reason == "tags: fails the contract, every tag is one of Super Lab, Frontier Lab, Must Read, Viral "
        '(found ["Frontier Lab","Synthetic Unknown Tag"])'
    )
    assert query(data / "warehouse.duckdb", "SELECT count(*) FROM stg_digest_entries") == [(1,)]


HOLDER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("SELECT count(*) FROM stg_digest_entries").fetchone()[0], flush=True)
    sys.stdin.readline()  # hold the file open while the pipeline runs
    print(con.execute("SELECT count(*) FROM stg_digest_entries").fetchone()[0], flush=True)
    con.close()
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("SELECT count(*) FROM stg_digest_entries").fetchone()[0], flush=True)
    """
)


def test_an_analyst_holding_the_warehouse_open_does_not_block_a_run(capsys, tmp_path, digests):
    data = tmp_path / "data"
    args = ("run", "--digests", digests, "--data-dir", data, "--no-progress")
    assert run_cli(capsys, *args)[0] == 0
    analyst = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data / "warehouse.duckdb")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert analyst.stdout.readline().strip() == "5"
        write_digest(digests, D1, synthetic_entries(D1, 7))
        assert run_cli(capsys, *args)[0] == 0  # would fail with "Conflicting lock" if written in place
        analyst.stdin.write("go\n")
        analyst.stdin.flush()
        assert analyst.stdout.readline().strip() == "5"  # the open connection still reads its snapshot
        assert analyst.stdout.readline().strip() == "9"  # reopening shows the new data
    finally:
        analyst.kill()
        analyst.wait()


def test_bundled_examples_run_by_default(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, "run", "--no-progress")
    assert code == 0
    assert "2026-03-13 .. 2026-04-09 (28 days)" in out and "20 loaded, 0 empty, 8 no_digest" in out
    assert query(tmp_path / "data" / "warehouse.duckdb", "SELECT count(*) FROM stg_digest_entries") == [(286,)]


def test_foreign_files_are_listed_not_rejected_and_damaged_digests_are_rejected(capsys, tmp_path):
    """SYNTHETIC files. Only a file whose content is a digest competes for its day."""
    root = tmp_path / "digests"
    write_digest(root, D1, synthetic_entries(D1, 2))
    (root / f"{D2}.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")  # not UTF-8, not a digest
    (root / f"{D3}.md").write_text("# Meeting notes\n\nNothing to see.\n", encoding="utf-8")  # not a digest
    write_digest(root, D4, synthetic_entries(D4, 1))
    # beside D4's digest: a note of one's own, and a digest whose title line was damaged (its entry
    # layout still says digest): D4 is claimed twice and rejected, the others load.
    (root / "output" / D4.isoformat() / "notes.md").write_text("# Synthetic notes\n", encoding="utf-8")
    damaged = digest_text(D4, synthetic_entries(D4, 1)).replace("# 每日论文汇总 - ", "# 每日论文 ", 1)
    (root / "output" / D4.isoformat() / "papers" / "copy.md").write_text(damaged, encoding="utf-8")
    data = tmp_path / "data"
    assert run_cli(capsys, "run", "--digests", root, "--data-dir", data, "--no-progress")[0] == 0
    db = data / "warehouse.duckdb"
    statuses = query(db, "SELECT digest_date, status, status_reason FROM digest_files ORDER BY 1")
    assert statuses[:3] == [(D1, "loaded", None), (D2, "no_digest", None), (D3, "no_digest", None)]
    assert statuses[3][:2] == (D4, "rejected") and statuses[3][2].startswith("2 files claim 2026-02-05: ")
    assert query(db, "SELECT count(*) FROM stg_digest_entries") == [(2,)]
    assert query(db, "SELECT DISTINCT digest_date FROM digest_quarantine") == [(D4,)]
    assert query(
        db, "SELECT digest_date, source_path, kind, used, detail FROM source_files WHERE kind = 'other' ORDER BY 1, 2"
    ) == [
        (D2, f"{D2}.md", "other", False, "not valid UTF-8: byte 0x89 at offset 0"),
        (D3, f"{D3}.md", "other", False, None),
        (D4, f"output/{D4}/notes.md", "other", False, None),
    ]
    assert [
        r[0] for r in query(db, "SELECT used FROM source_files WHERE kind = 'paper_digest' AND digest_date = ?", [D4])
    ] == [False, False]


def test_quotes_semicolons_and_markup_are_stored_verbatim(capsys, tmp_path):
    hostile_title = (
        'Synthetic \'); DROP TABLE stg_digest_entries; -- "quoted" <script>alert(1)</script> ../../etc/passwd'
    )
    hostile_org = "Synthetic O'Brien Lab; DELETE FROM digest_files; --"
    root = tmp_path / "digests"
    write_digest(root, D1, [Entry(title=hostile_title, org=hostile_org)])
    data = tmp_path / "data"
    assert run_cli(capsys, "run", "--digests", root, "--data-dir", data, "--no-progress")[0] == 0
    db = data / "warehouse.duckdb"
    assert query(db, "SELECT title_en, org_raw FROM stg_digest_entries") == [(hostile_title, hostile_org)]
    assert query(db, "SELECT count(*) FROM digest_files") == [(1,)]
    code, out, _ = run_cli(
        capsys, "sql", "SELECT org_raw FROM stg_digest_entries", "--data-dir", data, "--format", "json"
    )
    assert code == 0 and json.loads(out) == [{"org_raw": hostile_org}]
