"""Repository discovery and star-history arithmetic (pure). URLs and numbers are SYNTHETIC except the
seed repositories named in external-apis.md section 4."""

import datetime as dt

import pytest

from papertrend.transforms.repos import daily_from_stargazers, daily_from_weeks, discover, find_repos, normalise_repo


@pytest.mark.parametrize(
    "url,repo",
    [
        ("https://github.com/baichuan-inc/Baichuan-M3-235B", "baichuan-inc/Baichuan-M3-235B"),
        ("https://github.com/synthetic-lab/repo-1.git", "synthetic-lab/repo-1"),
        ("http://www.github.com/synthetic-lab/repo-2/tree/main/examples", "synthetic-lab/repo-2"),
        ("github.com/synthetic-lab/repo.v3.", "synthetic-lab/repo.v3"),
        ("(see https://github.com/fmmarkmq/SEMA).", "fmmarkmq/SEMA"),
        ("https://dreamdojo-world.github.io/", None),
        ("https://github.com/features/copilot", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise(url, repo):
    assert normalise_repo(url) == repo


def test_discovery_priority_and_dedup():
    found = discover(
        "https://github.com/agentscope-ai/Trinity-RFT",
        "Github: https://github.com/lyn22333/R-Align and https://github.com/Agentscope-AI/trinity-rft.git",
        "Code: https://github.com/synthetic-lab/other. Project page: https://x.github.io/p",
    )
    assert found == [
        ("agentscope-ai/Trinity-RFT", "hf_github_repo"),
        ("lyn22333/R-Align", "arxiv_comment"),
        ("synthetic-lab/other", "arxiv_abstract"),
    ]
    assert find_repos("no links here") == []


def week(sunday: dt.date, days: list[int]) -> dict:
    stamp = int(dt.datetime(sunday.year, sunday.month, sunday.day, tzinfo=dt.UTC).timestamp())
    return {"week": stamp, "total": sum(days), "days": days}


def test_weeks_to_days_anchored_on_the_current_total_and_future_days_dropped():
    sunday = dt.date(2026, 11, 22)  # a Sunday
    weeks = [week(sunday, [1, 2, 0, 0, 0, 0, 0]), week(sunday - dt.timedelta(days=7), [3, 0, 0, 0, 0, 0, 4])]
    now = dt.datetime(2026, 11, 24, 5, 0, tzinfo=dt.UTC)  # still Monday the 23rd in Pacific time
    rows = daily_from_weeks(weeks, current_total=110, now=now)
    assert [r["star_date"] for r in rows][-2:] == [dt.date(2026, 11, 22), dt.date(2026, 11, 23)]  # the 24th is future
    by_day = {r["star_date"]: r for r in rows}
    assert by_day[dt.date(2026, 11, 23)]["stars_total"] == 110
    assert by_day[dt.date(2026, 11, 22)]["stars_total"] == 108
    assert by_day[dt.date(2026, 11, 21)] == {"star_date": dt.date(2026, 11, 21), "stars_added": 4, "stars_total": 107}
    assert by_day[dt.date(2026, 11, 15)]["stars_total"] == 103
    assert sum(r["stars_added"] for r in rows) == 10
    assert all(r["stars_total"] is None for r in daily_from_weeks(weeks, None, now))


def test_stargazers_walk_by_pacific_day_and_capped_walks_shift_up():
    times = [
        dt.datetime(2026, 1, 2, 7, 0, tzinfo=dt.UTC),  # Jan 1 in Pacific time
        dt.datetime(2026, 1, 2, 9, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 3, 9, 0, tzinfo=dt.UTC),
    ]
    rows = daily_from_stargazers(times, current_total=3)
    assert rows == [
        {"star_date": dt.date(2026, 1, 1), "stars_added": 1, "stars_total": 1},
        {"star_date": dt.date(2026, 1, 2), "stars_added": 1, "stars_total": 2},
        {"star_date": dt.date(2026, 1, 3), "stars_added": 1, "stars_total": 3},
    ]
    assert daily_from_stargazers(times, current_total=40_003)[-1]["stars_total"] == 40_003
