"""The batched event storage leaves the instance exactly as Dagster's stock SQLite storage does."""

import dagster as dg

PARTITIONS = dg.DailyPartitionsDefinition(start_date="2026-01-01")


@dg.asset(partitions_def=PARTITIONS, backfill_policy=dg.BackfillPolicy.single_run())
def upstream(context: dg.AssetExecutionContext) -> None:
    for key in context.partition_keys:
        context.add_asset_metadata({"rows": len(key)}, partition_key=key)


@dg.asset(partitions_def=PARTITIONS, backfill_policy=dg.BackfillPolicy.single_run(), deps=[upstream])
def downstream(context: dg.AssetExecutionContext) -> None:
    return None


def instance_state(tmp_path, storage_yaml: str) -> dict:
    home = tmp_path
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n" + storage_yaml.format(base=home / "runs"))
    instance = dg.DagsterInstance.from_config(str(home))
    job = dg.define_asset_job("j", partitions_def=PARTITIONS).resolve(
        asset_graph=dg.Definitions(assets=[upstream, downstream]).resolve_asset_graph()
    )
    for start, end in (("2026-01-01", "2026-01-12"), ("2026-01-05", "2026-01-06")):
        result = job.execute_in_process(
            instance=instance,
            tags={"dagster/asset_partition_range_start": start, "dagster/asset_partition_range_end": end},
        )
        assert result.success
    state = {}
    for record in instance.get_asset_records():
        key = record.asset_entry.asset_key
        last = record.asset_entry.last_materialization
        state[key.to_user_string()] = {
            "last_partition": last.dagster_event.partition,
            "last_run": instance.get_run_by_id(last.run_id).tags["dagster/asset_partition_range_start"],
            "materialized": sorted(instance.get_materialized_partitions(key)),
            "latest_per_partition": {
                p: instance.get_run_by_id(r.run_id).tags["dagster/asset_partition_range_start"]
                for p, r in instance.get_latest_materialization_event_records_by_partition(key).items()
            }
            if hasattr(instance, "get_latest_materialization_event_records_by_partition")
            else None,
            "rows": sorted(
                (
                    r.asset_materialization.partition,
                    r.asset_materialization.metadata.get("rows", dg.MetadataValue.int(-1)).value,
                )
                for r in instance.fetch_materializations(key, limit=100).records
            ),
        }
    return state


def test_batched_storage_matches_the_stock_storage(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", "1000")
    stock = instance_state(
        tmp_path / "stock",
        "event_log_storage:\n  module: dagster._core.storage.event_log\n  class: SqliteEventLogStorage\n"
        "  config:\n    base_dir: {base}\n",
    )
    ours = instance_state(
        tmp_path / "ours",
        "event_log_storage:\n  module: papertrend.orchestration.storage\n"
        "  class: CachedEngineSqliteEventLogStorage\n  config:\n    base_dir: {base}\n",
    )
    assert ours == stock
    assert ours["upstream"]["last_run"] == "2026-01-05" and len(ours["upstream"]["materialized"]) == 12
