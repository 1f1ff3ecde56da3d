"""The papertrend command line as a user meets it. Digests here are SYNTHETIC."""

import csv
import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.synthetic import Entry, synthetic_entries, write_digest

DAY = dt.date(2026, 2, 9)
PAPERTREND = Path(sys.executable).parent / "papertrend"


@pytest.fixture
def digest(tmp_path) -> Path:
    entries = synthetic_entries(DAY, 2) + [Entry(arxiv_id="2602.00042", title="Synthetic <Broken>", score="n/a")]
    return write_digest(tmp_path / "digests", DAY, entries)


def test_parse_jsonl_gives_entries_then_quarantined(capsys, digest):
    code, out, _ = run_cli(capsys, "parse", digest, "--format", "jsonl")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 3
    assert [r.get("quarantined", False) for r in rows] == [False, False, True]
    assert rows[0]["digest_date"] == "2026-02-09" and rows[0]["tags"] == [] and rows[0]["title_zh"] is None
    assert set(rows[0]) >= {
        "rank",
        "is_golden",
        "arxiv_id",
        "org_raw",
        "score",
        "upvotes",
        "stars",
        "source_line",
        "source_sha256",
    }
    assert rows[2]["reason"] == "score (line 31): 'n/a' is not a number" and rows[2]["source_line"] == 27


def test_parse_table_and_folders(capsys, digest):
    code, out, _ = run_cli(capsys, "parse", digest.parents[2])  # a folder: digests are discovered in it
    assert code == 0
    assert "2 entries, 1 quarantined" in out and "quarantined line 27: score (line 31)" in out


@pytest.mark.usefixtures("in_process_runs")
def test_sql_formats_and_read_only(capsys, tmp_path, digest):
    data = tmp_path / "data"
    code, out, _ = run_cli(capsys, "run", "--digests", tmp_path / "digests", "--data-dir", data, "--no-progress")
    assert code == 0
    # a data dir outside the current folder is printed as given (absolute), never climbing out with ../
    if not data.resolve().is_relative_to(Path.cwd()):
        assert f"--data-dir {data.resolve()}" in out and "../" not in out, out
    # the printed Python command is this environment's (a venv's python is a symlink to the base interpreter)
    [python_line] = [line for line in out.splitlines() if "import duckdb" in line]
    python = python_line.split()[0]
    assert subprocess.run([python, "-c", "import duckdb"], capture_output=True).returncode == 0, python_line
    ids = [e.arxiv_id for e in synthetic_entries(DAY, 2)]
    sql = "SELECT rank, arxiv_id FROM stg_digest_entries ORDER BY rank"
    code, out, _ = run_cli(capsys, "sql", sql, "--data-dir", data, "--format", "csv")
    assert code == 0 and list(csv.reader(io.StringIO(out))) == [["rank", "arxiv_id"], ["1", ids[0]], ["2", ids[1]]]
    code, out, _ = run_cli(capsys, "sql", sql, "--data-dir", data, "--format", "json")
    assert json.loads(out) == [{"rank": 1, "arxiv_id": ids[0]}, {"rank": 2, "arxiv_id": ids[1]}]
    code, out, _ = run_cli(capsys, "sql", sql, "--data-dir", data)
    assert code == 0 and ids[1] in out and "(2 rows)" in out
    code, _, err = run_cli(capsys, "sql", "DELETE FROM stg_digest_entries", "--data-dir", data)
    assert code == 1 and err.count("\n") == 1 and "read-only" in err
    code, _, err = run_cli(capsys, "sql", "SELECT nope FROM nowhere", "--data-dir", data)
    assert code == 1 and err.startswith("papertrend sql: Catalog Error") and err.count("\n") == 1


@pytest.mark.parametrize(
    "args,message",
    [
        (["run", "--frobnicate"], "papertrend: error: unrecognized arguments: --frobnicate\n"),
        (
            ["run", "--digests", "/nonexistent/folder"],
            "papertrend: error: argument --digests: /nonexistent/folder: no such folder\n",
        ),
        (
            ["run", "--start", "2026-13-01"],
            "papertrend: error: argument --start: '2026-13-01' is not a date YYYY-MM-DD\n",
        ),
        (["parse", "/nonexistent/file.md"], "papertrend: error: /nonexistent/file.md: no such file or folder\n"),
        (
            ["sql", "SELECT 1", "--data-dir", "/nonexistent/data"],
            "papertrend: error: no warehouse at /nonexistent/data/warehouse.duckdb: run `papertrend run` first\n",
        ),
        (
            ["sql", "SELECT 1", "--format", "xml"],
            "papertrend: error: argument --format: invalid choice: 'xml' (choose from 'table', 'csv', 'json')\n",
        ),
        ([], "papertrend: error: the following arguments are required: command\n"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(capsys, args, message):
    code, out, err = run_cli(capsys, *args)
    assert (code, out, err) == (2, "", message)


def test_console_script_end_to_end(tmp_path, digest):
    """The installed `papertrend` entry point, as a user types it."""
    done = subprocess.run(
        [PAPERTREND, "run", "--digests", "digests", "--data-dir", "warehouse-data"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "2 loaded, 1 quarantined" in done.stdout and "stg_digest_entries" in done.stdout
    assert "papertrend run 2026-02-09 .. 2026-02-09 (1 day) in " in done.stdout  # one line, however narrow
    assert "papertrend ui --digests digests --data-dir warehouse-data" in done.stdout  # the same source and data
    assert (tmp_path / "warehouse-data" / "warehouse.duckdb").exists()
    # piped, as in a script: no terminal width, so no value is cut to "2026-0…"
    wide = (
        "SELECT digest_date, source_path, source_sha256, repeat('SYNTHETIC-', 30) AS long_text "
        "FROM digest_files WHERE status = 'loaded'"
    )
    piped = subprocess.run(
        [PAPERTREND, "sql", wide, "--data-dir", "warehouse-data"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "COLUMNS"},
    )
    assert piped.returncode == 0, piped.stderr
    assert "…" not in piped.stdout and "(1 rows)" in piped.stdout
    for value in ("2026-02-09", "output/2026-02-09/papers/papers_summary.md", "SYNTHETIC-" * 30):
        assert value in piped.stdout
    [sha] = [line for line in piped.stdout.split() if len(line) == 64]
    assert sha == hashlib.sha256(digest.read_bytes()).hexdigest()
    bad = subprocess.run([PAPERTREND, "sql"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr == "papertrend: error: the following arguments are required: query\n"
