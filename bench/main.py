"""papertrend benchmarks: `bench/run` (full, several minutes) or `bench/run --quick` (CI, under a minute).

Every figure is measured on this machine in this run, against a reference measured the same way:
parsing against reading the same bytes; a single-run backfill against one run per partition;
requests against the minimum the work needs. Functional problems (a failed run, a lost entry, a
request more than the minimum, a query that fails) make the exit status 1; timings never do.
"""

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import psutil

from bench.synth import generate
from papertrend.transforms import clock
from papertrend.transforms.digest_parser import parse_digest
from papertrend.transforms.discovery import discover_digests

REPO = Path(__file__).resolve().parents[1]
REAL_CORPUS = REPO.parent / "shared" / "corpus" / "dailynews"
HISTORY_BUNDLE = REPO.parent / "shared" / "corpus" / "dailynews-history.bundle"
QUERIES = sorted((REPO / "warehouse" / "queries").glob("*.sql"))


class Bench:
    def __init__(self, work: Path):
        self.work = work
        self.rows: list[tuple[str, str, str, str]] = []  # (section, measurement, figure, reference / ratio)
        self.problems: list[str] = []

    def row(self, section: str, what: str, figure: str, reference: str = "") -> None:
        self.rows.append((section, what, figure, reference))
        print(f"  {section:9} {what:52} {figure:>22}  {reference}", flush=True)

    def check(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)
            print(f"  PROBLEM: {problem}", flush=True)


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ---- parse ---------------------------------------------------------------------------------------


def bench_parse(bench: Bench, label: str, root: Path, repeats: int) -> dict:
    files = [(s.path, day) for day, s in sorted(discover_digests(root).items())]
    size = sum(p.stat().st_size for p, _ in files)

    def read_only():
        for path, _ in files:
            path.read_bytes()

    def read_and_parse():
        for path, day in files:
            parse_digest(path.read_bytes(), path.name, day)

    read_only()  # warm the page cache: both sides then read from memory
    floor = median_time(read_only, repeats)
    parse = median_time(read_and_parse, repeats)
    entries = sum(len(parse_digest(p.read_bytes(), p.name, d).entries) for p, d in files)
    bench.row(
        "parse",
        f"{label}: {len(files):,} digests, {size / 1e6:.1f} MB, {entries:,} entries",
        f"{len(files) / parse:,.0f} digests/s, {size / 1e6 / parse:.1f} MB/s",
        f"{parse / floor:.1f}x the byte-read floor ({floor * 1e3:.0f} ms)",
    )
    return {"files": len(files), "bytes": size, "entries": entries, "parse_s": parse, "floor_s": floor}


# ---- pipeline runs -------------------------------------------------------------------------------


def run_pipeline(
    digests: Path | str, data: Path, env: dict, start: dt.date | None = None, end: dt.date | None = None
) -> dict:
    """`papertrend run` in a child process: wall time, peak RSS (from wait4), exit status."""
    command = [
        sys.executable,
        "-m",
        "papertrend.orchestration.cli",
        "run",
        "--digests",
        str(digests),
        "--data-dir",
        str(data),
        "--no-progress",
    ]
    if start:
        command += ["--start", start.isoformat(), "--end", (end or start).isoformat()]
    begin = time.perf_counter()
    with open(data.parent / f"{data.name}.log", "ab") as log:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - begin
    return {"wall_s": wall, "peak_rss_mb": usage.ru_maxrss / 1024, "ok": os.waitstatus_to_exitcode(status) == 0}


