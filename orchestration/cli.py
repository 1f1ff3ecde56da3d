"""The ``papertrend`` command line.

``run`` materializes the asset graph for a range of days as ONE Dagster run, launched as the UI launches
one (orchestration/launch.py) in the instance the UI reads (``<data-dir>/dagster_home`` unless DAGSTER_HOME
is set), so runs started here show up in ``papertrend ui`` with their partitions and checks, and can be
re-executed there.
"""

import argparse
import csv
import datetime as dt
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..schemas.ingest import FILE_STATUSES
from ..transforms import clock
from . import settings
from .progress import read_days_written

if TYPE_CHECKING:  # duckdb is imported where it is used: most commands never open the warehouse
    import duckdb

OFFLINE_HELP = "send no network request (enrichment records what it could not fetch); env PAPERTREND_OFFLINE"


class CliError(Exception):
    """A problem with the user's input: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage block
        raise CliError(message)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def _existing_dir(value: str) -> Path:
    path = Path(value).expanduser()
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{value}: no such folder")
    return path.resolve()


def _digests_source(value: str) -> str:
    """A folder, or a git repository: a local clone (a folder too) or any URL git fetches, kept as given."""
    from ..sources.git import looks_like_git

    return value if looks_like_git(value) and not Path(value).is_dir() else str(_existing_dir(value))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="papertrend", description="Daily AI-paper digests -> DuckDB warehouse, orchestrated by Dagster."
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = commands.add_parser("run", help="ingest, validate and publish a range of days as one Dagster run")
    run.add_argument(
        "--digests",
        type=_digests_source,
        help=(
            f"folder of digests, or a git repository of them (a clone or a URL); env {settings.ENV_DIGESTS_DIR}; "
            "default: bundled examples"
        ),
    )
    run.add_argument(
        "--data-dir",
        type=Path,
        help=f"where the lake, warehouse and Dagster instance live (env {settings.ENV_DATA_DIR}; default ./data)",
    )
    run.add_argument("--start", type=_date, help="first day (default: earliest digest found)")
    run.add_argument("--end", type=_date, help="last day (default: latest digest found)")
    run.add_argument("--offline", action="store_true", help=OFFLINE_HELP)
    run.add_argument("--refresh", action="store_true", help="fetch arXiv and Hugging Face data again even when cached")
    run.add_argument("--no-progress", action="store_true", help="no progress display")

    parse = commands.add_parser("parse", help="parse digest files without touching the warehouse")
    parse.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="digest files, or folders to search for them"
    )
    parse.add_argument("--format", choices=("jsonl", "table"), default="table")

    sql = commands.add_parser("sql", help="read-only SQL on the analyst database")
    sql.add_argument("query")
    sql.add_argument("--data-dir", type=Path)
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table")

    report = commands.add_parser("report", help="draw the trend report (HTML + PNG charts) from the analyst database")
    report.add_argument("--data-dir", type=Path)
    report.add_argument("--open", action="store_true", help="open the report in a web browser")

    render = commands.add_parser(
        "render",
        help="write one day of the warehouse (a digest, or a day derived from its list) back in the generator's "
        "format (facts only)",
    )
    render.add_argument("date", type=_date, metavar="DATE")
    render.add_argument("--out", type=Path, metavar="FILE", help="write here instead of standard output")
    render.add_argument("--data-dir", type=Path)

    ui = commands.add_parser("ui", help="start the Dagster UI (webserver and daemon) on this data dir")
    ui.add_argument("--digests", type=_digests_source)
    ui.add_argument("--data-dir", type=Path)
    ui.add_argument("--host", default="127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)
    ui.add_argument("--offline", action="store_true", help=OFFLINE_HELP)

    serve = commands.add_parser(
        "serve", help="one process of a team deployment (docs/deployment.md): webserver, daemon or code server"
    )
    serve.add_argument("role", choices=("webserver", "daemon", "code-server"))
    serve.add_argument("--digests", type=_digests_source)
    serve.add_argument("--data-dir", type=Path)
    serve.add_argument("--host", default="127.0.0.1", help="where to listen (webserver, code-server)")
    serve.add_argument("--port", type=int, help="where to listen (default: webserver 3000, code-server 4000)")
    serve.add_argument(
        "--code-server", metavar="HOST:PORT", help="the code server to load definitions from (webserver, daemon)"
    )
    serve.add_argument("--offline", action="store_true", help=OFFLINE_HELP)
    return parser


def _data_dir(option: Path | None) -> Path:
    return option.expanduser().resolve() if option is not None else settings.data_dir()


def _prepare_instance(data_dir: Path) -> Path:
    """The Dagster instance of the data dir (or DAGSTER_HOME, when set), ready for this and child processes."""
    from ..warehouse import DataDir
    from .instance import prepare_home

    return prepare_home(Path(os.environ.get("DAGSTER_HOME") or DataDir(data_dir).dagster_home))


def _code_location_env(digests: str | None, data_dir: Path, offline: bool) -> dict[str, str]:
    """The environment of the processes ``ui`` and ``serve`` start: the code location reads its settings there."""
    env = dict(os.environ, **{settings.ENV_DATA_DIR: str(data_dir)})
    if digests is not None:
        env[settings.ENV_DIGESTS_DIR] = str(digests)
    if offline:
        env[settings.ENV_OFFLINE] = "1"
    return env


def _quiet_dagster() -> None:
    warnings.filterwarnings("ignore", module="dagster")
    warnings.filterwarnings("ignore", message=".*(beta|preview|deprecated).*")


def run_range(start: dt.date, end: dt.date, yesterday: dt.date) -> tuple[dt.date, dt.date, str | None]:
    """The days a run covers: at most up to ``yesterday`` (UTC), the last day that has ended."""
    note = None
    if end > yesterday:
        note = f"{end} has not ended yet (UTC); running up to {yesterday}"
        end = yesterday
    if start > end:
        raise CliError(f"--start {start} is after --end {end}")
    return start, end, note


def cmd_run(args) -> int:
    data_dir = _data_dir(args.data_dir)
    _prepare_instance(data_dir)
    _quiet_dagster()
    from rich.console import Console

    from ..transforms.discovery import days_of, discover_digests, source_paths

    console = Console(stderr=True)
    spec = args.digests or settings.digests_source()
    digests_dir, changed, commit, loaded = _read_source(spec, data_dir, console, ranged=bool(args.start or args.end))
    sources = discover_digests(digests_dir)
    if changed is not None and not changed:
        console.print("nothing new in the repository since the last run: the warehouse is up to date")
        return 0
    if not sources and not (args.start and args.end):
        raise CliError(
            f"no digests found under {digests_dir} "
            "(no file whose content is a paper digest: '# 每日论文汇总 - YYYY-MM-DD')"
        )
    if changed:
        from .ingest.sensors import consecutive_ranges

        console.print(f"changed since the last run: {len(changed)} days ({min(changed)} .. {max(changed)})")
        ranges = consecutive_ranges(changed)  # one run per stretch of changed days: nothing else is re-run
    else:
        # a trending list alone makes a day too
        days = sorted({*sources, *days_of(p.relative_to(digests_dir) for p in source_paths(digests_dir))})
        ranges = [(args.start or days[0], args.end or days[-1])]
    for first, last in ranges:
        if code := _run_days(args, console, spec, data_dir, first, last, commit):
            return code
    loaded()  # a repository's commit counts as loaded only once its runs succeeded
    return 0


def _run_days(args, console, spec: str, data_dir: Path, start: dt.date, end: dt.date, commit: str | None = None) -> int:
    """One run of papertrend_job over ``start``..``end``, launched as the UI launches one (orchestration/launch.py):
    its progress shown from its event log, its summary printed."""
    import dagster as dg
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import launch
    from .ingest.sensors import COMMIT_TAG
    from .instance import get_instance
    from .resources import run_settings

    start, end, note = run_range(start, end, clock.yesterday_utc())
    if note:
        console.print(f"[yellow]note:[/] {note}")
    # Days before the first partition are added for this run's code server; once loaded, the lake holds them
    # and every later process (the UI, the daemon) counts them among its partitions (orchestration/partitions.py).
    env = _code_location_env(spec, data_dir, args.offline)
    env[settings.ENV_PARTITIONS_START] = min(start, settings.partitions_start()).isoformat()
    request = launch.LaunchRequest(
        run_id=str(uuid.uuid4()),
        tags={
            "dagster/asset_partition_range_start": start.isoformat(),
            "dagster/asset_partition_range_end": end.isoformat(),
            "papertrend/launched_by": "cli",
            **({COMMIT_TAG: commit} if commit else {}),
        },
        run_config={
            "loggers": {"console": {"config": {"log_level": "WARNING"}}},
            "resources": run_settings(spec, data_dir, args.offline, args.refresh),
        },
        env=env,
        cwd=settings.REPO_ROOT,
        log=Path(os.environ["DAGSTER_HOME"]) / "papertrend-run.log",
    )
    instance = get_instance()
    days = (end - start).days + 1
    started = time.monotonic()
    evaluations: list = []
    failures: list[tuple[str, str]] = []
    with Progress(
        TextColumn("{task.description:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=args.no_progress,
        transient=False,
    ) as bar:
        days_task = bar.add_task("days", total=days)
        steps_task = bar.add_task("steps", total=None)

        def on_record(record) -> None:
            entry = record.event_log_entry
            event = entry.dagster_event
            if event is None:
                if written := read_days_written(entry.user_message):
                    bar.update(days_task, completed=written[0])
            elif event.event_type == dg.DagsterEventType.STEP_START:
                bar.update(steps_task, total=(bar.tasks[steps_task].total or 0) + 1)
            elif event.event_type == dg.DagsterEventType.STEP_SUCCESS:
                bar.advance(steps_task)
            elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
                evaluations.append(event.event_specific_data)
            elif event.event_type == dg.DagsterEventType.STEP_FAILURE:
                error = event.step_failure_data.error
                failures.append((f"step {event.step_key} failed", error.message.strip() if error else entry.message))
            elif event.event_type in (dg.DagsterEventType.RUN_FAILURE, dg.DagsterEventType.RUN_CANCELED):
                failures.append(("run", event.message or entry.message))

        try:
            run = launch.launch_and_wait(instance, request, on_record, lambda text: console.print(f"note: {text}"))
        except RuntimeError as exc:
            console.print(f"[red]the run could not start:[/] {exc} (the code server's log: {_shown(request.log)})")
            return 1
    elapsed = time.monotonic() - started
    if run.status != dg.DagsterRunStatus.SUCCESS:
        from rich.markup import escape

        for where, what in failures:
            console.print(f"[red]{escape(where)}:[/] {escape(what)}")
        state = "was canceled" if run.status == dg.DagsterRunStatus.CANCELED else "failed"
        console.print(f"[red]run {run.run_id} {state}[/] after {elapsed:.1f} s (details: papertrend ui)")
        return 130 if run.status == dg.DagsterRunStatus.CANCELED else 1
    _print_summary(data_dir, start, end, elapsed, run.run_id, _checks_line(evaluations), args.digests)
    return 0


def _read_source(
    spec: str, data_dir: Path, console, ranged: bool
) -> tuple[Path, list[dt.date] | None, str | None, Callable[[], None]]:
    """The folder a run reads, the days a repository changed since the last run (None: every day, or the range
    the user gave), the commit read and what to call once the runs succeeded. A plain folder is read as it is."""
    from ..sources.git import GitError, GitSource, looks_like_git
    from ..transforms.discovery import days_of
    from ..warehouse import DataDir

    if not looks_like_git(spec):
        return Path(spec), None, None, lambda: None
    source = GitSource(spec, DataDir(data_dir).source_dir)
    try:
        fetched = source.fetch()
    except GitError as exc:
        raise CliError(f"{spec}: {exc}") from exc
    if fetched.note:
        console.print(f"[yellow]note:[/] {fetched.note}")
    folder = source.checkout(fetched.head)
    console.print(f"repository {spec} at {fetched.head[:12]}")
    changed = None
    if not ranged and fetched.loaded is not None:
        changed = sorted(days_of(source.changed_paths(fetched.loaded, fetched.head)))
    return folder, changed, fetched.head, lambda: source.mark_loaded(fetched.head)


def _checks_line(evaluations) -> str:
    """What the run's checks found, in one line: the per-day check's days, and the whole-table checks that did not
    pass (a warning is shown as Failed in the UI's Partitions bar too)."""
    from .ingest.assets import DAY_CHECK

    days = [e for e in evaluations if e.check_name == DAY_CHECK]
    failing = [e for e in days if not e.passed]
    errors = [e for e in failing if e.severity.value == "ERROR"]
    line = (
        f"{len(days)} days checked: {len(days) - len(failing)} passed, {len(failing) - len(errors)} with warnings, "
        f"{len(errors)} failed"
    )
    if failing:
        line += f" (first: {(errors or failing)[0].description})"
    others = sorted(
        f"{e.check_name} ({e.severity.value.lower()})"
        for e in evaluations
        if e.check_name != DAY_CHECK and not e.passed
    )
    if others:
        line += f"; whole tables, not passed: {', '.join(others)}"
    return line


def _shown(path) -> str:
    """A path as the user can type it: relative when it lies under the current folder, else absolute."""
    absolute = Path(os.path.abspath(path))  # not resolve(): a virtual environment's python is a symlink
    relative = os.path.relpath(absolute)
    return str(absolute) if relative == ".." or relative.startswith(".." + os.sep) else relative


def _command(name: str) -> str:
    """How to type ``name`` (a script of this environment) in the user's shell."""
    installed = Path(sys.executable).parent / name
    on_path = shutil.which(name)
    if on_path and Path(on_path).resolve() == installed.resolve():
        return name
    return _shown(installed)


def _days(start: dt.date, end: dt.date) -> str:
    count = (end - start).days + 1
    return f"{count} day" if count == 1 else f"{count} days"


def _one_row(con: "duckdb.DuckDBPyConnection", query: str, parameters: object = None) -> tuple[Any, ...]:
    """The row of a query that always returns exactly one (an aggregate without GROUP BY)."""
    row = con.execute(query, parameters).fetchone()
    if row is None:
        raise RuntimeError(f"no row from a query that always returns one: {query}")
    return row


def _print_summary(
    data_dir: Path, start: dt.date, end: dt.date, elapsed: float, run_id: str, checks: str, digests: str | None = None
) -> None:
    import duckdb
    from rich.console import Console
    from rich.table import Table

    from ..warehouse import DataDir

    console = Console(soft_wrap=True)  # commands and paths stay on one line, whatever the width
    data = DataDir(data_dir)
    with duckdb.connect(str(data.analyst_db), read_only=True) as con:
        statuses = dict(
            con.execute(
                "SELECT status, count(*) FROM digest_files WHERE digest_date BETWEEN ? AND ? GROUP BY status",
                [start, end],
            ).fetchall()
        )
        loaded, quarantined = _one_row(
            con,
            "SELECT sum(parsed_count), sum(quarantined_count) FROM digest_files WHERE digest_date BETWEEN ? AND ?",
            [start, end],
        )
        objects = con.execute(
            "SELECT table_name, 'table' FROM duckdb_tables() WHERE NOT internal "
            "UNION ALL SELECT view_name, 'view' FROM duckdb_views() WHERE NOT internal ORDER BY 2, 1"
        ).fetchall()
        table = Table(title=f"Warehouse {data.analyst_db}", title_justify="left")
        for column in ("name", "kind", "rows"):
            table.add_column(column, justify="right" if column == "rows" else "left")
        for name, kind in objects:
            rows = _one_row(con, f'SELECT count(*) FROM "{name}"')[0]
            table.add_row(name, kind, f"{rows:,}")
    days = ", ".join(f"{statuses.get(s, 0)} {s}" for s in FILE_STATUSES)
    console.print(
        f"[bold]papertrend run[/] {start} .. {end} ({_days(start, end)}) in {elapsed:.1f} s, "
        f"one Dagster run {run_id[:8]}"
    )
    console.print(f"  days: {days}")
    console.print(
        f"  entries: {loaded or 0:,} loaded, {quarantined or 0:,} quarantined"
        + (" (see digest_quarantine)" if quarantined else "")
    )
    console.print(f"  checks: {checks}", markup=False)
    console.print(table)
    _print_enrichment(console, data.analyst_db, start, end)
    db = _shown(data.analyst_db)
    papertrend, python = _command("papertrend"), _command("python")
    data_option = "" if data.root == Path("data").resolve() else f" --data-dir {_shown(data.root)}"
    console.print("[bold]Query it[/]")
    console.print(
        f'  {papertrend} sql "SELECT * FROM daily_digest_summary ORDER BY digest_date DESC LIMIT 5"{data_option}'
    )
    console.print(f"  duckdb -readonly {db}        # DuckDB shell, if installed")
    console.print(
        f"  {papertrend} sql \"SELECT org_name, sum(appearances) AS n FROM org_trends WHERE period = 'month' "
        f'GROUP BY 1 ORDER BY n DESC LIMIT 10"{data_option}'
    )
    console.print(
        f'  {python} -c "import duckdb; '
        f"print(duckdb.connect('{db}', read_only=True).sql('FROM score_breakdown LIMIT 5').pl())\""
    )
    queries = _shown(Path(__file__).resolve().parents[1] / "warehouse" / "queries")
    console.print(f"  duckdb -readonly {db} < {queries}/top_orgs.sql   # more example queries in {queries}/")
    report = data.report_dir / "trend_report.html"
    if report.exists():
        console.print(f"[bold]Trend report[/] {_shown(report)}  (charts: {_shown(data.report_dir)}/*.png)")
    console.print("[bold]See it in Dagster[/]")
    digests_option = f" --digests {digests if '://' in digests else _shown(digests)}" if digests else ""
    console.print(f"  {papertrend} ui{digests_option}{data_option}   # then open http://127.0.0.1:3000")


def _print_enrichment(console, db: Path, start: dt.date, end: dt.date) -> None:
    import duckdb

    in_range = "SELECT DISTINCT arxiv_id FROM stg_digest_entries WHERE digest_date BETWEEN $start AND $end"
    list_days = (  # a list is fetched for every day from the first digest on, digest or not
        "SELECT strftime(digest_date, '%Y-%m-%d') FROM digest_files WHERE digest_date BETWEEN $start AND $end "
        "AND digest_date >= (SELECT min(digest_date) FROM digest_files WHERE status IN ('loaded', 'empty'))"
    )
    sources = {
        "arxiv": (
            "arXiv metadata: {} of {} papers",
            f"SELECT count(*), count(p.arxiv_id) FROM ({in_range}) e LEFT JOIN dim_paper p USING (arxiv_id)",
            f"s.key IN ({in_range}) AND s.key NOT IN (SELECT arxiv_id FROM dim_paper)",
        ),
        "hf_daily": (
            "Hugging Face daily lists: {} of {} days",
            "SELECT count(*), count(*) FILTER (WHERE s.status = 'ok') "
            f"FROM ({list_days}) d(key) LEFT JOIN enrichment_status s "
            "ON s.source = 'hf_daily' AND s.key = d.key",
            f"s.key IN ({list_days})",
        ),
    }
    params = {"start": start, "end": end}
    gaps = False
    with duckdb.connect(str(db), read_only=True) as con:
        for source, (label, totals, lacking_filter) in sources.items():
            total, done = _one_row(con, totals, params)
            console.print(f"  {label.format(f'{done:,}', f'{total:,}')}")
            lacking = con.execute(
                "SELECT s.status, coalesce(s.reason, ''), count(*) FROM enrichment_status s WHERE s.source = $source "
                f"AND s.status <> 'ok' AND {lacking_filter} GROUP BY ALL ORDER BY 3 DESC LIMIT 5",
                {**params, "source": source},
            ).fetchall()
            for status, reason, count in lacking:
                console.print(f"    {count:,} {status}: {reason}", markup=False)
            gaps = gaps or bool(lacking)
        repos, histories = _one_row(
            con,
            "SELECT count(DISTINCT b.repo_id), count(DISTINCT s.repo_id) FROM bridge_paper_repo b "
            "LEFT JOIN repo_history_sync s USING (repo_id) WHERE b.arxiv_id IN (" + in_range + ")",
            params,
        )
        github_gaps = con.execute(
            "SELECT status, coalesce(reason, ''), count(*) FROM enrichment_status WHERE source LIKE 'github%' "
            "AND status IN ('pending', 'error') GROUP BY ALL ORDER BY 3 DESC LIMIT 3"
        ).fetchall()
    note = "" if repos else " (repositories are found through Hugging Face and arXiv data)"
    console.print(f"  GitHub: {repos:,} repositories linked, {histories:,} star histories{note}")
    for status, reason, count in github_gaps:
        console.print(f"    {count:,} {status}: {reason}", markup=False)
    if gaps or github_gaps:
        console.print("  (a later run asks again for everything pending or failed: see enrichment_status)")


def _json_default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def cmd_parse(args) -> int:
    from ..schemas import STG_DIGEST_ENTRIES
    from ..transforms.digest_parser import parse_digest
    from ..transforms.discovery import date_from_path, discover_digests

    files: list[Path] = []  # each named as the user gave it: a file as typed, a folder's files under it
    for path in args.paths:
        if path.is_dir():
            root = path.resolve()
            files += [path / s.relative_to(root) for source in discover_digests(path).values() for s in source.paths]
        elif path.is_file():
            files.append(path)
        else:
            raise CliError(f"{path}: no such file or folder")
    columns = [c.name for c in STG_DIGEST_ENTRIES.columns]
    out = sys.stdout
    results = []
    for file in files:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CliError(f"{file}: cannot read ({exc.strerror})") from None
        results.append(parse_digest(data, file.as_posix(), date_from_path(file)))
    if args.format == "jsonl":
        for result in results:
            for entry in result.entries:
                out.write(json.dumps({c: entry[c] for c in columns}, ensure_ascii=False, default=_json_default) + "\n")
        for result in results:
            for row in result.quarantine:
                out.write(json.dumps({**row, "quarantined": True}, ensure_ascii=False, default=_json_default) + "\n")
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    for result in results:
        table = Table(
            title=escape(
                f"{result.source_path}: {result.status}, {len(result.entries)} entries, "
                f"{len(result.quarantine)} quarantined"
            )
        )
        for column in ("rank", "🏆", "arxiv_id", "score", "org", "title"):
            table.add_column(column)
        for e in result.entries:
            cells = (
                str(e["rank"]),
                "🏆" if e["is_golden"] else "",
                e["arxiv_id"],
                f"{e['score']:g}",
                e["org_raw"] or "",
                e["title_en"],
            )
            table.add_row(*(escape(c) for c in cells))
        console.print(table)
        for row in result.quarantine:
            console.print(f"quarantined line {row['source_line']}: {row['reason']}", markup=False)
    return 0


def _built_data_dir(data_dir: Path | None):
    """The data dir (option, environment or default) whose analyst database exists."""
    from ..warehouse import DataDir

    data = DataDir(_data_dir(data_dir))
    if not data.analyst_db.exists():
        raise CliError(f"no warehouse at {data.analyst_db}: run `papertrend run` first")
    return data


def cmd_sql(args) -> int:
    import duckdb

    db = _built_data_dir(args.data_dir).analyst_db
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            relation = con.sql(args.query)
            if relation is None:
                return 0
            columns = relation.columns
            rows = relation.fetchall()
    except duckdb.Error as exc:
        print(f"papertrend sql: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(
            json.dumps(
                [dict(zip(columns, row, strict=True)) for row in rows], ensure_ascii=False, default=str, indent=1
            )
        )
    elif args.format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        sys.stdout.write(buffer.getvalue())
    else:
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        table = Table(*(escape(c) for c in columns))
        for row in rows:
            table.add_row(*("NULL" if v is None else escape(str(v)) for v in row))
        # Piped or in a script there is no terminal width to fit: rich would assume 80 columns and
        # cut values to "2026-0…". Lay the table out at its natural width instead.
        console = Console()
        if not console.is_terminal:
            natural = Console(width=1_000_000).measure(table).maximum
            console = Console(width=max(80, natural))
        console.print(table)
        print(f"({len(rows)} rows)")
    return 0


RENDER_COLUMNS = "rank, is_golden, title_en, arxiv_id, org_raw, score, tags, upvotes, stars"


def cmd_render(args) -> int:
    import duckdb

    from ..transforms.render import render_digest

    db = _built_data_dir(args.data_dir).analyst_db
    with duckdb.connect(str(db), read_only=True) as con:
        [(status,)] = con.execute(
            "SELECT coalesce(max(status), 'absent') FROM digest_files WHERE digest_date = ?", [args.date]
        ).fetchall()
        table = "fct_derived_selection" if status == "derived" else "stg_digest_entries"
        relation = con.sql(f"SELECT {RENDER_COLUMNS} FROM {table} WHERE digest_date = ?", params=[args.date])
        entries = [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]
        derived_by = None
        if status == "derived":
            [(derived_by,)] = con.execute(
                "SELECT any_value(derivation) FROM fct_derived_selection WHERE digest_date = ?", [args.date]
            ).fetchall()
            derived_by = derived_by or "the formula picked no paper from the day's list"
    if status not in ("loaded", "empty", "derived"):
        raise CliError(f"{args.date}: no digest in the warehouse, and none derived (digest_files says {status})")
    text = render_digest(args.date, entries, derived_by)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        kind = "derived entries" if derived_by else "entries"
        print(f"{args.date}: {len(entries)} {kind} written to {args.out}")
    return 0


def cmd_report(args) -> int:
    data = _built_data_dir(args.data_dir)
    from ..warehouse.report import build_report

    with data.write_lock():
        report = build_report(data.analyst_db, data.report_dir)
    print(f"report: {report.html_path}")
    for name, path in report.charts.items():
        print(f"chart {name}: {path}")
    if args.open:
        import webbrowser

        if not webbrowser.open(report.html_path.as_uri()):
            print("no web browser found: open the file above yourself", file=sys.stderr)
    return 0


def cmd_ui(args) -> int:
    """The webserver and the daemon on this data dir, sharing one code server: what ``dagster dev`` starts, without
    its supersession warning (Dagster 1.13 points to ``dg dev``, a separate tool), and without the code server the
    daemon would otherwise start anew every minute (each old one logging "No heartbeat received" as it goes)."""
    from .launch import CodeServer

    data_dir = _data_dir(args.data_dir)
    home = _prepare_instance(data_dir)
    from .instance import get_instance

    get_instance()  # storage created (and a team instance's pools set) once, before the processes open it
    env = _code_location_env(args.digests, data_dir, args.offline)
    print(f"Dagster UI at http://{args.host}:{args.port}  (instance {home}); Ctrl-C stops it", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))  # stop them with the parent
    with CodeServer(env, settings.REPO_ROOT, reloadable=True) as server:
        server.start(["dagster-webserver", "-w", str(server.workspace), "-h", args.host, "-p", str(args.port)])
        server.start_daemon()
        while all(process.poll() is None for process in server.processes):  # one ending ends the UI
            time.sleep(0.5)
        return next(process.returncode for process in server.processes if process.returncode is not None)


