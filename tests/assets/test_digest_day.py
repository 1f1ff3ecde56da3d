"""digest_day on a temporary lake through dagster.materialize: a range of days in one run, a bad entry's way into
quarantine and into the day's check, and a re-materialized day that replaces itself. All digests are SYNTHETIC."""

import datetime as dt
import logging

import dagster as dg
import polars as pl
import pytest

from papertrend.orchestration.ingest.assets import DAY_CHECK, build_day_assets
from papertrend.orchestration.resources import EnrichmentConfig, PapertrendConfig
from tests.synthetic import Entry, synthetic_entries, write_digest

DAYS = dg.DailyPartitionsDefinition(start_date="2026-02-01")
FIRST, BAD, LAST = dt.date(2026, 2, 2), dt.date(2026, 2, 3), dt.date(2026, 2, 4)


@pytest.fixture
def lake_world(tmp_path):
    root, data = tmp_path / "digests", tmp_path / "data"
    for day in (FIRST, LAST):
        write_digest(root, day, synthetic_entries(day, 3))
    entries = synthetic_entries(BAD, 3)
    entries[1] = Entry(arxiv_id="2602.00902", title="Synthetic Bad Score", score="6x.5")
    write_digest(root, BAD, entries)
    resources = {
        "papertrend": PapertrendConfig(digests_dir=str(root), data_dir=str(data)),
        "enrichment": EnrichmentConfig(offline=True),
    }
    return root, data, resources


def _materialize(instance, resources, start: dt.date, end: dt.date) -> dg.ExecuteInProcessResult:
    [day, _tables] = build_day_assets(DAYS)
    return dg.materialize(
        [day],
        resources=resources,
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": start.isoformat(),
            "dagster/asset_partition_range_end": end.isoformat(),
        },
    )


def _partition(data, table: str, day: dt.date) -> pl.DataFrame:
    return pl.read_parquet(data / "lake" / table / f"digest_date={day}" / "data.parquet")


def _lake(data) -> dict[str, pl.DataFrame]:
    return {str(p.relative_to(data / "lake")): pl.read_parquet(p) for p in (data / "lake").rglob("data.parquet")}


def test_a_range_in_one_run_quarantines_the_bad_entry_and_its_check_says_where(lake_world):
    root, data, resources = lake_world
    with dg.instance_for_test() as instance:
        result = _materialize(instance, resources, FIRST, LAST)
        assert result.success
        # one materialization and one check result per day, in one run
        materialized = sorted(m.partition for m in result.asset_materializations_for_node("digest_day"))
        assert materialized == [FIRST.isoformat(), BAD.isoformat(), LAST.isoformat()]
        checks = {e.partition: e for e in result.get_asset_check_evaluations() if e.check_name == DAY_CHECK}
        assert set(checks) == set(materialized)
        assert checks[FIRST.isoformat()].passed and checks[LAST.isoformat()].passed
        # the run's log says nothing about checks "not yielded": they were reported, and nothing above INFO
        logged = [r.event_log_entry for r in instance.get_records_for_run(result.run_id).records]
        messages = [e.user_message for e in logged if not e.is_dagster_event]
        assert messages and not [m for m in messages if "did not yield" in m]
        assert not [e.user_message for e in logged if e.level >= logging.WARNING]

    # nothing lost: two entries loaded, the third held in quarantine with its file, line and field
    assert _partition(data, "stg_digest_entries", BAD).height == 2
    [row] = _partition(data, "digest_quarantine", BAD).rows(named=True)
    assert (row["source_path"], row["source_line"], row["reason"]) == (
        f"output/{BAD}/papers/papers_summary.md",
        17,
        "score (line 21): '6x.5' is not a number",
    )
    # the bad day's check says in one line what it found and where; a quarantined entry is the digest's fault,
    # so a warning, not an error
    bad = checks[BAD.isoformat()]
    assert not bad.passed and bad.severity == dg.AssetCheckSeverity.WARN
    assert bad.description == (
        f"{BAD}: 1 of 2 checks passed; entries_loaded: 2 of 3 entries loaded; 1 quarantined in "
        f"output/{BAD}/papers/papers_summary.md: line 17: score (line 21): '6x.5' is not a number"
    )


def test_a_day_materialized_again_replaces_itself(lake_world):
    root, data, resources = lake_world
    with dg.instance_for_test() as instance:
        assert _materialize(instance, resources, FIRST, LAST).success
        before = _lake(data)
        write_digest(root, LAST, synthetic_entries(LAST, 5))  # the last day published again, with more papers
        assert _materialize(instance, resources, LAST, LAST).success
        after = _lake(data)
    assert set(after) == set(before)  # the same partitions: no second copy of the day
    changed = {path for path in after if not after[path].equals(before[path])}
    assert changed and all(f"digest_date={LAST}" in path for path in changed), changed
    assert _partition(data, "stg_digest_entries", LAST).height == 5
