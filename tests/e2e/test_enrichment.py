"""Enrichment through real Dagster runs, with arXiv and Hugging Face served by the fake server.
Digests are SYNTHETIC except in the corpus test."""

import datetime as dt
import math
import os

import pytest

from papertrend.transforms import clock
from tests.conftest import query, run_cli
from tests.helpers import daily_lists, point_at
from tests.synthetic import synthetic_entries, write_digest

pytestmark = pytest.mark.usefixtures("in_process_runs")

DAYS = [dt.date(2026, 3, 2) + dt.timedelta(days=i) for i in range(5)]


@pytest.fixture
def digests(tmp_path):
    root = tmp_path / "digests"
    for day in DAYS:
        write_digest(root, day, synthetic_entries(day, 50))  # 250 papers over 5 days
    return root


def test_offline_records_every_gap_and_a_later_run_fills_exactly_them(capsys, tmp_path, digests, fake_apis):
    server, base = fake_apis
    server.daily = daily_lists(digests)
    point_at(base)
    data = tmp_path / "data"
    args = ["run", "--digests", digests, "--data-dir", data, "--no-progress"]

    code, out, _ = run_cli(capsys, *args, "--offline")
    assert code == 0 and sum(server.counts.values()) == 0
    db = data / "warehouse.duckdb"
    assert query(db, "SELECT source, status, reason, count(*) FROM enrichment_status GROUP BY ALL ORDER BY 1") == [
        ("arxiv", "pending", "offline: no request sent", 250),
        ("hf_daily", "pending", "offline: no request sent", 5),
    ]
    assert query(db, "SELECT count(*) FROM dim_paper") == [(0,)]
    assert (
        "arXiv metadata: 0 of 250 papers" in out
        and "5 pending: offline: no request sent" in out
        and "250 pending: offline: no request sent" in out
    )

    code, out, _ = run_cli(capsys, *args)
    assert code == 0
    assert server.counts["arxiv"] == math.ceil(250 / 100) and server.counts["hf_daily"] == 5
    assert query(db, "SELECT count(*) FROM dim_paper") == [(250,)]
    assert query(db, "SELECT status, count(*) FROM enrichment_status GROUP BY ALL") == [("ok", 255)]
    assert query(db, "SELECT count(DISTINCT digest_date), count(*) FROM stg_hf_daily_papers") == [(5, 250)]
    assert "arXiv metadata: 250 of 250 papers" in out and "Hugging Face daily lists: 5 of 5 days" in out

    server.reset_counts()
    before = query(db, "SELECT * FROM dim_paper ORDER BY arxiv_id")
    assert run_cli(capsys, *args)[0] == 0
    assert sum(server.counts.values()) == 0  # everything cached in the tables
    assert query(db, "SELECT * FROM dim_paper ORDER BY arxiv_id") == before


def test_hf_fields_and_missing_paper_fetched_singly(capsys, tmp_path, digests, fake_apis):
    server, base = fake_apis
    lists = daily_lists(digests)
    dropped = lists[DAYS[0]].pop(0)["arxiv_id"]  # on the digest, not on that day's list
    server.daily = lists
    point_at(base)
    data = tmp_path / "data"
    assert run_cli(capsys, "run", "--digests", digests, "--data-dir", data, "--no-progress")[0] == 0
    assert server.counts["hf_paper"] == 1
    [(source, comments)] = query(
        data / "warehouse.duckdb",
        "SELECT api_source, num_comments FROM stg_hf_daily_papers WHERE arxiv_id = ?",
        [dropped],
    )
    assert (source, comments) == ("paper", None)
    # counts on the list are the digest's own (the fake serves them): upvotes agree with the digest
    assert query(
        data / "warehouse.duckdb",
        "SELECT count(*) FROM stg_hf_daily_papers h JOIN stg_digest_entries e "
        "USING (digest_date, arxiv_id) WHERE h.api_source = 'daily_papers' AND h.upvotes <> e.upvotes",
    ) == [(0,)]