def bench_history(bench: Bench, work: Path, repeats: int = 3) -> dict:
    """The generator's real history loaded from git (every version) against its final tree as a plain folder,
    run by run in turn; then the sensor's tick when nothing is new (one fetch, no file read)."""
    import dagster as dg

    from papertrend.orchestration.definitions import build_definitions

    clone, tree = work / "history", work / "history-tree"
    subprocess.run(["git", "clone", "--quiet", str(HISTORY_BUNDLE), str(clone)], check=True)
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(clone), "archive", "HEAD"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"} | {"PAPERTREND_OFFLINE": "1"}
    walls: dict[str, list[float]] = {"git": [], "folder": []}
    for i in range(repeats):
        for kind, digests in (("git", clone.as_uri()), ("folder", tree)):
            run = run_pipeline(digests, work / f"history-{kind}-{i}", env)
            bench.check(run["ok"], f"loading the history as {kind} failed (see its log)")
            walls[kind].append(run["wall_s"])
    git_s, folder_s = statistics.median(walls["git"]), statistics.median(walls["folder"])
    bench.row(
        "history",
        "real history from git, every version, vs its final tree",
        f"x{git_s / folder_s:.2f}",
        f"{git_s:.1f} s against {folder_s:.1f} s (medians of {repeats}; target <= x2)",
    )
    with environment({"PAPERTREND_PARTITIONS_START": "2026-01-30"}):
        defs = build_definitions(clone.as_uri(), work / "history-git-0")
        papertrend = defs.resources["papertrend"]
        head = papertrend.git().fetch().head
        sensor = defs.resolve_sensor_def("digest_files_sensor")

        def tick():
            with dg.build_sensor_context(
                cursor=json.dumps({"commit": head}), resources={"papertrend": papertrend}
            ) as c:
                bench.check(not sensor.evaluate_tick(c).run_requests, "a tick with nothing new requested a run")

        tick_s = median_time(tick, 10)
    bench.row("history", "sensor tick with nothing new (one fetch, no file read)", f"{tick_s * 1000:.0f} ms", "")
    return {"git_s": git_s, "folder_s": folder_s, "ratio": git_s / folder_s, "idle_tick_s": tick_s}


def run_bare(digests: Path, data: Path) -> dict:
    """bench/bare.py in a child process (start-up included, as for the backfill): wall time and peak RSS."""
    shutil.rmtree(data, ignore_errors=True)
    begin = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.bare", str(digests), str(data)], cwd=REPO, stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - begin
    return {"wall_s": wall, "peak_rss_mb": usage.ru_maxrss / 1024, "ok": os.waitstatus_to_exitcode(status) == 0}


def dagster_events(home: Path) -> dict:
    """Events the first run in the instance at ``home`` recorded, by type."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = instance.get_runs(limit=1, ascending=True)[0]
        kinds: dict[str, int] = {}
        for entry in instance.all_logs(run.run_id):
            if entry.dagster_event is not None:
                kinds[entry.dagster_event.event_type_value] = kinds.get(entry.dagster_event.event_type_value, 0) + 1
    return {"total": sum(kinds.values()), "by_type": kinds}


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


@contextmanager
def environment(values: dict[str, str]):
    """``os.environ`` with ``values`` set, as it was afterwards."""
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def event_cost(bench: Bench, postgres_url: str | None = None, n: int = 400) -> dict:
    """Milliseconds per event Dagster's stock storage takes to record (a fresh instance, one process)."""
    import dagster as dg

    from papertrend.orchestration.instance import ENV_POSTGRES_URL, prepare_home

    home = bench.work / ("event-cost-pg" if postgres_url else "event-cost")
    shutil.rmtree(home, ignore_errors=True)
    with environment({ENV_POSTGRES_URL: postgres_url} if postgres_url else {}):
        prepare_home(home)  # papertrend's own dagster.yaml for this shape of instance
        with dg.DagsterInstance.from_config(str(home)) as instance:
            instance.report_runless_asset_event(dg.AssetMaterialization("warm_up"))
            begin = time.perf_counter()
            for i in range(n):
                instance.report_runless_asset_event(dg.AssetMaterialization("bench_event", partition=f"p{i}"))
            cost = (time.perf_counter() - begin) / n
    storage = "PostgreSQL (via PgBouncer)" if postgres_url else "SQLite"
    bench.row("dagster", f"stock {storage} storage: one event recorded", f"{cost * 1e3:.2f} ms", f"mean of {n}")
    return {"ms_per_event": cost * 1e3}


