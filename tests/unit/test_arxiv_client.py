"""The arXiv client against the fake arXiv on 127.0.0.1 (real HTTP, no patched requests)."""

import datetime as dt
import threading
import time

import pytest

from papertrend.sources.arxiv import ArxivClient
from papertrend.sources.http import RateLimiter, RetryPolicy

FAST = RetryPolicy(max_attempts=4, backoff_base_s=0.01, timeout_s=1.0)


def client(
    base: str, interval: float = 0.0, policy: RetryPolicy = FAST, limiter: RateLimiter | None = None
) -> ArxivClient:
    return ArxivClient(f"{base}/api/query", limiter or RateLimiter("arxiv", interval), policy)


def synthetic_ids(n: int, start: int = 0) -> list[str]:
    return [f"2601.{i:05d}" for i in range(start, start + n)]


def test_batches_of_100_matched_by_id(fake_apis):
    server, base = fake_apis
    ids = synthetic_ids(250)
    result = client(base).fetch(ids)
    assert server.counts["arxiv"] == 3  # ceil(250 / 100)
    assert [len(batch) for batch in server.asked_ids] == [100, 100, 50]
    assert set(result.records) == set(ids) and not result.not_found and not result.errors
    record = result.records["2601.00007"]  # the feed lists entries in reverse: matched by id, not order
    assert record["arxiv_id"] == "2601.00007" and record["title"].startswith("Synthetic paper 2601.00007")
    assert "  " not in record["title"] and "\n" not in record["title"]  # whitespace collapsed
    assert record["latest_version"] in (1, 2, 3) and record["published_at"].tzinfo == dt.UTC


def test_seed_paper_facts(fake_apis):
    _, base = fake_apis
    result = client(base).fetch(["2602.06570", "2602.05027", "2602.06854"])
    baichuan = result.records["2602.06570"]
    assert baichuan["title"] == "Baichuan-M3: Modeling Clinical Inquiry for Reliable Medical Decision-Making"
    assert baichuan["authors"][:3] == ["Baichuan-M3 Team", ":", "Chengfeng Dou"] and len(baichuan["authors"]) == 19
    assert baichuan["primary_category"] == "cs.CL" and baichuan["comment"] is None
    audio = result.records["2602.05027"]
    assert audio["latest_version"] == 2 and audio["comment"] == "Accepted to EACL 2026, main track"
    assert audio["categories"] == ["cs.SD", "cs.AI"] and audio["updated_at"] > audio["published_at"]
    assert "https://github.com/fmmarkmq/SEMA" in result.records["2602.06854"]["abstract"]


def test_requests_never_closer_than_the_interval_across_threads(fake_apis):
    server, base = fake_apis
    shared = client(base, interval=0.25)
    threads = [threading.Thread(target=shared.fetch, args=(synthetic_ids(150, start=1000 * t),)) for t in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    arrivals = server.arrivals["arxiv"]
    assert len(arrivals) == 6
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:], strict=False)]
    assert min(gaps) >= 0.24, gaps


def test_limiter_state_is_shared_between_clients_through_the_data_dir(fake_apis, tmp_path):
    server, base = fake_apis
    first = client(base, limiter=RateLimiter("arxiv", 0.3, tmp_path))
    second = client(base, limiter=RateLimiter("arxiv", 0.3, tmp_path))  # as another process would have
    first.fetch(["2601.00001"])
    second.fetch(["2601.00002"])
    first.fetch(["2601.00003"])
    gaps = [b - a for a, b in zip(server.arrivals["arxiv"], server.arrivals["arxiv"][1:], strict=False)]
    assert len(gaps) == 2 and min(gaps) >= 0.29, gaps


@pytest.mark.parametrize("fault", ["429", "429:0", "503", "slow:1.5", "drop", "truncate", "malformed", "empty"])
def test_each_fault_is_retried_and_the_paper_enriched(fake_apis, fault):
    server, base = fake_apis
    server.inject("arxiv", fault)
    result = client(base).fetch(["2602.06570", "2601.00011"])
    assert set(result.records) == {"2602.06570", "2601.00011"}, (result.errors, result.not_found)
    assert server.counts["arxiv"] == 2


def test_retry_after_is_honoured(fake_apis):
    server, base = fake_apis
    server.inject("arxiv", "503:1")
    assert client(base).fetch(["2601.00011"]).records
    first, second = server.arrivals["arxiv"]
    assert second - first >= 0.95


def test_malformed_batch_loses_only_its_own_ids(fake_apis):
    server, base = fake_apis
    server.inject("arxiv", *["malformed"] * FAST.max_attempts)  # the first batch never parses
    ids = synthetic_ids(250)
    result = client(base).fetch(ids)
    assert set(result.errors) == set(ids[:100])
    assert result.errors[ids[0]] == ("malformed XML: no element found: line 1, column 23 (after 4 attempts)", 4)
    assert set(result.records) == set(ids[100:])


def test_unknown_id_ends_not_found_after_retries(fake_apis):
    server, base = fake_apis
    server.missing_arxiv = {"2601.00404"}
    result = client(base).fetch(["2601.00404", "2601.00001"])
    assert result.not_found == {"2601.00404": 3}  # asked once and retried twice
    assert set(result.records) == {"2601.00001"}
    assert server.counts["arxiv"] == 3


def test_error_feed_isolates_the_offending_id(fake_apis):
    server, base = fake_apis
    server.rejected_arxiv = {"2601.00005"}
    ids = synthetic_ids(8)
    result = client(base).fetch(ids)
    assert result.invalid == {"2601.00005": "arXiv API error: incorrect id format for 2601.00005"}
    assert set(result.records) == set(ids) - {"2601.00005"}
    assert not result.errors and not result.not_found


def test_ids_that_are_not_arxiv_ids_are_never_sent(fake_apis):
    server, base = fake_apis
    result = client(base).fetch(["abc", "2601.00001"])
    assert result.invalid == {"abc": "not a well-formed arXiv id"}
    assert server.asked_ids == [["2601.00001"]]


@pytest.mark.parametrize("attack", ["xml_bomb", "xxe"])
def test_unsafe_xml_is_refused_and_recorded(fake_apis, attack):
    server, base = fake_apis
    server.inject("arxiv", attack)
    result = client(base).fetch(["2601.00001"])
    reason, attempts = result.errors["2601.00001"]
    assert reason.startswith("refused unsafe XML: ") and attempts == 1
    assert not result.records


def test_unreachable_service_stops_at_once_and_reports_what_was_not_fetched():
    dead = client("http://127.0.0.1:9", policy=RetryPolicy(max_attempts=5, backoff_base_s=0.01, timeout_s=1.0))
    started = time.monotonic()
    result = dead.fetch(synthetic_ids(250))
    assert time.monotonic() - started < 5
    assert len(result.unfetched) == 250 and not result.records
    assert next(iter(result.unfetched.values())).startswith("arXiv unreachable: connection failed")
    assert dead.requests_sent == 2  # the breaker opened after two refused connections
