"""The GitHub client against the fake GitHub on 127.0.0.1. Repositories are SYNTHETIC."""

import datetime as dt
import email.utils
import math
import threading
import time

import pytest
import requests

from papertrend.sources.github import GitHubClient
from papertrend.sources.http import (
    FetchError,
    PermissionDenied,
    RateLimiter,
    RetryPolicy,
    ServiceUnreachable,
    retry_after_seconds,
)

TOKEN = "ghp_SYNTHETICtokenForTests0123456789"
FAST = RetryPolicy(max_attempts=4, backoff_base_s=0.01, timeout_s=2.0)


def client(base: str, token: str | None = TOKEN, **kwargs) -> GitHubClient:
    return GitHubClient(base, RateLimiter("github", 0.0), FAST, token=token, **kwargs)


def test_counts_for_250_repositories_in_3_queries_and_a_missing_one_loses_nothing(fake_apis):
    server, base = fake_apis
    names = [f"synthetic-org/repo-{i}" for i in range(250)]
    for name in names:
        server.github.add(name, dt.date(2025, 1, 1))
    asked = names[:99] + ["synthetic-org/does-not-exist"] + names[99:]
    counts = client(base).star_counts(asked)
    assert server.counts["gh_graphql"] == math.ceil(251 / 100) == 3
    assert counts["synthetic-org/does-not-exist"] is None
    assert all(counts[name]["stargazers_count"] == server.github.total(server.github.repos[name]) for name in names)
    assert {counts[n]["repo_id"] for n in names} == {server.github.repos[n]["id"] for n in names}


def test_history_first_walk_then_conditional_refresh(fake_apis):
    server, base = fake_apis
    today = server.github.today
    server.github.add("synthetic-org/three-years", today - dt.timedelta(days=3 * 365))
    github = client(base)
    history = github.star_history("synthetic-org/three-years")
    weeks = len(server.github.weeks(server.github.repos["synthetic-org/three-years"]))
    assert history.pages == server.counts["gh_history"] == math.ceil(weeks / 30)
    assert len(history.weeks) == weeks and history.etag and 'rel="next"' in history.link
    assert sum(w["total"] for w in history.weeks) == server.github.total(
        server.github.repos["synthetic-org/three-years"]
    )

    server.reset_counts()
    refreshed = github.star_history("synthetic-org/three-years", etag=history.etag, full_walk=False)
    assert refreshed.not_modified and refreshed.weeks == [] and server.counts["gh_history"] == 1

    server.github.add_star("synthetic-org/three-years")
    refreshed = github.star_history("synthetic-org/three-years", etag=history.etag, full_walk=False)
    assert not refreshed.not_modified and refreshed.pages == 1 and refreshed.etag != history.etag
    assert refreshed.weeks[0]["total"] == history.weeks[0]["total"] + 1


def test_renamed_repository_is_followed_and_keyed_by_id(fake_apis):
    server, base = fake_apis
    server.github.add("old-owner/tool", dt.date(2024, 5, 1))
    original_id = server.github.repos["old-owner/tool"]["id"]
    server.github.rename("old-owner/tool", "new-owner/tool")
    github = client(base)
    repo = github.repo("old-owner/tool")
    assert (repo["repo_id"], repo["full_name"], repo["renamed"]) == (original_id, "new-owner/tool", True)
    assert repo["license"] == "MIT" and repo["created_at"].date() == dt.date(2024, 5, 1)
    assert github.star_counts(["old-owner/tool"])["old-owner/tool"]["full_name"] == "new-owner/tool"
    assert github.repo("nobody/nothing") is None


def test_permission_403_is_not_a_rate_limit(fake_apis):
    server, base = fake_apis
    server.github.add("private-ish/repo", dt.date(2025, 1, 1))
    server.github.forbidden = {"private-ish/repo"}
    with pytest.raises(PermissionDenied) as caught:
        client(base).repo("private-ish/repo")
    assert caught.value.permanent and caught.value.status == 403
    assert caught.value.reason.startswith("permission denied (HTTP 403)")
    assert server.counts["gh_repo"] == 1  # told once, not retried


