"""The papertrend command line as a user meets it. Digests here are SYNTHETIC."""

import datetime as dt
import os
from pathlib import Path

import pytest

from tests.synthetic import Entry, synthetic_entries, write_digest

DAY = dt.date(2026, 2, 9)


@pytest.fixture
def digest(tmp_path) -> Path:
    entries = synthetic_entries(DAY, 2) + [Entry(arxiv_id="2602.00042", title="Synthetic <Broken>", score="n/a")]
    return write_digest(tmp_path / "digests", DAY, entries)


def test_unreadable_digest_is_rejected_not_fatal(tmp_path):
    """A digest path that cannot be read (here a folder where a file should be) rejects that day only."""
    from papertrend.transforms.discovery import DigestSource
    from papertrend.transforms.ingest import ingest_days

    unreadable = tmp_path / "2026-02-09.md"
    unreadable.mkdir()
    good = write_digest(tmp_path, DAY + dt.timedelta(days=1), synthetic_entries(DAY, 1))
    sources = {
        DAY: DigestSource(DAY, (unreadable,), tmp_path),
        DAY + dt.timedelta(days=1): DigestSource(DAY, (good,), tmp_path),
    }
    bad_day, good_day = ingest_days(sources, [DAY, DAY + dt.timedelta(days=1)])
    assert bad_day.file_row["status"] == "rejected"
    assert bad_day.file_row["status_reason"] == "cannot read file: Is a directory"
    assert bad_day.quarantine.row(0, named=True)["reason"] == "file rejected: cannot read file: Is a directory"
    assert good_day.file_row["status"] == "loaded" and good_day.entries.height == 1


def test_serve_builds_each_team_process_from_dagster_commands():
    from papertrend.orchestration.cli import CliError, serve_command

    module = "papertrend.orchestration.definitions"
    assert serve_command("code-server", "0.0.0.0", None, None) == [
        "dagster", "code-server", "start", "-m", module, "-h", "0.0.0.0", "-p", "4000",
    ]  # fmt: skip
    assert serve_command("webserver", "0.0.0.0", 8080, "code.internal:4000") == [
        "dagster-webserver", "--grpc-host", "code.internal", "--grpc-port", "4000", "-h", "0.0.0.0", "-p", "8080",
    ]  # fmt: skip
    assert serve_command("daemon", "127.0.0.1", None, None) == ["dagster-daemon", "run", "-m", module]
    with pytest.raises(CliError, match="HOST:PORT"):
        serve_command("daemon", "127.0.0.1", None, "code.internal")


def test_ui_and_serve_pass_offline_and_the_folders_to_the_code_location(tmp_path):
    from papertrend.orchestration.cli import _code_location_env, build_parser

    for argv in (["ui", "--offline"], ["serve", "daemon", "--offline"]):
        args = build_parser().parse_args([*argv, "--data-dir", str(tmp_path), "--digests", str(tmp_path)])
        env = _code_location_env(args.digests, tmp_path, args.offline)
        assert (env["PAPERTREND_OFFLINE"], env["PAPERTREND_DATA_DIR"]) == ("1", str(tmp_path)), argv
    os.environ.pop("PAPERTREND_OFFLINE")  # the suite sets it for every test
    args = build_parser().parse_args(["ui"])
    assert "PAPERTREND_OFFLINE" not in _code_location_env(args.digests, tmp_path, args.offline)
