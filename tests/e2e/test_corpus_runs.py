"""Acceptance on the 136 real digests in ../shared (skipped where ../shared is absent).

One offline corpus run (module-scoped: it is the slow part) serves every test; the enrichment test, last,
then goes online against the fake services on top of it.
"""

import contextlib
import datetime as dt
import io
import json
import math
import os

import pytest

from papertrend.orchestration.cli import main
from papertrend.transforms.digest_parser import parse_digest
from papertrend.transforms.discovery import discover_digests
from tests.conftest import CORPUS, query, run_cli
from tests.fake_apis.server import FakeApis
from tests.helpers import daily_lists, point_at

pytestmark = [pytest.mark.corpus, pytest.mark.slow, pytest.mark.usefixtures("in_process_runs")]


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
    assert statuses == {"loaded": 136, "no_digest": (last - first).days + 1 - 136}
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


def test_every_corpus_day_renders_back_to_its_entries(capsys, corpus_run, tmp_path):
    """136 of 136: `papertrend render` of each real digest parses to the entries of the original (prose aside)."""
    from tests.helpers import facts, lines

    _, _, data = corpus_run
    days = discover_digests(CORPUS)
    same_lines = 0
    for day, source in sorted(days.items()):
        out = tmp_path / f"{day}.md"
        code, _, err = run_cli(capsys, "render", day.isoformat(), "--out", out, "--data-dir", data)
        assert code == 0, err
        original = parse_digest(source.path.read_bytes(), source.relative_path, day)
        rendered = parse_digest(out.read_bytes(), source.relative_path, day)
        assert rendered.status == original.status and not rendered.quarantine, day
        assert facts(rendered.entries) == facts(original.entries), day
        same_lines += lines(out.read_text(encoding="utf-8")) == lines(source.path.read_text(encoding="utf-8"))
    assert len(days) == 136
    # From 2026-03-13 the real digests hold facts only: every one of them comes back line for line.
    assert same_lines == sum(day >= dt.date(2026, 3, 13) for day in days) == 113


def test_corpus_offline_then_online_against_the_fake_services(capsys, corpus_run):
    server, base, data = corpus_run
    db = data / "warehouse.duckdb"
    assert sum(server.counts.values()) == 0  # the offline run sent nothing
    [(distinct,)] = query(db, "SELECT count(DISTINCT arxiv_id) FROM stg_digest_entries")
    assert query(db, "SELECT count(*) FROM enrichment_status WHERE source = 'arxiv' AND status = 'pending'") == [
        (distinct,)
    ]

    point_at(base)
    assert run_cli(capsys, "run", "--digests", CORPUS, "--data-dir", data, "--no-progress")[0] == 0
    assert server.counts["arxiv"] == math.ceil(distinct / 100)
    [(first, last)] = query(db, "SELECT min(digest_date), max(digest_date) FROM digest_files")
    # a list for every day from the first digest on (the fake lists only the 136 digest days; the others are empty)
    assert server.counts["hf_daily"] == (last - first).days + 1 and server.counts["hf_paper"] == 0
    assert query(db, "SELECT count(*) FROM dim_paper") == [(distinct,)]
    assert query(db, "SELECT count(DISTINCT digest_date) FROM stg_hf_daily_papers") == [(136,)]
    assert query(db, "SELECT count(*) FROM enrichment_status WHERE status <> 'ok'") == [(0,)]
    # The selection audit on the fake lists (the digest's own counts, so none moved): the formula and cut
    # reproduce the printed selection on 134 of 136 days. 2026-01-30 printed two untagged papers after its
    # last lab paper, 2026-04-06 one untagged paper and no lab paper: the documented cut explains neither.
    assert query(
        db, "SELECT count(*), count(*) FILTER (WHERE reproduced), sum(counts_moved) FROM selection_audit_days"
    ) == [(136, 134, 0)]
    assert query(db, "SELECT digest_date, reasons FROM selection_audit_days WHERE NOT reproduced") == [
        (dt.date(2026, 1, 30), "unexplained"),
        (dt.date(2026, 4, 6), "unexplained"),
    ]
    assert query(db, "SELECT count(*) FROM selection_audit WHERE NOT printed AND reason IS NULL") == [(3 * 136,)]
