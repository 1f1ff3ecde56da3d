"""One clock (issue 11): every "what day is it" comes from transforms.clock, tested at its edges.

The instants (tests/conftest.py EDGE_INSTANTS) are where UTC, Pacific time and the machine's local
zone disagree about the day. Repositories and digests here are SYNTHETIC.
"""

import ast
import datetime as dt
import os

import dagster as dg
import pytest

from papertrend.orchestration.cli import CliError, run_range
from papertrend.sources.github import GitHubClient
from papertrend.sources.http import RateLimiter, RetryPolicy
from papertrend.transforms import clock
from papertrend.transforms.repos import daily_from_weeks
from tests.conftest import EDGE_DAYS, EDGE_INSTANTS, LOCAL_ZONES, REPO

FAST = RetryPolicy(max_attempts=2, backoff_base_s=0.01, timeout_s=2.0)
EDGES = [pytest.param(name, id=name) for name in EDGE_INSTANTS]


def test_pinned_instant_is_read_as_given_and_needs_an_offset(pin_clock):
    pin_clock("2026-11-28T23:59:00-08:00")
    assert clock.now() == dt.datetime(2026, 11, 29, 7, 59, tzinfo=dt.UTC)
    assert clock.now().utcoffset() == dt.timedelta(0)
    for bad in ("2026-11-30T00:30:00", "yesterday"):
        pin_clock(bad)
        with pytest.raises(ValueError, match="PAPERTREND_NOW"):
            clock.now()


def test_unpinned_clock_runs(monkeypatch):
    monkeypatch.delenv(clock.ENV_NOW, raising=False)
    first = clock.now()
    assert first.tzinfo is not None and clock.pinned() is None and clock.days_ahead_of_wall_clock() == 0
    assert clock.now() >= first


@pytest.mark.parametrize("zone", LOCAL_ZONES)
@pytest.mark.parametrize("name", EDGES)
def test_days_are_named_in_utc_and_pacific_whatever_the_local_zone(name, zone, pin_clock, local_zone):
    local_zone(zone)
    pin_clock(EDGE_INSTANTS[name])
    utc_day, pacific_day = (dt.date.fromisoformat(d) for d in EDGE_DAYS[name])
    assert clock.today_utc() == utc_day
    assert clock.yesterday_utc() == utc_day - dt.timedelta(days=1)
    assert clock.today_pacific() == pacific_day


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            yield node, node.func.attr


def test_nothing_but_the_clock_reads_the_wall_clock_or_the_local_zone():
    """Product code and the test fakes: no datetime.now/today/utcnow, no local-time conversions."""
    forbidden = {"now", "today", "utcnow", "localtime", "mktime", "ctime", "utcfromtimestamp"}
    offenders = []
    folders = ("orchestration", "transforms", "schemas", "warehouse", "sources", "bench", "tests/fake_apis")
    for path in sorted(p for folder in folders for p in (REPO / folder).rglob("*.py")):
        if path == REPO / "transforms" / "clock.py":
            continue
        for node, attr in _calls(ast.parse(path.read_text(), str(path))):
            receiver = ast.unparse(node.func.value)
            if attr in forbidden and receiver.split(".")[-1] in ("datetime", "date", "dt", "time"):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(node)}")
            # fromtimestamp without a zone converts to the local zone
            if attr == "fromtimestamp" and len(node.args) < 2 and not node.keywords:
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(node)}")
    assert offenders == []


@pytest.mark.parametrize("name", EDGES)
def test_run_range_ends_at_the_last_ended_utc_day(name, pin_clock):
    pin_clock(EDGE_INSTANTS[name])
    utc_day = dt.date.fromisoformat(EDGE_DAYS[name][0])
    start = utc_day - dt.timedelta(days=5)
    assert run_range(start, utc_day, clock.yesterday_utc()) == (
        start,
        utc_day - dt.timedelta(days=1),
        f"{utc_day} has not ended yet (UTC); running up to {utc_day - dt.timedelta(days=1)}",
    )
    assert run_range(start, utc_day - dt.timedelta(days=1), clock.yesterday_utc())[2] is None
    with pytest.raises(CliError, match="is after"):
        run_range(utc_day, utc_day, clock.yesterday_utc())