def serve_command(role: str, host: str, port: int | None, code_server: str | None) -> list[str]:
    """The Dagster command line for one process of a team deployment."""
    if role == "code-server":
        return ["dagster", "code-server", "start", "-m", settings.MODULE, "-h", host, "-p", str(port or 4000)]
    if code_server:
        code_host, _, code_port = code_server.rpartition(":")
        if not code_host or not code_port.isdigit():
            raise CliError(f"--code-server {code_server!r}: expected HOST:PORT")
        location = ["--grpc-host", code_host, "--grpc-port", code_port]
    else:
        location = ["-m", settings.MODULE]  # the process starts a code server of its own
    if role == "webserver":
        return ["dagster-webserver", *location, "-h", host, "-p", str(port or 3000)]
    return ["dagster-daemon", "run", *location]


def cmd_serve(args) -> int:
    data_dir = _data_dir(args.data_dir)
    home = _prepare_instance(data_dir)
    from .instance import get_instance

    get_instance()
    command = serve_command(args.role, args.host, args.port, args.code_server)
    executable = Path(sys.executable).parent / command[0]
    print(f"papertrend serve {args.role}: {' '.join(command)}  (instance {home})", flush=True)
    env = _code_location_env(args.digests, data_dir, args.offline)
    return subprocess.call([str(executable), *command[1:]], cwd=settings.REPO_ROOT, env=env)


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        commands = {"run": cmd_run, "parse": cmd_parse, "sql": cmd_sql, "report": cmd_report, "render": cmd_render}
        return (commands | {"ui": cmd_ui, "serve": cmd_serve})[args.command](args)
    except CliError as exc:
        print(f"papertrend: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
