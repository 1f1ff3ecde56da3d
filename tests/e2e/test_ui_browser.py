"""The Dagster UI in a real browser: Debian's Chromium (/usr/bin/chromium) driven by playwright, against
`papertrend ui` (webserver + daemon) on 127.0.0.1. SYNTHETIC digests only.

With `papertrend ui` up, a Friday-to-Monday range is backfilled by the CLI (its run queued for the UI's daemon);
then, as a person would:
(a) the asset catalog lists every asset of the code location with its group,
(b) the per-day check's Partitions tab shows every CLI-backfilled day Passed, weekend included, none red,
(c) "Materialize all…" on papertrend_job's page backfills three more days, as one run of the job, into the analyst
    warehouse, and a failing day's check says what failed and where,
(d) the CLI's run is re-executed from its page, and both runs are on the job's page and the Overview timeline.

Playwright never downloads a browser here: it launches the system Chromium (`apt-get install -y chromium`,
which .ci/run does as root) and the test skips when that or the playwright module is missing.
Screenshots of each step go to $PAPERTREND_ARTIFACTS when set, else to the test's tmp folder (kept after a failing
run); their paths are printed, and a failing test adds one of the page as it was.
"""

import datetime as dt
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import requests

from tests.conftest import query
from tests.services import papertrend_ui
from tests.synthetic import synthetic_entries, write_digest

pytestmark = pytest.mark.slow

# SYNTHETIC digests, 2 + i entries each: Friday 2026-01-30, then Monday 2026-02-02 to Thursday (none at the weekend)
DAYS = [dt.date(2026, 1, 30)] + [dt.date(2026, 2, 2) + dt.timedelta(days=i) for i in range(4)]
CLI_RANGE = [dt.date(2026, 1, 30) + dt.timedelta(days=i) for i in range(4)]  # Friday to Monday, by `papertrend run`
UI_DAYS = DAYS[2:]  # backfilled from the UI's Materialize dialog
BAD_DAY = UI_DAYS[1]  # one of its entries is quarantined
CHECKED_ASSET, CHECK = "digest_day", "day_checks"
RED = ("Execution Failed", "Failed", "Skipped")  # what the Partitions tab draws red

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in a container
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"
STATUSES = ("Execution Failed", "Failed", "In Progress", "Missing", "Skipped", "Passed")

RUNS = """
query {
  runsOrError(limit: 50) { ... on Runs { results { runId jobName status tags { key value } } } }
}"""
LOCATION, JOB = "papertrend.orchestration.definitions", "papertrend_job"


@dataclass
class Ui:
    url: str
    data: Path
    page: object  # playwright.sync_api.Page
    shots: Path
    log: Path

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")
        return path

    def goto(self, path: str) -> None:
        self.page.goto(f"{self.url}{path}")
        self.page.wait_for_load_state("networkidle")
        dismiss_community_popup(self.page)


def dismiss_community_popup(page, wait_ms: int = 0) -> None:
    """Dagster's "Join the Dagster community" dialog, shown once per browser profile: Skip it."""
    skip = page.get_by_role("dialog").get_by_role("button", name="Skip", exact=True)
    try:
        skip.wait_for(state="visible", timeout=wait_ms or 1)
    except Exception:  # playwright's TimeoutError: no pop-up
        return
    skip.click()
    skip.wait_for(state="hidden")


def expected_assets() -> dict[str, str]:
    """Every asset key of the code location -> its group, from the definitions themselves (not a list kept here)."""
    from papertrend.orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    return {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}


def graphql(url: str, document: str, variables: dict) -> dict:
    response = requests.post(f"{url}/graphql", json={"query": document, "variables": variables}, timeout=30)
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def _environment(digests: Path, data: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not (k.startswith("PAPERTREND_") and k != "PAPERTREND_NOW") and k != "DAGSTER_HOME"
    }
    env.update(
        PAPERTREND_DIGESTS_DIR=str(digests),
        PAPERTREND_DATA_DIR=str(data),
        PAPERTREND_PARTITIONS_START="2026-01-29",  # ~300 partitions up to yesterday rather than ~330
        PAPERTREND_OFFLINE="1",  # enrichment records its gaps; nothing leaves the machine
    )
    return env