def empty_instance_bytes(home: Path, postgres_url: str | None) -> int:
    """What Dagster's storage holds before any run (its schema, empty): subtracted from the storage figures, so
    that a per-day figure is what each backfilled day adds. With PostgreSQL, measured in ``postgres_url``'s own
    database, which the backfill then uses."""
    import dagster as dg

    from papertrend.orchestration.instance import (
        ENV_DAGSTER_POSTGRES_URL,
        ENV_POSTGRES_URL,
        prepare_home,
        sqlalchemy_url,
    )

    shutil.rmtree(home, ignore_errors=True)
    values = (
        {ENV_POSTGRES_URL: postgres_url, ENV_DAGSTER_POSTGRES_URL: sqlalchemy_url(postgres_url)} if postgres_url else {}
    )
    with environment(values):
        prepare_home(home)
        with dg.DagsterInstance.from_config(str(home)) as instance:  # creates every storage's tables
            instance.get_runs(limit=1)
            instance.fetch_materializations(dg.AssetKey("bench_probe"), limit=1)
            instance.all_instigator_state()
    size = postgres_bytes(postgres_url) if postgres_url else folder_bytes(home)
    shutil.rmtree(home, ignore_errors=True)
    return size


def postgres_bytes(url: str) -> int:
    import psycopg2

    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
    finally:
        connection.close()


def pipeline_env(base: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PAPERTREND_", "ARXIV_", "HF_", "GITHUB_", "DAGSTER_HOME"))
    }
    env.update(
        ARXIV_API_URL=f"{base}/api/query",
        HF_API_URL=base,
        GITHUB_API_URL=base,
        ARXIV_MIN_INTERVAL_S="0",
        HF_MIN_INTERVAL_S="0",
        PAPERTREND_GITHUB="off",  # the fake's rate limit off
        PAPERTREND_BACKOFF_BASE_S="0.01",
    )
    return env