def test_exhausted_primary_limit_waits_for_reset_then_completes(fake_apis):
    server, base = fake_apis
    server.github.add("synthetic-org/a", dt.date(2025, 1, 1))
    server.github.remaining, server.github.reset_in_s = 2, 2.0
    github = client(base)
    started = time.monotonic()
    for _ in range(3):
        assert github.repo("synthetic-org/a")["repo_id"]
    assert time.monotonic() - started >= 1.5  # the third request waited for x-ratelimit-reset
    assert server.counts["gh_repo"] == 4  # one 403 with remaining 0, then the retry after the reset


def test_secondary_limit_and_graphql_rate_limited_wait_and_complete(fake_apis):
    server, base = fake_apis
    server.github.add("synthetic-org/a", dt.date(2025, 1, 1))
    server.github.secondary_limit_once = True
    github = client(base, secondary_wait_s=0.3)
    started = time.monotonic()
    assert github.repo("synthetic-org/a")
    assert time.monotonic() - started >= 0.3
    server.github.graphql_limited_once, server.github.reset_in_s = True, 1.0
    started = time.monotonic()
    assert github.star_counts(["synthetic-org/a"])["synthetic-org/a"]["stargazers_count"] > 0
    assert time.monotonic() - started >= 0.4 and server.counts["gh_graphql"] == 2


def test_never_two_requests_at_once_with_one_token(fake_apis):
    server, base = fake_apis
    for i in range(6):
        server.github.add(f"synthetic-org/r{i}", dt.date(2025, 1, 1))
    server.inject("gh_repo", *["slow:0.2"] * 6)
    github = client(base)
    threads = [threading.Thread(target=github.repo, args=(f"synthetic-org/r{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert server.counts["gh_repo"] == 6 and server.max_in_flight["gh"] == 1


def test_token_is_sent_only_as_authorization(fake_apis):
    server, base = fake_apis
    server.github.add("synthetic-org/a", dt.date(2025, 1, 1))
    server.github.forbidden = {"synthetic-org/b"}
    github = client(base)
    github.repo("synthetic-org/a")
    with pytest.raises(FetchError) as caught:
        github.repo("synthetic-org/b")
    assert set(server.github.authorization) == {f"Bearer {TOKEN}"}
    assert TOKEN not in caught.value.reason and TOKEN not in repr(caught.value)
    anonymous = client(base, token=None)
    anonymous.repo("synthetic-org/a")
    assert server.github.authorization[-1] is None and not anonymous.authenticated


def test_retry_after_as_seconds_or_http_date():
    response = requests.Response()
    response.headers["Retry-After"] = "7"
    assert retry_after_seconds(response) == 7
    in_30_s = email.utils.format_datetime(dt.datetime.fromtimestamp(time.time() + 30, dt.UTC), usegmt=True)
    response.headers["Retry-After"] = in_30_s
    assert 27 <= retry_after_seconds(response) <= 30
    response.headers["Retry-After"] = "Wed, 21 Oct 2015 07:28:00 GMT"  # already past: no wait
    assert retry_after_seconds(response) == 0
    response.headers["Retry-After"] = "86400"
    assert retry_after_seconds(response, cap_s=120) == 120
    response.headers["Retry-After"] = "soon"
    assert retry_after_seconds(response) is None


def test_stargazers_walk_only_where_the_token_may_list(fake_apis):
    server, base = fake_apis
    today = server.github.today
    server.github.add("me/own-repo", today - dt.timedelta(days=60))
    server.github.add("someone/else", today - dt.timedelta(days=60))
    server.github.admin = {"me/own-repo"}
    github = client(base)
    times = github.stargazers("me/own-repo")
    assert len(times) == server.github.total(server.github.repos["me/own-repo"]) and times == sorted(times)
    assert github.stargazers("someone/else") is None  # restricted: the caller records it once


def test_a_distant_reset_stops_instead_of_blocking_the_run(fake_apis):
    server, base = fake_apis
    server.github.add("synthetic-org/a", dt.date(2025, 1, 1))
    server.github.remaining, server.github.reset_in_s = 0, 3600.0
    started = time.monotonic()
    with pytest.raises(ServiceUnreachable, match=r"GitHub rate limit exhausted until \d\d:\d\d UTC; set GITHUB_TOKEN"):
        client(base, token=None).repo("synthetic-org/a")
    assert time.monotonic() - started < 5
