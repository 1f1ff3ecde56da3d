"""Organizations, topics and scores: the pure transforms on SYNTHETIC rows, then the whole analytics
step through a real Dagster run over the bundled example digests and a SYNTHETIC <script> title."""

import datetime as dt
import html
import math

import markupsafe
import pytest

from tests.conftest import EXAMPLES, query, run_cli
from tests.synthetic import Entry, write_digest

pytestmark = pytest.mark.usefixtures("in_process_runs")

DAY = dt.date(2026, 3, 2)


def formula(upvotes: int, stars: int, comments: int, bonus: float) -> float:
    return round(5 * math.log1p(upvotes) + 6 * math.log1p(stars) + math.log1p(comments) + bonus, 2)


def test_examples_build_the_model_views_and_a_safe_report(capsys, tmp_path, examples_copy):
    evil = "Synthetic <script>alert('x')</script> & $Dollars$ Title"
    write_digest(
        examples_copy / "output",
        dt.date(2026, 4, 10),
        [
            Entry(
                arxiv_id="2604.99991",
                title=evil,
                org="alibaba-inc",
                tags="Super Lab, Must Read",
                golden=True,
                upvotes="10",
                stars="20",
                score=f"{formula(10, 20, 3, 50)}",
            ),
            Entry(
                arxiv_id="2604.99992",
                title="Synthetic Agents for Everything",
                org="A Synthetic Unreviewed Org",
                tags="",
                upvotes="5",
                stars="0",
                score=f"{formula(5, 0, 2, 0)}",
            ),
        ],
    )
    data = tmp_path / "data"
    code, out, err = run_cli(capsys, "run", "--digests", examples_copy, "--data-dir", data, "--no-progress")
    assert code == 0, err
    db = data / "warehouse.duckdb"
    [(entries,)] = query(db, "SELECT count(*) FROM stg_digest_entries")
    assert query(db, "SELECT count(*) FROM fct_paper_appearances") == [(entries,)]
    assert query(
        db,
        "SELECT org_key, org_reviewed, implied_comments, score_explained FROM fct_paper_appearances "
        "WHERE arxiv_id = '2604.99991'",
    ) == [("alibaba", True, 3, True)]
    assert query(db, "SELECT org_raw, reviewed FROM org_spellings WHERE NOT reviewed") == [
        ("A Synthetic Unreviewed Org", False)
    ]
    assert query(db, "SELECT count(*) FROM fct_paper_appearances WHERE NOT score_explained") == [(0,)]
    # every appearance's organization is in dim_org; every label's topic in dim_topic
    assert query(db, "SELECT count(*) FROM fct_paper_appearances a ANTI JOIN dim_org USING (org_key)") == [(0,)]
    assert query(db, "SELECT count(*) FROM bridge_paper_topic ANTI JOIN dim_topic USING (topic_key)") == [(0,)]
    for view in (
        "org_trends",
        "topic_trends",
        "score_breakdown",
        "score_distribution",
        "paper_momentum",
        "repeat_appearances",
        "org_spellings",
    ):
        assert query(db, f"SELECT count(*) FROM {view}")[0][0] > 0, view
    # shares within a period add up to one
    assert query(
        db,
        "SELECT count(*) FROM (SELECT period, period_start, sum(share) s FROM org_trends GROUP BY ALL) "
        "WHERE abs(s - 1) > 0.01",
    ) == [(0,)]

    report = data / "report" / "trend_report.html"
    page = report.read_text(encoding="utf-8")
    for name in ("org_share", "rising_topics", "score_components", "star_momentum"):
        assert f'<figure id="{name}"><img' in page and "data:image/png;base64," in page
        assert (data / "report" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<script>" not in page
    assert str(markupsafe.escape(evil)) in page  # the title shows as text (escaped as Jinja2 escapes)
    assert html.unescape(str(markupsafe.escape(evil))) == evil
    assert "Alibaba" in page

    # `papertrend report` rebuilds it from the CLI; the asset's metadata carries the charts for the UI
    (data / "report" / "org_share.png").unlink()
    code, out, _ = run_cli(capsys, "report", "--data-dir", data)
    assert code == 0 and "trend_report.html" in out and (data / "report" / "org_share.png").exists()


def _examples(data, end: str) -> tuple:
    """`papertrend run` over the bundled examples from their first day to ``end``."""
    return ("run", "--digests", EXAMPLES, "--data-dir", data, "--no-progress", "--start", "2026-03-13", "--end", end)


def test_re_running_the_model_changes_nothing(capsys, tmp_path):
    data = tmp_path / "data"
    args = _examples(data, "2026-03-20")
    assert run_cli(capsys, *args)[0] == 0
    tables = ("fct_paper_appearances", "dim_org", "dim_topic", "bridge_paper_topic", "fct_lab_tier_changes")
    before = {t: query(data / "warehouse.duckdb", f"SELECT * FROM {t} ORDER BY ALL") for t in tables}
    assert run_cli(capsys, *args)[0] == 0
    assert {t: query(data / "warehouse.duckdb", f"SELECT * FROM {t} ORDER BY ALL") for t in tables} == before


def test_materializing_one_table_of_the_model_writes_and_reports_only_that_table(capsys, tmp_path, monkeypatch):
    import dagster as dg

    from papertrend.orchestration.definitions import JOB_NAME, build_definitions

    data = tmp_path / "data"
    args = _examples(data, "2026-03-13")
    assert run_cli(capsys, *args)[0] == 0
    topic_file = data / "lake" / "dim_topic" / "data.parquet"
    before = topic_file.stat().st_mtime_ns
    monkeypatch.setenv("PAPERTREND_DIGESTS_DIR", str(EXAMPLES))
    monkeypatch.setenv("PAPERTREND_DATA_DIR", str(data))
    job = build_definitions().resolve_job_def(JOB_NAME)
    result = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), partition_key="2026-03-13", asset_selection=[dg.AssetKey("dim_org")]
    )
    assert result.success
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == {"dim_org"}
    assert [e.asset_check_key.name for e in result.get_asset_check_evaluations()] == ["orgs_reviewed"]
    assert topic_file.stat().st_mtime_ns == before  # not selected, not rewritten
