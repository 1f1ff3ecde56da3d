"""One asset materialized on its own, with dagster.materialize and explicit resources: no CLI, no environment."""

import datetime as dt

import dagster as dg
import polars as pl

from papertrend.orchestration.enrich.assets import build_hf_assets
from papertrend.orchestration.enrich.github_assets import GITHUB_TABLES, github_stars
from papertrend.orchestration.ingest.assets import build_ingest_assets
from papertrend.orchestration.resources import EnrichmentConfig, PapertrendConfig
from tests.synthetic import synthetic_entries, write_digest

DAYS = dg.DailyPartitionsDefinition(start_date="2026-02-01")


def test_ingest_then_hf_lists_materialize_alone(tmp_path):
    root, data = tmp_path / "digests", tmp_path / "data"
    write_digest(root, dt.date(2026, 2, 3), synthetic_entries(dt.date(2026, 2, 3), 4))  # SYNTHETIC
    resources = {
        "papertrend": PapertrendConfig(digests_dir=str(root), data_dir=str(data)),
        "enrichment": EnrichmentConfig(offline=True),
    }
    ingest = build_ingest_assets(DAYS)
    with dg.instance_for_test() as instance:
        result = dg.materialize([ingest], resources=resources, partition_key="2026-02-03", instance=instance)
        assert result.success
        checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
        assert checks == {"matches_contract": True, "every_entry_loaded": True}
        rows = result.asset_materializations_for_node("ingest_digests")
        assert {m.partition for m in rows} == {"2026-02-03"}

        hf = build_hf_assets(DAYS)
        result = dg.materialize(
            [hf, ingest], selection=[hf], resources=resources, partition_key="2026-02-03", instance=instance
        )
        assert result.success

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
