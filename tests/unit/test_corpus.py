"""Acceptance on the 136 real digests in ../shared (skipped where ../shared is absent).

One offline corpus run (module-scoped: it is the slow part) serves both tests; the enrichment test
then goes online against the fake services on top of it.
"""

import contextlib
import datetime as dt
import io
import json
import os

import pytest

from papertrend.orchestration.cli import main
from tests.conftest import CORPUS, query
from tests.fake_apis.server import FakeApis
from tests.helpers import daily_lists, point_at

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    """(fake server, its base URL, data dir) after `papertrend run --offline` over the whole corpus."""
    if not (CORPUS / "output").is_dir():
        pytest.skip(f"the real corpus is not at {CORPUS} (a user's clone has no ../shared)")
    server = FakeApis(daily=daily_lists(CORPUS, left_out=3))  # 3 SYNTHETIC left-out papers a day
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

    per_day = {
        d: (n, s)
        for d, n, s in query(db, "SELECT digest_date, count(*), sum(score) FROM stg_digest_entries GROUP BY ALL")
    }
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
    assert query(
        db, "SELECT count(*) FROM digest_files WHERE status = 'loaded' AND declared_count <> parsed_count"
    ) == [(0,)]


def test_corpus_analytics_acceptance(corpus_run, corpus_dir):
    """Issue 5 on the real corpus, offline: topics come from the printed titles (and early Chinese texts) alone."""
    _, _, data = corpus_run
    db = data / "warehouse.duckdb"
    # every printed organization string (404 with 'Unknown') is in the reviewed alias file
    assert query(db, "SELECT count(*), count(*) FILTER (WHERE reviewed) FROM org_spellings") == [(404, 404)]
    assert query(db, "SELECT count(*) FROM fct_paper_appearances WHERE NOT org_reviewed") == [(0,)]
    # topics: >= 95% of distinct papers labelled, and no topic labels (nearly) everything
    [(papers, labelled)] = query(
        db,
        "SELECT count(DISTINCT a.arxiv_id), count(DISTINCT b.arxiv_id) "
        "FROM fct_paper_appearances a LEFT JOIN bridge_paper_topic b USING (arxiv_id)",
    )
    assert papers == 1876 and labelled / papers >= 0.95
    assert query(db, "SELECT count(*) FROM unlabelled_papers") == [(papers - labelled,)]
    [(widest,)] = query(
        db, "SELECT max(n) FROM (SELECT count(DISTINCT arxiv_id) n FROM bridge_paper_topic GROUP BY topic_key)"
    )
    assert widest < 0.5 * papers
    # every score is reproduced within rounding or flagged with a reason
    assert query(db, "SELECT count(*) FROM fct_paper_appearances WHERE NOT score_explained AND score_flag IS NULL") == [
        (0,)
    ]
    assert query(db, "SELECT count(*) FILTER (WHERE score_explained) FROM fct_paper_appearances") == [(1876,)]
    # the detector finds the 2026-02-19 widening of the lab lists
    assert (dt.date(2026, 2, 19),) in query(db, "SELECT rule_change_date FROM rule_changes")
    # every analytics view returns rows (the GitHub-fed ones are covered by test_github_pipeline)
    for view in (
        "org_trends",
        "topic_trends",
        "score_breakdown",
        "score_distribution",
        "rule_changes",
        "paper_momentum",
        "repeat_appearances",
        "unlabelled_papers",
        "org_spellings",
        "daily_digest_summary",
    ):
        assert query(db, f"SELECT count(*) FROM {view}")[0][0] > 0, view
    assert (data / "report" / "trend_report.html").stat().st_size > 10_000