def _wait_for_the_daemon(data: Path, timeout_s: float = 60) -> None:
    """Until the UI's daemon serves the instance's run queue (its first heartbeat)."""
    import dagster as dg

    from papertrend.orchestration.launch import queue_daemon_alive

    deadline = time.monotonic() + timeout_s
    with dg.DagsterInstance.from_config(str(data / "dagster_home")) as instance:
        while not queue_daemon_alive(instance):
            assert time.monotonic() < deadline, f"no daemon heartbeat in {timeout_s} s"
            time.sleep(0.5)


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    """SYNTHETIC digests, Friday to Monday backfilled by the CLI, `papertrend ui` running, and a Chromium page."""
    if not CHROMIUM.exists():
        pytest.skip(f"no {CHROMIUM}: `apt-get install -y chromium` (Debian's; .ci/run installs it as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("no playwright module: `.venv/bin/python -m pip install -c constraints.txt -e '.[dev]'`")

    tmp = tmp_path_factory.mktemp("ui_browser")
    digests, data = tmp / "digests", tmp / "data"
    for day in DAYS:
        entries = synthetic_entries(day, 2 + DAYS.index(day))
        if day == BAD_DAY:  # one entry's score is not a number: quarantined, and the day's check says where
            entries[1] = replace(entries[1], score="6x.5")
        write_digest(digests, day, entries)
    shots = Path(os.environ.get("PAPERTREND_ARTIFACTS") or tmp / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    env = _environment(digests, data)
    papertrend = Path(sys.executable).parent / "papertrend"

    command = [papertrend, "run", "--offline", "--no-progress", "--digests", digests, "--data-dir", data]
    log = tmp / "dagster-dev.log"
    with papertrend_ui(["--digests", digests, "--data-dir", data], env, tmp, log) as (url, _):
        # Friday to Monday by `papertrend run` while the UI is up: queued for the UI's own daemon
        _wait_for_the_daemon(data)
        cli = subprocess.run(
            [*command, "--start", CLI_RANGE[0].isoformat(), "--end", CLI_RANGE[-1].isoformat()],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert cli.returncode == 0, cli.stdout + cli.stderr
        assert "queued for the daemon already serving this instance" in cli.stderr, cli.stderr
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                user_data_dir=str(tmp / "chromium-profile"),
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": 1600, "height": 1000},
            )
            try:
                context.set_default_timeout(30_000)
                page = context.pages[0] if context.pages else context.new_page()
                page.goto(f"{url}/assets")
                page.wait_for_load_state("networkidle")
                dismiss_community_popup(page, wait_ms=10_000)  # first visit of a new profile
                yield Ui(url, data, page, shots, log)
            finally:
                context.close()


@pytest.fixture(autouse=True)
def shot_on_failure(request):
    """A failing browser test leaves a screenshot of the page as it was when it failed."""
    yield
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed and "ui" in request.fixturenames:
        request.getfixturevalue("ui").shot(f"failed-{request.node.name}")


# The catalog table is virtualised: only the rows in view exist in the page. For each row in view, the asset
# (its link to /assets/<key> and the name it shows) and the group link beside it.
ROWS_IN_VIEW = """() => {
  const out = [];
  for (const group of document.querySelectorAll('a[href*="/asset-groups"]')) {
    let row = group.parentElement;
    while (row && row.querySelectorAll('a[href^="/assets/"]').length === 0) row = row.parentElement;
    const asset = row && row.querySelector('a[href^="/assets/"]');
    if (!asset) continue;
    const box = asset.getBoundingClientRect();
    if (box.height === 0 || box.bottom <= 0 || box.top >= window.innerHeight) continue;
    const shown = asset.querySelector('[title]');
    out.push({
      key: decodeURIComponent(asset.getAttribute('href').slice('/assets/'.length)),
      name: shown ? shown.getAttribute('title') : asset.innerText.trim(),
      group: group.innerText.trim(),
    });
  }
  return out;
}"""


def test_catalog_lists_every_asset_with_its_group(ui):
    # papertrend ui starts quietly: no superseded, preview or beta warning from the webserver, daemon or code server
    assert [line for line in ui.log.read_text().splitlines() if "Warning" in line] == []
    expected = expected_assets()
    ui.goto("/assets")
    first = ui.page.locator('a[href^="/assets/"]').first
    first.wait_for(state="visible")
    ui.shot("a1-catalog")

    seen: dict[str, tuple[str, str]] = {}
    box = first.bounding_box()
    ui.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    unchanged = 0
    for _ in range(200):  # scroll the table down until two scrolls bring no new row
        before = len(seen)
        for row in ui.page.evaluate(ROWS_IN_VIEW):
            seen[row["key"]] = (row["name"], row["group"])
        unchanged = unchanged + 1 if len(seen) == before else 0
        if unchanged >= 2:
            break
        ui.page.mouse.wheel(0, 400)
        ui.page.wait_for_timeout(300)
    ui.shot("a2-catalog-scrolled")
    print(f"catalog: {len(seen)} assets seen, {len(expected)} in the definitions")

    wrong = {
        key: {"expected group": group, "shown (name, group)": seen.get(key)}
        for key, group in sorted(expected.items())
        if seen.get(key) != (key, group)
    }
    assert not wrong, f"assets missing from the catalog or shown without their group: {wrong}; seen: {seen}"


def _status_counts(page) -> tuple[str, dict[str, int]]:
    """The Partitions tab's status bar: ("N Partitions Selected | Missing (n) | ...", {status: n})."""
    text = page.locator("body").inner_text()
    selected = re.search(r"^(\d+) Partitions? Selected$", text, re.M)
    counts = {m[1]: int(m[2]) for m in re.finditer(rf"^({'|'.join(STATUSES)}) \((\d+)\)$", text, re.M)}
    shown = " | ".join(
        [selected[0] if selected else "(no selection count)"] + [f"{s} ({counts.get(s)})" for s in STATUSES]
    )
    counts["selected"] = int(selected[1]) if selected else -1
    return shown, counts


def _wait_for_counts(page, settle_s: float = 10) -> tuple[str, dict[str, int]]:
    page.get_by_text(re.compile(r"^\d+ Partitions? Selected$")).first.wait_for(state="visible")
    page.get_by_text(re.compile(r"^Passed \(\d+\)$")).filter(visible=True).first.wait_for()
    deadline = time.monotonic() + settle_s  # counts fill in as the statuses load: take them once they are steady
    shown, counts = _status_counts(page)
    while time.monotonic() < deadline:
        page.wait_for_timeout(1000)
        again = _status_counts(page)
        if again == (shown, counts) and counts.get("Passed"):
            break
        shown, counts = again
    return shown, counts


def _open_check_partitions(ui) -> tuple[str, dict[str, int]]:
    """The per-day check's Partitions tab, all partitions: its status bar once steady."""
    ui.goto(f"/assets/{CHECKED_ASSET}?view=checks&checkDetail={CHECK}")
    ui.page.locator("button[role=tab]#partitions").click()
    return _wait_for_counts(ui.page)


def _open_day(ui, day: str) -> tuple[str, dict[str, int]]:
    """The Partitions tab filtered to ``day``, its evaluation opened on the right: the filtered status bar."""
    ui.page.get_by_placeholder("Filter by partition…").fill(day)
    shown = _wait_for_counts(ui.page, settle_s=3)
    ui.page.get_by_text(day, exact=True).filter(visible=True).first.click()
    return shown


def test_check_partitions_tab_shows_the_backfilled_day_passed(ui):
    from dagster import AssetCheckKey, AssetKey

    from papertrend.orchestration.definitions import defs

    assert AssetCheckKey(AssetKey(CHECKED_ASSET), CHECK) in defs.resolve_asset_graph().asset_check_keys
    all_shown, all_counts = _open_check_partitions(ui)
    ui.shot("b1-check-partitions")
    print(f"{CHECKED_ASSET}:{CHECK} Partitions tab, all partitions: {all_shown}")

    # Friday to Monday as the CLI loaded it: the two digest days and the weekend without one all Passed, none red
    assert all_counts.get("Passed") == len(CLI_RANGE), all_shown
    assert not any(all_counts.get(status) for status in RED), all_shown
    assert all_counts.get("Missing", 0) == all_counts["selected"] - len(CLI_RANGE), all_shown

    day = CLI_RANGE[1].isoformat()  # Saturday: no digest
    day_shown, day_counts = _open_day(ui, day)
    try:  # what the panel says of the day's evaluation: informative, not asserted on
        label = ui.page.get_by_text("Target materialization", exact=True).first
        label.wait_for(state="visible", timeout=15_000)
        detail = label.locator("xpath=../../..").inner_text()
    except Exception as error:  # playwright's TimeoutError
        detail = f"(no evaluation panel: {type(error).__name__})"
    ui.shot("b2-check-partitions-weekend-day")
    print(f"filtered to {day}: {day_shown}")
    print(f"{day}'s evaluation panel: {' | '.join(line for line in detail.splitlines() if line.strip())}")
    assert (day_counts["selected"], day_counts.get("Passed"), day_counts.get("Missing")) == (1, 1, 0), (
        f"{day} filtered: {day_shown}; all partitions: {all_shown}; evaluation panel: {detail!r}"
    )


def test_a_three_day_backfill_from_the_job_page_is_one_run_of_papertrend_job(ui):
    page = ui.page
    ui.goto(f"/locations/{LOCATION}/jobs/{JOB}")  # Jobs -> papertrend_job, where README says to launch a range
    page.get_by_role("button", name=re.compile(r"Materialize all")).first.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Partition selection").wait_for(state="visible")
    # By default the dialog offers only the last 90 days; its "Show all partitions" link appears a moment after the
    # dialog does, once the partitions have loaded.
    show_all = dialog.get_by_role("button", name="Show all partitions")
    try:
        show_all.wait_for(state="visible", timeout=15_000)
    except Exception:  # playwright's TimeoutError: fewer than 90 partitions, all shown already
        pass
    else:
        show_all.click()
        show_all.wait_for(state="hidden")
    span = f"[{UI_DAYS[0].isoformat()}...{UI_DAYS[-1].isoformat()}]"
    partitions = dialog.locator("input[type=text]").first
    partitions.fill(span)
    partitions.press("Enter")
    dialog.get_by_text(f"{len(UI_DAYS)} partitions", exact=True).wait_for(state="visible")
    assert partitions.input_value() == span
    ui.shot("c1-materialize-dialog")
    before = {run["runId"] for run in graphql(ui.url, RUNS, {})["runsOrError"]["results"]}
    dialog.get_by_role("button", name="Launch backfill").click()
    clicked = time.monotonic()

    toast = page.get_by_text(re.compile(r"Created backfill \w+"))
    toast.wait_for(state="visible")
    backfill_id = re.search(r"Created backfill (\w+)", toast.inner_text())[1]
    ui.shot("c2-backfill-launched")
    # What the user waits for: the daemon's next backfill round (Dagster runs one every 30 s), the run queue (looked
    # at every second), the run's process, the run. Measured and printed, never asserted (README gives the spread).
    while time.monotonic() - clicked < 300:
        runs = [r for r in graphql(ui.url, RUNS, {})["runsOrError"]["results"] if r["runId"] not in before]
        if runs and all(r["status"] in ("SUCCESS", "FAILURE", "CANCELED") for r in runs):
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"backfill {backfill_id}: no finished run after 300 s; {ui.log.read_text()[-3000:]}")
    print(f"backfill {backfill_id}: click to its run's end: {time.monotonic() - clicked:.1f} s")
    ui.goto(f"/runs/b/{backfill_id}")
    page.get_by_text("Succeeded").first.wait_for(state="visible")
    ui.shot("c3-backfill-page")

    # Launched from the job: ONE run of papertrend_job for the three days, every asset in it, with the run-queue tag
    [run] = runs
    tags = {t["key"]: t["value"] for t in run["tags"]}
    assert (run["jobName"], run["status"]) == (JOB, "SUCCESS"), run
    assert (tags.get(RANGE_START), tags.get(RANGE_END)) == (UI_DAYS[0].isoformat(), UI_DAYS[-1].isoformat()), tags
    assert tags.get("dagster/backfill") == backfill_id and tags.get("papertrend/lake") == "write", tags
    rows = query(
        ui.data / "warehouse.duckdb",
        "SELECT digest_date, count(*) FROM stg_digest_entries GROUP BY ALL ORDER BY 1",
    )
    # nothing in the UI's own log reads as a problem: the daemon and the webserver share one code server, so none
    # is replaced every minute with a "No heartbeat received" warning
    alarming = [line for line in ui.log.read_text().splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL)\b", line)]
    assert alarming == [], alarming[:5]
    # the CLI's day kept, the UI's three added, one entry of BAD_DAY in quarantine
    assert rows == [(day, 2 + DAYS.index(day) - (day == BAD_DAY)) for day in DAYS]

    # the failing day's check, as a user reads it: what failed, where (file, line, field), by how much
    _open_check_partitions(ui)
    _open_day(ui, BAD_DAY.isoformat())
    explained = ui.page.get_by_text(re.compile(rf"^{BAD_DAY}: 1 of \d+ checks passed; entries_loaded: ")).first
    explained.wait_for(state="visible")
    ui.shot("c4-failing-check-explained")
    line = explained.inner_text()
    print(f"{BAD_DAY}'s check: {line}")
    listed = 2 + DAYS.index(BAD_DAY)
    path = f"output/{BAD_DAY}/papers/papers_summary.md"
    assert re.search(
        rf"entries_loaded: {listed - 1} of {listed} entries loaded; 1 quarantined in {re.escape(path)}: "
        r"line \d+: score \(line \d+\): '6x\.5' is not a number",
        line,
    ), line


def _wait_for_run(ui, run_id: str, timeout_s: float = 180) -> dict:
    """A run's GraphQL record once it has ended."""
    document = """query ($id: ID!) { runOrError(runId: $id) { ... on Run {
      runId jobName status runConfigYaml tags { key value } } } }"""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        run = graphql(ui.url, document, {"id": run_id})["runOrError"]
        if run.get("status") in ("SUCCESS", "FAILURE", "CANCELED"):
            return run
        time.sleep(0.5)
    pytest.fail(f"run {run_id} did not end within {timeout_s} s; {ui.log.read_text()[-3000:]}")


def test_the_cli_run_is_re_executed_from_its_page_and_listed_with_its_job(ui):
    page = ui.page
    runs = graphql(ui.url, RUNS, {})["runsOrError"]["results"]
    [cli_run] = [r for r in runs if {"key": "papertrend/launched_by", "value": "cli"} in r["tags"]]
    ui.goto(f"/runs/{cli_run['runId']}")
    page.get_by_text(f"Run of {JOB}").first.wait_for(state="visible")  # a run of the job in the code location
    button = page.get_by_role("button", name=re.compile(r"^Re-execute all"))
    button.wait_for(state="visible")
    ui.shot("d1-cli-run")
    button.click()
    page.wait_for_url(re.compile(r"/runs/(?!" + cli_run["runId"] + r")[0-9a-f-]{36}"))
    child_id = re.search(r"/runs/([0-9a-f-]{36})", page.url)[1]
    child = _wait_for_run(ui, child_id)
    page.get_by_text("Success").first.wait_for(state="visible")
    ui.shot("d2-re-execution")
    print(f"re-executed {cli_run['runId']} as {child_id}: {child['status']}")

    # the same job over the same days with the same settings (the run config the CLI launched with)
    parent = _wait_for_run(ui, cli_run["runId"])
    tags = {t["key"]: t["value"] for t in child["tags"]}
    parent_tags = {t["key"]: t["value"] for t in parent["tags"]}
    assert (child["jobName"], child["status"]) == (JOB, "SUCCESS"), child
    assert tags["dagster/parent_run_id"] == cli_run["runId"] and tags.get("papertrend/lake") == "write", tags
    assert (tags[RANGE_START], tags[RANGE_END]) == (parent_tags[RANGE_START], parent_tags[RANGE_END])
    assert child["runConfigYaml"] == parent["runConfigYaml"] and str(ui.data) in parent["runConfigYaml"]

    # both on the job's page, and the job on the Overview timeline
    ui.goto(f"/locations/{LOCATION}/jobs/{JOB}/runs")
    for run_id in (cli_run["runId"], child_id):
        page.get_by_text(run_id[:8], exact=True).first.wait_for(state="visible")
    ui.shot("d3-job-runs")
    ui.goto("/overview/activity/timeline")
    page.get_by_text(JOB, exact=True).first.wait_for(state="visible")
    ui.shot("d4-overview-timeline")
