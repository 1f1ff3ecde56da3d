"""Acceptance on the 136 real digests in ../shared (skipped where ../shared is absent)."""

import datetime as dt
import json

import pytest

from tests.conftest import query, run_cli

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def test_full_corpus_matches_stats_json(capsys, tmp_path, corpus_dir):
    data = tmp_path / "data"
    code, out, _ = run_cli(capsys, "run", "--digests", corpus_dir, "--data-dir", data, "--no-progress")
    assert code == 0, out
    db = data / "warehouse.duckdb"
    assert query(db, "SELECT count(*) FROM stg_digest_entries") == [(1876,)]
    assert query(db, "SELECT count(*) FROM digest_quarantine") == [(0,)]
    statuses = dict(query(db, "SELECT status, count(*) FROM digest_files GROUP BY ALL"))
    first, last = dt.date(2026, 1, 30), dt.date(2026, 8, 21)
    assert statuses == {"loaded": 136, "missing": (last - first).days + 1 - 136}
    assert query(db, "SELECT min(digest_date), max(digest_date) FROM digest_files") == [(first, last)]

    per_day = {d: (n, s) for d, n, s in query(db, "SELECT digest_date, count(*), sum(score) FROM stg_digest_entries GROUP BY ALL")}
    checked = 0
    for stats_file in sorted((corpus_dir / "output").glob("*/stats.json")):
        stats = json.loads(stats_file.read_text())
        if "papers" not in stats:
            continue
        count, total = per_day[dt.date.fromisoformat(stats_file.parent.name)]
        assert count == stats["papers"]["count"], stats_file
        assert abs(total - stats["papers"]["total_score"]) <= 0.01, stats_file
        checked += 1
    assert checked == 129
    # the declared **论文数量** agrees with what was parsed on every loaded day
    assert query(db, "SELECT count(*) FROM digest_files WHERE status = 'loaded' AND declared_count <> parsed_count") == [(0,)]
