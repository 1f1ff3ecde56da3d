"""The Hugging Face client against the fake server on 127.0.0.1."""

import datetime as dt

import pytest

from papertrend.sources.http import FetchError, RateLimiter, RetryPolicy
from papertrend.sources.huggingface import HuggingFaceClient
from tests.fake_apis.seed import SEED_DATE, SEED_PAPERS

FAST = RetryPolicy(max_attempts=3, backoff_base_s=0.01, timeout_s=1.0)


def client(base: str) -> HuggingFaceClient:
    return HuggingFaceClient(base, RateLimiter("hf", 0.0), FAST)


def test_daily_list_reads_fields_where_they_live(fake_apis):
    server, base = fake_apis
    server.daily = {SEED_DATE: [{"arxiv_id": i} for i in SEED_PAPERS]}
    rows = {r["arxiv_id"]: r for r in client(base).daily_papers(SEED_DATE)}
    assert list(rows) == list(SEED_PAPERS)
    baichuan = rows["2602.06570"]
    assert (baichuan["upvotes"], baichuan["github_stars"]) == (53, 186)  # from paper.*
    assert baichuan["organization_fullname"] == "Baichuan Intelligent Technology"  # from the outer item
    assert baichuan["github_repo"] == "https://github.com/baichuan-inc/Baichuan-M3-235B"
    assert baichuan["num_comments"] == 70 % 7  # the outer numComments
    assert rows["2602.03392"]["organization_fullname"] is None  # printed "Unknown" in the digest
    assert baichuan["api_source"] == "daily_papers" and baichuan["ai_keywords"]


def test_all_pages_are_read(fake_apis):
    server, base = fake_apis
    day = dt.date(2026, 3, 2)
    server.daily = {day: [{"arxiv_id": f"2603.{i:05d}"} for i in range(230)]}
    rows = client(base).daily_papers(day)
    assert len(rows) == 230 and len({r["arxiv_id"] for r in rows}) == 230
    assert server.counts["hf_daily"] == 3  # pages of 100: 100, 100, 30


def test_empty_day_is_one_request(fake_apis):
    server, base = fake_apis
    assert client(base).daily_papers(dt.date(2026, 3, 7)) == []
    assert server.counts["hf_daily"] == 1


def test_single_paper_and_unknown_paper(fake_apis):
    server, base = fake_apis
    server.missing_hf = {"2601.00404"}
    hf = client(base)
    paper = hf.paper("2602.06854")
    assert paper["api_source"] == "paper" and paper["num_comments"] is None  # only daily items have comments
    assert paper["organization_fullname"] == "Microsoft" and paper["upvotes"] == 3
    assert hf.paper("2601.00404") is None


@pytest.mark.parametrize("fault", ["429:0", "503", "drop", "truncate", "malformed", "slow:1.5"])
def test_faults_recover(fake_apis, fault):
    server, base = fake_apis
    server.daily = {SEED_DATE: [{"arxiv_id": "2602.06570"}]}
    server.inject("hf_daily", fault)
    assert [r["arxiv_id"] for r in client(base).daily_papers(SEED_DATE)] == ["2602.06570"]
    assert server.counts["hf_daily"] == 2


def test_persistent_malformed_body_is_a_fetch_error(fake_apis):
    server, base = fake_apis
    server.inject("hf_daily", *["malformed"] * FAST.max_attempts)
    with pytest.raises(FetchError, match=r"malformed JSON: .* \(after 3 attempts\)"):
        client(base).daily_papers(SEED_DATE)


def test_invalid_date_is_a_permanent_error(fake_apis):
    _, base = fake_apis
    hf = client(base)
    with pytest.raises(FetchError) as caught:
        hf.call("GET", f"{base}/api/daily_papers", lambda r: r.json(), params={"date": "2025-13-40"})
    assert caught.value.permanent and caught.value.reason.startswith("HTTP 400")
