"""The one reach into ``dagster._`` (orchestration/checks.py) still does what Dagster's check Partitions tab needs.

If a Dagster upgrade moves or reshapes AssetCheckEvaluationTargetMaterializationData, this file fails first,
and by name; every other per-day check test would only show days as "Missing".
"""

import dagster as dg

from papertrend.orchestration.checks import require_whole_selection, targeting_latest

DAYS = dg.DailyPartitionsDefinition(start_date="2026-01-01")


@dg.multi_asset(
    specs=[dg.AssetSpec("synthetic_day_table", partitions_def=DAYS)],
    check_specs=[dg.AssetCheckSpec("rows_positive", asset="synthetic_day_table", partitions_def=DAYS)],
    partitions_def=DAYS,
    backfill_policy=dg.BackfillPolicy.single_run(),
    can_subset=True,
)
def synthetic_days(context: dg.AssetExecutionContext):
    for key in context.partition_keys:
        context.add_asset_metadata({"rows": int(key[-2:])}, partition_key=key)
    yield dg.MaterializeResult(asset_key="synthetic_day_table")
    yield from targeting_latest(
        context,
        [
            dg.AssetCheckEvaluation(
                asset_key=dg.AssetKey("synthetic_day_table"),
                check_name="rows_positive",
                passed=key != "2026-01-03",
                partition=key,
            )
            for key in context.partition_keys
        ],
    )


@dg.multi_asset(
    specs=[dg.AssetSpec("synthetic_whole_a"), dg.AssetSpec("synthetic_whole_b")],
    check_specs=[dg.AssetCheckSpec("ok", asset="synthetic_whole_a")],
    can_subset=True,
)
def synthetic_whole(context: dg.AssetExecutionContext):
    require_whole_selection(context, ["synthetic_whole_a", "synthetic_whole_b"])
    yield dg.MaterializeResult(asset_key="synthetic_whole_a")
    yield dg.MaterializeResult(asset_key="synthetic_whole_b")
    yield from targeting_latest(
        context, [dg.AssetCheckEvaluation(asset_key=dg.AssetKey("synthetic_whole_a"), check_name="ok", passed=True)]
    )


def _run(instance, start, end, selection=None):
    defs = dg.Definitions(assets=[synthetic_days, synthetic_whole])
    job = dg.define_asset_job("j", selection=selection or dg.AssetSelection.all()).resolve(
        asset_graph=defs.resolve_asset_graph()
    )
    return job.execute_in_process(
        instance=instance,
        tags={"dagster/asset_partition_range_start": start, "dagster/asset_partition_range_end": end},
        raise_on_error=False,
    )


def _partition_info(instance, asset, check):
    key = dg.AssetCheckKey(dg.AssetKey(asset), check)
    return {i.partition_key: i for i in instance.event_log_storage.get_asset_check_partition_info([key])}


def test_each_days_result_targets_that_days_materialization(tmp_path):
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        assert _run(instance, "2026-01-01", "2026-01-04").success
        days = _partition_info(instance, "synthetic_day_table", "rows_positive")
        assert sorted(days) == ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"]
        assert all(info.is_current for info in days.values())
        assert days["2026-01-03"].latest_execution_status.value == "FAILED"
        assert days["2026-01-01"].latest_execution_status.value == "SUCCEEDED"
        # a re-run of two days: their results move to the new materializations, the others stay current
        assert _run(instance, "2026-01-02", "2026-01-03").success
        again = _partition_info(instance, "synthetic_day_table", "rows_positive")
        assert all(info.is_current for info in again.values())
        for day in ("2026-01-02", "2026-01-03"):
            assert (
                again[day].latest_target_materialization_storage_id > days[day].latest_target_materialization_storage_id
            )
        [whole] = _partition_info(instance, "synthetic_whole_a", "ok").values()
        assert whole.partition_key is None and whole.is_current


def test_a_subset_of_tables_that_go_together_fails_and_says_why(tmp_path):
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        result = _run(instance, "2026-01-01", "2026-01-01", selection=dg.AssetSelection.assets("synthetic_whole_a"))
        assert not result.success
        [failure] = [e for e in result.all_events if e.is_step_failure]
        message = failure.step_failure_data.user_failure_data.description
        assert "select all of them" in message and "synthetic_whole_b" in message
