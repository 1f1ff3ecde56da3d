"""One asset materialized on its own, with dagster.materialize and explicit resources: no CLI, no environment."""

import datetime as dt

import dagster as dg
import polars as pl

from papertrend.orchestration.enrich.github_assets import GITHUB_TABLES, github_stars
from papertrend.orchestration.ingest.assets import DAY_TABLES, build_day_assets
from papertrend.orchestration.resources import EnrichmentConfig, PapertrendConfig
from tests.synthetic import synthetic_entries, write_digest

DAYS = dg.DailyPartitionsDefinition(start_date="2026-02-01")


def test_a_day_then_its_tables_materialize_alone(tmp_path):
    root, data = tmp_path / "digests", tmp_path / "data"
    write_digest(root, dt.date(2026, 2, 3), synthetic_entries(dt.date(2026, 2, 3), 4))  # SYNTHETIC
    resources = {
        "papertrend": PapertrendConfig(digests_dir=str(root), data_dir=str(data)),
        "enrichment": EnrichmentConfig(offline=True),
    }
    day, tables = build_day_assets(DAYS)
    with dg.instance_for_test() as instance:
        result = dg.materialize([day], resources=resources, partition_key="2026-02-03", instance=instance)
        assert result.success
        [check] = result.get_asset_check_evaluations()
        assert (check.check_name, check.passed) == ("day_checks", True)
        assert check.metadata["entries_loaded"].value.startswith("passed: 4 entries loaded")
        [materialization] = result.asset_materializations_for_node("digest_day")
        assert materialization.partition == "2026-02-03"
        assert materialization.metadata["stg_digest_entries"].value == 4

        result = dg.materialize([day, tables], selection=[tables], resources=resources, instance=instance)
        assert result.success
        rows = {
            m.asset_key.path[-1]: m.metadata["dagster/row_count"].value
            for m in result.asset_materializations_for_node("day_tables")
        }
        assert set(rows) == {t.name for t in DAY_TABLES} and rows["stg_digest_entries"] == 4

        # a module-level, whole-history asset: the day's papers have no repository link offline
        result = dg.materialize([github_stars], resources=resources, instance=instance)
        assert result.success
        written = {
            m.asset_key.path[-1]: m.metadata["dagster/row_count"].value
            for m in result.asset_materializations_for_node("github_stars")
        }
        assert written == {t.name: 0 for t in GITHUB_TABLES}
        [check] = result.get_asset_check_evaluations()
        assert (check.check_name, check.passed, check.metadata["compared"].value) == ("digest_vs_history", True, 0)
    status = data / "lake" / "enrichment_status_hf" / "digest_date=2026-02-03" / "data.parquet"
    assert status.exists()
    assert pl.read_parquet(status).select("status", "reason").rows() == [("pending", "offline: no request sent")]
    assert not (data / "warehouse.duckdb").exists()  # nothing else ran