@pytest.mark.parametrize("name", EDGES)
def test_partitions_schedule_and_sensor_see_the_same_yesterday(name, pin_clock):
    pin_clock(EDGE_INSTANTS[name])
    os.environ["PAPERTREND_PARTITIONS_START"] = "2026-08-01"
    from papertrend.orchestration.definitions import build_definitions

    defs = build_definitions()
    yesterday = (dt.date.fromisoformat(EDGE_DAYS[name][0]) - dt.timedelta(days=1)).isoformat()
    job = defs.resolve_job_def("papertrend_job")
    assert job.partitions_def.get_last_partition_key() == yesterday
    schedule = defs.resolve_schedule_def("daily_digest_schedule")
    nine = dt.datetime.combine(clock.today_utc(), dt.time(9), dt.UTC)
    with dg.build_schedule_context(scheduled_execution_time=nine, repository_def=defs.get_repository_def()) as context:
        [request] = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == yesterday


def _history_world(fake_apis, created_days_ago: int = 40):
    server, base = fake_apis
    name = "synthetic-org/edge-repo"
    server.github.add(name, clock.today_pacific() - dt.timedelta(days=created_days_ago))
    return server, GitHubClient(base, RateLimiter("github", 0.0), FAST, token="ghp_SYNTHETIC0123456789"), name


def test_a_star_at_17h_pacific_on_sunday_counts_for_sunday(fake_apis, pin_clock):
    pin_clock("2026-11-30T01:00:00Z")  # Sunday 29 November, 17:00 PST; Monday in UTC
    server, github, name = _history_world(fake_apis)
    repo = server.github.repos[name]
    before = server.github.daily(repo, dt.date(2026, 11, 29))
    server.github.add_star(name)
    history = github.star_history(name)
    newest = history.weeks[0]
    assert dt.datetime.fromtimestamp(newest["week"], dt.UTC) == dt.datetime(2026, 11, 29, tzinfo=dt.UTC)
    assert newest["days"][0] == before + 1 and newest["days"][1:] == [0] * 6  # Monday .. Saturday not begun
    total = github.star_counts([name])[name]["stargazers_count"]
    rows = daily_from_weeks(history.weeks, total, clock.now())
    assert rows[-1] == {"star_date": dt.date(2026, 11, 29), "stars_added": before + 1, "stars_total": total}
    assert sum(r["stars_added"] for r in rows) == total
    assert github.stargazers(name) is None  # not an admin: the history endpoint is the only source, as on GitHub
    server.github.admin.add(name)
    starred = github.stargazers(name)  # where listing is allowed, the new star carries its own moment
    assert starred is not None and starred[-1] == dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)
    assert len(starred) == total


@pytest.mark.parametrize("zone", ("Asia/Shanghai", "America/Los_Angeles"))
@pytest.mark.parametrize("name", EDGES)
def test_star_history_days_stop_at_the_pacific_day(name, zone, fake_apis, pin_clock, local_zone):
    local_zone(zone)
    pin_clock(EDGE_INSTANTS[name])
    pacific_day = dt.date.fromisoformat(EDGE_DAYS[name][1])
    server, github, repo_name = _history_world(fake_apis)
    server.github.add_star(repo_name)
    history = github.star_history(repo_name)
    total = github.star_counts([repo_name])[repo_name]["stargazers_count"]
    rows = daily_from_weeks(history.weeks, total, clock.now())
    assert rows[-1]["star_date"] == pacific_day  # today in Pacific time, nothing after it
    assert rows[-1]["stars_total"] == total and sum(r["stars_added"] for r in rows) == total
    sunday = dt.datetime.fromtimestamp(history.weeks[0]["week"], dt.UTC).date()
    assert sunday.weekday() == 6 and 0 <= (pacific_day - sunday).days < 7