def bench_backfill(
    bench: Bench,
    label: str,
    digests: Path,
    daily: dict,
    per_partition_sample: int,
    rerun: bool,
    postgres_url: str | None = None,
    bare: dict | None = None,
    offline: bool = False,
) -> dict:
    """One backfill as ``papertrend run``; with ``postgres_url``, on a PostgreSQL instance (team deployment);
    ``offline``: no request at all (enrichment records its gaps), the figure the orchestration targets read."""
    from papertrend.orchestration.instance import ENV_DAGSTER_POSTGRES_URL, ENV_POSTGRES_URL, sqlalchemy_url
    from tests.fake_apis.server import FakeApis  # `python -m bench.main` runs from the repository root

    server = FakeApis(daily=daily)
    base = server.start()
    data = bench.work / (
        f"data-{label.split(':')[0].replace(' ', '-')}{'-pg' if postgres_url else ''}{'-offline' if offline else ''}"
    )
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    env = pipeline_env(base)
    if postgres_url:
        env[ENV_POSTGRES_URL] = postgres_url
        label = f"{label} on PostgreSQL via PgBouncer"
    if offline:
        env["PAPERTREND_OFFLINE"] = "1"
        label = f"{label}, offline"
    try:
        days = sorted(daily)
        span = (days[-1] - days[0]).days + 1
        ids = {e["arxiv_id"] for entries in daily.values() for e in entries}
        empty = empty_instance_bytes(data.parent / f"{data.name}-empty-home", postgres_url)
        result = run_pipeline(digests, data, env)
        counts = dict(server.counts)
        bench.check(result["ok"], f"{label}: the backfill run failed (see {data}.log)")
        db = data / "warehouse.duckdb"
        loaded = 0
        if db.exists():
            with duckdb.connect(str(db), read_only=True) as con:
                loaded = con.execute("SELECT count(*) FROM fct_paper_appearances").fetchone()[0]
        expected = sum(len(v) for v in daily.values())
        bench.check(
            loaded == expected, f"{label}: {loaded:,} appearances in the warehouse, {expected:,} in the digests"
        )
        per_partition = result["wall_s"] / span
        if bare is None:
            bare = run_bare(digests, bench.work / f"bare-{data.name}")
            bench.check(bare["ok"], f"{label}: the bare baseline failed")
        bench.row(
            "backfill",
            f"{label}: {span:,} partitions ({len(days):,} digests) as one run",
            f"{result['wall_s']:.1f} s, {result['peak_rss_mb']:,.0f} MB peak",
            f"{result['wall_s'] / bare['wall_s']:.1f}x the bare baseline ({bare['wall_s']:.1f} s, "
            f"{bare['peak_rss_mb']:,.0f} MB); {per_partition * 1e3:.0f} ms per partition",
        )
        # dagster_events reads the instance's dagster.yaml, which names the derived URL's variable
        with environment({ENV_DAGSTER_POSTGRES_URL: sqlalchemy_url(postgres_url)} if postgres_url else {}):
            events = dagster_events(data / "dagster_home")
        per_day = {kind: n / span for kind, n in events["by_type"].items()}
        daily_kinds = ("ASSET_MATERIALIZATION", "ASSET_CHECK_EVALUATION", "ASSET_MATERIALIZATION_PLANNED")
        bench.row(
            "dagster",
            f"{label}: events per backfilled day",
            f"{events['total'] / span:.1f}",
            ", ".join(f"{kind.lower()} {per_day.get(kind, 0):.1f}" for kind in daily_kinds),
        )
        history = postgres_bytes(postgres_url) if postgres_url else folder_bytes(data / "dagster_home")
        history -= empty  # what the backfill added
        lake_bytes = folder_bytes(data / "lake")
        bench.row(
            "dagster",
            f"{label}: Dagster storage per backfilled day",
            f"{history / span / 1024:.1f} KB",
            f"lake {lake_bytes / span / 1024:.1f} KB per day ({history / max(lake_bytes, 1):.2f}x); an empty "
            f"instance's {empty / 1024:,.0f} KB not counted",
        )
        result |= {"bare": bare, "events": events, "dagster_home_bytes": history, "lake_bytes": lake_bytes}
        # a Hugging Face list for every day from the first digest on, digest or not (derived days)
        minimum = {"arxiv": math.ceil(len(ids) / 100), "hf_daily": span, "hf_paper": 0}
        if offline:
            minimum = dict.fromkeys(minimum, 0)
        for service, least in minimum.items():
            made = counts.get(service, 0)
            bench.row("requests", f"{label}: {service}", f"{made:,}", f"minimum {least:,}")
            bench.check(made == least, f"{label}: {made} {service} requests, the minimum is {least}")
        out = {
            "partitions": span,
            "digests": len(days),
            "entries": expected,
            **result,
            "requests": counts,
            "minimum": minimum,
        }
        if rerun:
            server.counts.clear()
            again = run_pipeline(digests, data, env)
            made = sum(server.counts.values())
            bench.check(again["ok"], f"{label}: the re-run failed")
            bench.row(
                "requests", f"{label}: re-run of the same range", f"{made:,}", f"minimum 0 ({again['wall_s']:.1f} s)"
            )
            bench.check(made == 0, f"{label}: the re-run sent {made} requests")
            out["rerun_wall_s"] = again["wall_s"]
        if per_partition_sample:
            step = max(1, len(days) // per_partition_sample)
            sample = days[::step][:per_partition_sample]
            walls = []
            for day in sample:
                single = run_pipeline(digests, data, env, day)
                bench.check(single["ok"], f"{label}: the one-partition run for {day} failed")
                walls.append(single["wall_s"])
            median = statistics.median(walls)
            bench.row(
                "backfill",
                f"{label}: one run per partition (median of {len(sample)})",
                f"{median:.1f} s per partition",
                f"single run is {median / per_partition:.0f}x faster per partition",
            )
            out["per_partition_run_s"] = median
        out["database"] = str(db)
        return out
    finally:
        server.stop()


# ---- queries -------------------------------------------------------------------------------------


def bench_queries(bench: Bench, label: str, database: Path, repeats: int) -> dict:
    latencies = {}
    with duckdb.connect(str(database), read_only=True) as con:
        for path in QUERIES:
            sql = path.read_text(encoding="utf-8")
            try:
                con.execute(sql).fetchall()  # warm-up
                latencies[path.stem] = median_time(lambda sql=sql: con.execute(sql).fetchall(), repeats)
            except duckdb.Error as exc:
                bench.check(False, f"{path.name} failed: {exc}")
                continue
            bench.row("query", f"{label}: {path.name}", f"{latencies[path.stem] * 1e3:.1f} ms", f"median of {repeats}")
    return latencies


# ---- main ----------------------------------------------------------------------------------------


def machine() -> dict:
    return {
        "date": clock.now().isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="small synthetic corpus only: a functional smoke test for CI (< 1 min)"
    )
    parser.add_argument(
        "--work", type=Path, help="where corpora and data dirs go (default: a temporary folder, removed after)"
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--skip-10y", action="store_true", help="leave out the 10-year backfill (the slow part)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="papertrend-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(work)
    info = machine()
    print(
        f"papertrend bench ({'quick' if args.quick else 'full'}) on {info['cpus']} CPUs, {info['memory_gb']} GiB, "
        f"Python {info['python']}, {info['date']}",
        flush=True,
    )
    yesterday = clock.yesterday_utc()
    figures: dict = {"machine": info}
    # quick: the functional smoke test on the local instance; PostgreSQL's pairs are the full run's (and the
    # team tests' functional check), not worth a cluster's start in CI
    postgres = None if args.quick else start_postgres()

    def on_postgres(key: str, label: str, corpus_root: Path, daily: dict, offline: bool = False) -> None:
        """The same backfill on a PostgreSQL instance (through PgBouncer), beside the SQLite one and its bare
        baseline (``key``: the SQLite figure's)."""
        if postgres is None:
            return
        local = figures[key]
        team = bench_backfill(
            bench, label, corpus_root, daily, 0, False, postgres.new_database(), bare=local["bare"], offline=offline
        )
        figures[f"{key}_pg"] = team
        bench.row(
            "backfill",
            f"{label}{', offline' if offline else ''}: PostgreSQL via PgBouncer against SQLite instance",
            f"x{team['wall_s'] / local['wall_s']:.2f} wall time",
            f"{team['wall_s']:.1f} s against {local['wall_s']:.1f} s",
        )

    def offline_pair(key: str, label: str, corpus_root: Path, daily: dict) -> None:
        """The orchestration targets' figures: offline on the local SQLite instance and through PgBouncer."""
        figures[key] = bench_backfill(bench, label, corpus_root, daily, 0, False, offline=True)
        on_postgres(key, label, corpus_root, daily, offline=True)

    try:
        events = 50 if args.quick else 400  # quick: the measurement works; full: a figure worth reading
        figures["event_cost"] = event_cost(bench, n=events)
        if postgres is not None:
            figures["event_cost_pg"] = event_cost(bench, postgres.new_database(), n=events)
        if args.quick:
            small = generate(work / "synth-2w", yesterday - dt.timedelta(days=13), 14)
            figures["parse_2w"] = bench_parse(bench, "synthetic 2 weeks", small.root, 3)
            run = bench_backfill(
                bench, "synthetic 2 weeks", small.root, small.daily, per_partition_sample=1, rerun=True
            )
            figures["backfill_2w"] = run
            on_postgres("backfill_2w", "synthetic 2 weeks", small.root, small.daily)
            figures["queries_2w"] = bench_queries(bench, "synthetic 2 weeks", Path(run["database"]), 3)
        else:
            years = {1: generate(work / "synth-1y", yesterday - dt.timedelta(days=364), 365)}
            if not args.skip_10y:
                years[10] = generate(work / "synth-10y", yesterday - dt.timedelta(days=3649), 3650)
            if (REAL_CORPUS / "output").is_dir():
                figures["parse_real"] = bench_parse(bench, "real corpus", REAL_CORPUS, 5)
            else:
                print(f"  (real corpus not at {REAL_CORPUS}: its rows are skipped)")
            for n, corpus in years.items():
                figures[f"parse_{n}y"] = bench_parse(
                    bench, f"synthetic {n} year{'s' if n > 1 else ''}", corpus.root, 5 if n == 1 else 3
                )
            if (REAL_CORPUS / "output").is_dir():
                from tests.helpers import daily_lists

                lists = daily_lists(REAL_CORPUS)
                offline_pair("backfill_real_offline", "real corpus", REAL_CORPUS, lists)
                figures["backfill_real"] = bench_backfill(
                    bench, "real corpus", REAL_CORPUS, lists, 10, True, bare=figures["backfill_real_offline"]["bare"]
                )
            if HISTORY_BUNDLE.exists():
                figures["history"] = bench_history(bench, work)
            else:
                print(f"  (the generator's history is not at {HISTORY_BUNDLE}: its rows are skipped)")
            month = generate(work / "synth-1m", yesterday - dt.timedelta(days=29), 30)
            figures["backfill_1m"] = bench_backfill(bench, "synthetic 1 month", month.root, month.daily, 5, False)
            for n, corpus in years.items():
                label = f"synthetic {n} year{'s' if n > 1 else ''}"
                if n == 10:
                    offline_pair("backfill_10y_offline", label, corpus.root, corpus.daily)
                figures[f"backfill_{n}y"] = bench_backfill(
                    bench,
                    label,
                    corpus.root,
                    corpus.daily,
                    10 if n == 1 else 0,
                    rerun=n == 1,
                    bare=figures["backfill_10y_offline"]["bare"] if n == 10 else None,
                )
                figures[f"queries_{n}y"] = bench_queries(bench, label, Path(figures[f"backfill_{n}y"]["database"]), 5)
                if n == 1:
                    one_day = (
                        figures["backfill_1y"]["per_partition_run_s"],
                        figures["backfill_1m"]["per_partition_run_s"],
                    )
                    bench.row(
                        "backfill",
                        "one day's run: on a 1-year history against a 1-month one",
                        f"x{one_day[0] / one_day[1]:.2f}",
                        f"{one_day[0]:.1f} s against {one_day[1]:.1f} s (medians)",
                    )
            if 10 in years:
                growth(bench, figures)
    finally:
        if postgres is not None:
            postgres.stop()
        if args.json:
            args.json.write_text(json.dumps(figures, indent=1, default=str) + "\n", encoding="utf-8")
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print("| section | measurement | figure | reference |")
    print("|---|---|---|---|")
    for row in bench.rows:
        print("| " + " | ".join(row) + " |")
    if bench.problems:
        print(f"\n{len(bench.problems)} functional problem(s):", *bench.problems, sep="\n  ")
        return 1
    print("\nno functional problems")
    return 0


class TeamDatabase:
    """PostgreSQL with Debian's PgBouncer in front (transaction pooling): the team deployment, as tested."""

    def __init__(self):
        from tests.services import PgBouncer, PostgresServer

        self.server = PostgresServer()
        self.bouncer = PgBouncer(self.server)

    def new_database(self) -> str:
        return self.bouncer.url(self.server.new_database())

    def stop(self) -> None:
        self.bouncer.stop()
        self.server.stop()


def start_postgres():
    """PostgreSQL behind PgBouncer on loopback for the team-instance rows (tests/services.py), or None, saying why."""
    from tests.services import PGBOUNCER, postgres_bin

    if postgres_bin() is None or not PGBOUNCER.exists():
        print("  (PostgreSQL or PgBouncer not installed: their rows are skipped; apt-get install postgresql pgbouncer)")
        return None
    return TeamDatabase()


def growth(bench: Bench, figures: dict) -> None:
    one, ten = figures["backfill_1y"], figures["backfill_10y"]
    work = ten["entries"] / one["entries"]
    for what, a, b in (
        ("parse time", figures["parse_1y"]["parse_s"], figures["parse_10y"]["parse_s"]),
        ("backfill wall time", one["wall_s"], ten["wall_s"]),
        ("backfill peak RSS", one["peak_rss_mb"], ten["peak_rss_mb"]),
        ("slowest example query", max(figures["queries_1y"].values()), max(figures["queries_10y"].values())),
    ):
        bench.row("growth", f"1 -> 10 years: {what}", f"x{b / a:.1f}", f"work grew x{work:.1f}")


if __name__ == "__main__":
    sys.exit(main())