def test_intervals_hold_across_assets_and_faults_recover_in_a_run(capsys, tmp_path, digests, fake_apis):
    server, base = fake_apis
    server.daily = daily_lists(digests)
    server.missing_arxiv = {synthetic_entries(DAYS[1], 50)[7].arxiv_id}
    server.inject("arxiv", "429", "503:0", "drop")
    server.inject("hf_daily", "truncate", "slow:2.5")
    point_at(base, interval=0.2)
    data = tmp_path / "data"
    assert run_cli(capsys, "run", "--digests", digests, "--data-dir", data, "--no-progress")[0] == 0
    for endpoint in ("arxiv", "hf_daily"):
        arrivals = server.arrivals[endpoint]
        gaps = [b - a for a, b in zip(arrivals, arrivals[1:], strict=False)]
        # measured where requests arrive, so one gap can lose what the server's thread was late for the one
        # before it (up to 50 ms on a loaded machine); the span of all of them cannot
        assert min(gaps) >= 0.15, (endpoint, gaps)
        assert arrivals[-1] - arrivals[0] >= 0.2 * len(gaps) - 0.05, (endpoint, gaps)
    db = data / "warehouse.duckdb"
    assert query(db, "SELECT count(*) FROM dim_paper") == [(249,)]
    [(status, reason, attempts)] = query(
        db, "SELECT status, reason, attempts FROM enrichment_status WHERE status <> 'ok'"
    )
    assert (status, reason, attempts) == (
        "not_found",
        "no entry after 6 requests",
        6,
    )  # 3 faults on its batch, then 3 rounds
    assert query(db, "SELECT count(DISTINCT digest_date) FROM stg_hf_daily_papers") == [(5,)]

    server.reset_counts()
    assert run_cli(capsys, "run", "--digests", digests, "--data-dir", data, "--no-progress")[0] == 0
    assert sum(server.counts.values()) == 0  # not_found is settled too, until it is older than the max age


def test_token_like_settings_appear_nowhere(capsys, tmp_path, digests, fake_apis):
    """With tokens in the environment, a full run leaves them in no log, event, cache, Parquet or DuckDB file."""
    server, base = fake_apis
    server.daily = daily_lists(digests)
    point_at(base)
    point_at(base, github=True)
    secrets = {
        "GITHUB_TOKEN": "ghp_SYNTHETICtoken0123456789abcdefABCDEF",
        "HF_TOKEN": "hf_SYNTHETICtoken0123456789abcdef",
    }
    os.environ.update(secrets)
    data = tmp_path / "data"
    code, out, err = run_cli(capsys, "run", "--digests", digests, "--data-dir", data)
    assert code == 0
    assert f"Bearer {secrets['GITHUB_TOKEN']}" in server.github.authorization  # the token was really used
    files = [p for p in data.rglob("*") if p.is_file()]
    assert any(p.suffix == ".parquet" for p in files) and any(p.name.endswith(".db") for p in files)
    for secret in secrets.values():
        assert secret not in out + err
        for path in files:
            assert secret.encode() not in path.read_bytes(), path


def test_arxiv_refetched_only_on_refresh_or_past_max_age(capsys, tmp_path, fake_apis):
    server, base = fake_apis
    root = tmp_path / "digests"
    write_digest(root, DAYS[0], synthetic_entries(DAYS[0], 3))
    server.daily = daily_lists(root)
    point_at(base)
    data = tmp_path / "data"
    args = ["run", "--digests", root, "--data-dir", data, "--no-progress"]
    start = clock.now().replace(microsecond=0)
    os.environ[clock.ENV_NOW] = start.isoformat()
    assert run_cli(capsys, *args)[0] == 0
    # compared in UTC: read back in a local zone, 01:30 on the day clocks fall back is ambiguous, and Python
    # never finds an ambiguous local time equal to a time in another zone (PEP 495)
    last_fetch = "SELECT max(fetched_at) AT TIME ZONE 'UTC' FROM dim_paper"
    utc = start.replace(tzinfo=None)
    [(first_fetch,)] = query(data / "warehouse.duckdb", last_fetch)
    assert first_fetch == utc
    server.reset_counts()
    os.environ[clock.ENV_NOW] = (start + dt.timedelta(hours=1)).isoformat()
    assert run_cli(capsys, *args)[0] == 0
    assert sum(server.counts.values()) == 0
    assert run_cli(capsys, *args, "--refresh")[0] == 0
    assert server.counts["arxiv"] == 1 and server.counts["hf_daily"] == 1
    [(second_fetch,)] = query(data / "warehouse.duckdb", last_fetch)
    assert second_fetch == utc + dt.timedelta(hours=1)
    server.reset_counts()
    os.environ["PAPERTREND_ARXIV_MAX_AGE_DAYS"] = "0"  # every record is too old
    assert run_cli(capsys, *args)[0] == 0
    assert server.counts["arxiv"] == 1 and server.counts["hf_daily"] == 0  # daily lists are snapshots: kept
    assert query(data / "warehouse.duckdb", "SELECT count(*) FROM dim_paper") == [(3,)]  # replaced, not duplicated
