"""A git repository as the source: papertrend's own mirror, every version kept, new commits loaded as they land.

The real history (../shared/corpus/dailynews-history.bundle, skipped without it) is replayed into a repository
served by file://, a batch of commits at a time; small repositories of SYNTHETIC digests cover a
re-publication, a deletion, a force-push and an unreachable remote.
"""

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SHARED, query, run_cli
from tests.synthetic import synthetic_entries, write_digest

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("in_process_runs")]
BUNDLE = SHARED / "corpus" / "dailynews-history.bundle"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Synthetic",
    "GIT_AUTHOR_EMAIL": "synthetic@example.invalid",
    "GIT_COMMITTER_NAME": "Synthetic",
    "GIT_COMMITTER_EMAIL": "synthetic@example.invalid",
}


def git(cwd: Path, *args: str, when: str | None = None) -> str:
    env = os.environ | GIT_ENV | ({"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else {})
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(autouse=True)
def _need_git():
    if shutil.which("git") is None:
        pytest.skip("git is not installed (Debian: apt-get install git)")


def _run(capsys, remote: str, data: Path, *extra: str) -> tuple[int, str]:
    code, out, err = run_cli(
        capsys, "run", "--digests", remote, "--data-dir", data, "--offline", "--no-progress", *extra
    )
    return code, out + err


def _versions(data: Path) -> list[tuple]:
    return query(
        data / "warehouse.duckdb",
        "SELECT digest_date, version, change, is_current, in_history FROM digest_versions ORDER BY ALL",
    )


def test_the_real_history_replayed_a_batch_at_a_time(capsys, tmp_path):
    if not BUNDLE.exists():
        pytest.skip(f"the generator's history is not at {BUNDLE} (a user's clone has no ../shared)")
    upstream, data = tmp_path / "upstream", tmp_path / "data"
    git(tmp_path, "clone", "--quiet", str(BUNDLE), str(upstream))
    assert git(upstream, "rev-list", "--count", "HEAD").strip() == "472"
    commits = git(upstream, "rev-list", "--first-parent", "--reverse", "HEAD").split()  # merges' second parents aside
    remote = upstream.as_uri()
    for step, head in enumerate([commits[220], commits[-1]]):  # two batches: the first load, then what landed
        git(upstream, "reset", "--quiet", "--hard", head)
        code, out = _run(capsys, remote, data)
        assert code == 0, out
        # what git itself says the history up to this commit published
        log = git(
            upstream, "log", "--first-parent", "--format=", "--name-status", "--no-renames", "--", "*papers_summary.md"
        )
        changes = [line.split("\t") for line in log.splitlines() if line]
        days = {path.split("/")[1] for _, path in changes}
        versions = _versions(data)
        assert len(versions) == len(changes), step  # one row per version, none twice after a re-run
        assert {str(v[0]) for v in versions if v[3]} == days  # one current version a day
        assert query(data / "warehouse.duckdb", "SELECT count(*) FROM digest_files WHERE status = 'loaded'") == [
            (len(days),)
        ]
        current = query(data / "warehouse.duckdb", "SELECT sum(entries) FROM digest_versions WHERE is_current")[0][0]
        assert query(data / "warehouse.duckdb", "SELECT count(*) FROM stg_digest_entries") == [(current,)]
        trending_log = git(
            upstream, "log", "--first-parent", "--format=", "--name-status", "--no-renames", "--", "*github_trending.md"
        )
        assert query(data / "warehouse.duckdb", "SELECT count(*) FROM trending_versions") == [
            (len([line for line in trending_log.splitlines() if line]),)
        ]  # the trending lists' versions are kept by the same rule
        # every day from the first file's to the last file's has its row (a day with only a trending list too)
        files = git(upstream, "ls-files", "*.md", "*stats.json").split()
        dated = sorted({found[-1] for f in files if (found := re.findall(r"\d{4}-\d{2}-\d{2}", f))})
        span = (dt.date.fromisoformat(dated[-1]) - dt.date.fromisoformat(dated[0])).days + 1
        assert query(data / "warehouse.duckdb", "SELECT count(*), max(digest_date)::VARCHAR FROM digest_files") == [
            (span, dated[-1])
        ]
        if step:
            assert "changed since the last run" in out  # only the days the new commits touched ran
    # the whole history: 97 digest days, 102 versions, the five re-publications and what each changed
    assert len(days) == 97 and len(versions) == 102
    republished = query(
        data / "warehouse.duckdb",
        "SELECT digest_date::VARCHAR, version FROM digest_versions WHERE change = 'republished' ORDER BY ALL",
    )
    assert republished == [
        ("2026-02-03", 2),
        ("2026-02-04", 2),
        ("2026-02-04", 3),
        ("2026-02-18", 2),
        ("2026-02-19", 2),
    ]
    changed = query(
        data / "warehouse.duckdb",
        "SELECT DISTINCT digest_date::VARCHAR, version FROM digest_changes ORDER BY ALL",
    )
    assert changed == republished
    # a run with nothing new runs nothing
    code, out = _run(capsys, remote, data)
    assert code == 0 and "nothing new in the repository" in out


@pytest.fixture
def small_repo(tmp_path):
    """A bare remote and a work clone that pushes to it; SYNTHETIC digests for two days."""
    remote, work = tmp_path / "remote.git", tmp_path / "work"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    git(tmp_path, "clone", "--quiet", str(remote), str(work))
    days = [dt.date(2026, 2, 2), dt.date(2026, 2, 3)]
    for i, day in enumerate(days):
        write_digest(work, day, synthetic_entries(day, 3))
        git(work, "add", "-A")
        git(work, "commit", "--quiet", "-m", f"digest {day}", when=f"{day}T0{5 + i}:00:00Z")
    git(work, "push", "--quiet", "origin", "main")
    return remote, work, days, tmp_path / "data"


def test_republication_deletion_force_push_and_an_unreachable_remote(capsys, small_repo):
    remote, work, (d1, d2), data = small_repo
    assert _run(capsys, remote.as_uri(), data)[0] == 0
    assert [v[:3] for v in _versions(data)] == [(d1, 1, "published"), (d2, 1, "published")]

    # d1 published again with two more papers; d2 deleted
    write_digest(work, d1, synthetic_entries(d1, 5))
    git(work, "commit", "--quiet", "-am", "d1 again", when=f"{d1 + dt.timedelta(days=2)}T06:00:00Z")
    git(work, "rm", "--quiet", "-r", "output/2026-02-03")
    git(work, "commit", "--quiet", "-m", "d2 removed", when=f"{d1 + dt.timedelta(days=2)}T07:00:00Z")
    git(work, "push", "--quiet", "origin", "main")
    code, out = _run(capsys, remote.as_uri(), data)
    assert code == 0, out
    assert _versions(data) == [
        (d1, 1, "published", False, True),
        (d1, 2, "republished", True, True),
        (d2, 1, "published", False, True),
        (d2, 2, "deleted", False, True),
    ]
    db = data / "warehouse.duckdb"
    assert query(db, "SELECT digest_date, count(*) FROM stg_digest_entries GROUP BY 1") == [(d1, 5)]
    assert query(db, "SELECT status FROM digest_files WHERE digest_date = ?", [d2]) == [("no_digest",)]
    assert query(db, "SELECT change, count(*) FROM digest_changes WHERE digest_date = ? GROUP BY 1", [d1]) == [
        ("added", 2)
    ]

    # a force-push rewrites the last two commits: what was recorded stays, the new head is loaded
    git(work, "reset", "--quiet", "--hard", "HEAD~2")
    write_digest(work, d2, synthetic_entries(d2, 4))
    git(work, "commit", "--quiet", "-am", "d2 rewritten", when=f"{d1 + dt.timedelta(days=3)}T06:00:00Z")
    git(work, "push", "--quiet", "--force", "origin", "main")
    code, out = _run(capsys, remote.as_uri(), data)
    assert code == 0 and "history rewritten" in out, out
    rows = _versions(data)
    assert len(rows) == 5 and sum(1 for r in rows if not r[4]) == 2  # the two rewritten versions kept
    assert query(db, "SELECT digest_date, count(*) FROM stg_digest_entries GROUP BY 1 ORDER BY 1") == [
        (d1, 3),
        (d2, 4),
    ]

    # the remote goes away: the last fetched state is used, the run says so, nothing is lost
    before = _versions(data)
    remote.rename(remote.with_name("moved.git"))
    code, out = _run(capsys, remote.as_uri(), data, "--start", str(d1), "--end", str(d2))
    assert code == 0 and "could not be reached" in out, out
    assert _versions(data) == before
    assert not (work / ".papertrend").exists() and git(work, "status", "--porcelain") == ""  # the clone untouched


def test_the_sensor_fetches_and_requests_only_the_days_new_commits_touched(capsys, small_repo, monkeypatch):
    import dagster as dg

    from papertrend.orchestration.definitions import build_definitions

    remote, work, (d1, d2), data = small_repo
    assert _run(capsys, remote.as_uri(), data)[0] == 0  # both days loaded by the CLI
    monkeypatch.setenv("PAPERTREND_PARTITIONS_START", str(d1))
    defs = build_definitions(remote.as_uri(), data)
    sensor = defs.resolve_sensor_def("digest_files_sensor")

    def tick(cursor=None):
        with dg.build_sensor_context(cursor=cursor, resources={"papertrend": defs.resources["papertrend"]}) as ctx:
            return sensor.evaluate_tick(ctx)

    quiet = tick()
    assert quiet.run_requests == [] and "Nothing new" in (quiet.skip_message or "")  # one fetch, no file read

    d3 = d2 + dt.timedelta(days=1)
    write_digest(work, d3, synthetic_entries(d3, 2))
    write_digest(work, d1, synthetic_entries(d1, 4))
    git(work, "add", "-A")
    git(work, "commit", "--quiet", "-m", "d3, and d1 again", when=f"{d3 + dt.timedelta(days=1)}T06:00:00Z")
    git(work, "push", "--quiet", "origin", "main")
    head = git(work, "rev-parse", "HEAD").strip()
    result = tick()
    assert [
        (r.tags["dagster/asset_partition_range_start"], r.tags["dagster/asset_partition_range_end"])
        for r in result.run_requests
    ] == [
        (str(d1), str(d1)),
        (str(d3), str(d3)),
    ]  # d2 untouched: not requested
    assert {r.tags["papertrend/commit"] for r in result.run_requests} == {head}
    assert json.loads(result.cursor) == {"commit": head}  # the cursor: the commit requested last, nothing more
    assert tick(result.cursor).run_requests == []

    # the CLI, too, runs exactly the changed days: d1 and d3, in two runs, not d2 between them
    code, out = _run(capsys, remote.as_uri(), data)
    assert code == 0, out
    assert f"papertrend run {d1} .. {d1} (1 day)" in out and f"papertrend run {d3} .. {d3} (1 day)" in out, out
    assert f"{d2} .." not in out
