"""The pure bookkeeping of enrichment: what to do about a day's list, and how an outcome is recorded."""

import datetime as dt

import polars as pl
import pytest

from papertrend.schemas import ENRICHMENT_STATUS_GITHUB, STG_HF_DAILY_PAPERS
from papertrend.sources.http import ClientError, FetchError, ServiceUnreachable
from papertrend.transforms.enrich import OFFLINE, Outcomes, hf_day_action, hf_day_tables, list_has_titles, merge_status

NOW = dt.datetime(2026, 11, 30, 0, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("from_first_digest", "settled", "stored", "refresh", "action"),
    [
        (False, True, True, False, "none"),  # before the first digest: nothing is fetched
        (True, False, False, False, "fetch"),  # any day from the first digest on, digest or not
        (True, True, True, False, "keep"),  # a list fetched once is a snapshot: kept
        (True, True, True, True, "fetch"),  # unless asked to refresh
        (True, False, True, False, "fetch"),  # the last attempt failed: ask again
        (True, True, False, False, "fetch"),  # settled but the file is gone: ask again
    ],
)
def test_hf_day_action(from_first_digest, settled, stored, refresh, action):
    assert hf_day_action(from_first_digest, settled, stored, refresh) == action


def test_a_list_stored_before_titles_were_kept_is_fetched_again():
    def stored(*titles):  # SYNTHETIC rows
        row = {"digest_date": NOW.date(), "ai_keywords": [], "api_source": "daily_papers", "fetched_at": NOW}
        if not titles:
            return STG_HF_DAILY_PAPERS.empty()
        return STG_HF_DAILY_PAPERS.conform(
            pl.DataFrame(
                [{**row, "arxiv_id": f"2611.9000{i}", "title": t} for i, t in enumerate(titles)],
                schema_overrides=STG_HF_DAILY_PAPERS.polars_schema,
            ).pipe(STG_HF_DAILY_PAPERS.upgrade)
        )

    assert not list_has_titles(stored(None, None))  # every title null: written before papertrend kept them
    assert list_has_titles(stored(None, "SYNTHETIC title")) and list_has_titles(stored())  # an empty list is whole
    assert hf_day_action(True, True, list_has_titles(stored(None)), refresh=False) == "fetch"


def test_outcomes_record_answers_failures_and_stop_asking_an_unreachable_service():
    asked = []

    def answer(value):
        def fetch():
            asked.append(value)
            if isinstance(value, Exception):
                raise value
            return value

        return fetch

    outcomes = Outcomes("github_repo", NOW)
    assert outcomes.call("a/ok", answer({"id": 1})) == (True, {"id": 1})
    assert outcomes.call("a/gone", answer(ClientError("HTTP 451", 1, 451)), refused="restricted") == (False, None)
    assert outcomes.call("a/flaky", answer(FetchError("HTTP 502 after 5 attempts", 5))) == (False, None)
    assert outcomes.call("a/down", answer(ServiceUnreachable("connection refused", 2)), "github_history") == (
        False,
        None,
    )
    assert outcomes.call("a/later", answer({"id": 2})) == (False, None)  # not asked: unreachable
    assert len(asked) == 4
    rows = [(r["source"], r["key"], r["status"], r["reason"], r["attempts"]) for r in outcomes.rows]
    assert rows == [
        ("github_repo", "a/gone", "restricted", "HTTP 451", 1),
        ("github_repo", "a/flaky", "error", "HTTP 502 after 5 attempts", 5),
        ("github_history", "a/down", "pending", "connection refused", 2),
        ("github_repo", "a/later", "pending", "connection refused", 0),
    ]
    assert {r["last_attempt_at"] for r in outcomes.rows} == {NOW}


def test_offline_outcomes_send_nothing_and_attempts_add_up_over_runs():
    outcomes = Outcomes("github_repo", NOW, unreachable=OFFLINE)
    assert outcomes.call("a/b", lambda: pytest.fail("offline: nothing may be asked")) == (False, None)
    first = merge_status(ENRICHMENT_STATUS_GITHUB, ENRICHMENT_STATUS_GITHUB.empty(), outcomes.rows)
    later = Outcomes("github_repo", NOW + dt.timedelta(days=1))
    later.record("a/b", "error", "HTTP 500", 3)
    merged = merge_status(ENRICHMENT_STATUS_GITHUB, first, later.rows)
    assert merged.select("key", "status", "attempts").rows() == [("a/b", "error", 3)]
    assert merged.get_column("last_attempt_at").to_list() == [NOW + dt.timedelta(days=1)]
    assert ENRICHMENT_STATUS_GITHUB.validate(merged) is None


def test_a_days_tables_after_keep_fetch_and_a_failed_refresh():
    day = NOW.date()

    def listed(*ids):  # SYNTHETIC list rows
        row = {"digest_date": day, "ai_keywords": [], "api_source": "daily_papers", "fetched_at": NOW}
        return STG_HF_DAILY_PAPERS.conform(
            pl.DataFrame(
                [{**row, "arxiv_id": i, "title": f"SYNTHETIC {i}"} for i in ids],
                schema_overrides=STG_HF_DAILY_PAPERS.polars_schema,
            ).pipe(STG_HF_DAILY_PAPERS.upgrade)
        )

    def attempt(status, reason, attempts):
        outcomes = Outcomes("hf_daily", NOW)
        outcomes.record(day.isoformat(), status, reason, attempts)
        return outcomes.rows[-1]

    frame, status = hf_day_tables(day, "none", None, None, None, None)
    assert frame.height == status.height == 0  # before the first digest: nothing, not even a status

    stored = listed("2611.00001")
    _, previous = hf_day_tables(day, "fetch", None, None, stored, attempt("ok", None, 1))
    assert previous.select("digest_date", "status", "attempts").rows() == [(day, "ok", 1)]
    assert hf_day_tables(day, "keep", stored, previous, None, None) == (stored, previous)

    refreshed = listed("2611.00001", "2611.00002")
    frame, status = hf_day_tables(day, "fetch", stored, previous, refreshed, attempt("ok", None, 2))
    assert frame.equals(refreshed) and status.select("status", "attempts").rows() == [("ok", 3)]

    frame, status = hf_day_tables(day, "fetch", stored, previous, None, attempt("error", "HTTP 503 after 5", 5))
    assert frame.equals(stored)  # a failed refresh keeps the list fetched before
    assert status.select("status", "reason", "attempts").rows() == [("error", "HTTP 503 after 5", 6)]
    frame, status = hf_day_tables(day, "fetch", None, None, None, attempt("pending", OFFLINE, 0))
    assert frame.height == 0 and status.select("status", "reason").rows() == [("pending", OFFLINE)]
    with pytest.raises(ValueError, match="outcome"):
        hf_day_tables(day, "fetch", stored, previous, refreshed, None)
