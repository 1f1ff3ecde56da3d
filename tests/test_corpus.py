"""Acceptance on the 136 real digests in ../shared (skipped where ../shared is absent).

One offline corpus run (module-scoped: it is the slow part) serves both tests; the enrichment test
then goes online against the fake services on top of it.
"""

import contextlib
import datetime as dt
import io
import json
import math
import os

import pytest

from orchestration.cli import main
from tests.conftest import CORPUS, query, run_cli
from tests.fake_apis.server import FakeApis
from tests.test_enrichment import daily_lists, point_at

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    """(fake server, its base URL, data dir) after `papertrend run --offline` over the whole corpus."""
    if not (CORPUS / "output").is_dir():
        pytest.skip(f"the real corpus is not at {CORPUS} (a user's clone has no ../shared)")
    server = FakeApis(daily=daily_lists(CORPUS))
    base = server.start()
    data = tmp_path_factory.mktemp("corpus") / "data"
    saved = dict(os.environ)
    try:
        os.environ.pop("DAGSTER_HOME", None)
        point_at(base)
        with contextlib.redirect_stdout(io.StringIO()) as out:
            code = main(["run", "--digests", str(CORPUS), "--data-dir", str(data), "--no-progress", "--offline"])
        assert code == 0, out.getvalue()
        yield server, base, data
    finally:
        os.environ.clear()
        os.environ.update(saved)
        server.stop()


def test_full_corpus_matches_stats_json(corpus_run, corpus_dir):
    server, _, data = corpus_run
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


def test_corpus_offline_then_online_against_the_fake_services(capsys, corpus_run):
    server, base, data = corpus_run
    db = data / "warehouse.duckdb"
    assert sum(server.counts.values()) == 0  # the offline run sent nothing
    [(distinct,)] = query(db, "SELECT count(DISTINCT arxiv_id) FROM stg_digest_entries")
    assert query(db, "SELECT count(*) FROM enrichment_status WHERE source = 'arxiv' AND status = 'pending'") == [(distinct,)]

    point_at(base)
    assert run_cli(capsys, "run", "--digests", CORPUS, "--data-dir", data, "--no-progress")[0] == 0
    assert server.counts["arxiv"] == math.ceil(distinct / 100)
    assert server.counts["hf_daily"] == 136 and server.counts["hf_paper"] == 0
    assert query(db, "SELECT count(*) FROM dim_paper") == [(distinct,)]
    assert query(db, "SELECT count(DISTINCT digest_date) FROM stg_hf_daily_papers") == [(136,)]
    assert query(db, "SELECT count(*) FROM enrichment_status WHERE status <> 'ok'") == [(0,)]
