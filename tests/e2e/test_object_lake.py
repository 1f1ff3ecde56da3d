"""The lake in object storage (PAPERTREND_LAKE_URL=s3://bucket/prefix) against a real S3-compatible server
on loopback (moto's server mode, tests/services.py). The product has no moto-specific code: it reads the
standard AWS_* variables through obstore. Digests: the bundled examples (facts of real digests)."""

import datetime as dt
import io
import os

import polars as pl
import pytest

from papertrend.schemas import DIGEST_FILES, STG_DIGEST_ENTRIES
from papertrend.warehouse import ENV_LAKE_URL, Lake
from tests.conftest import EXAMPLES, run_cli
from tests.helpers import PINNED, everything

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("in_process_runs")]


def test_a_run_with_the_lake_in_object_storage_builds_the_same_warehouse(tmp_path, capsys, pin_clock, s3_server):
    pin_clock(PINNED)
    common = ("run", "--digests", str(EXAMPLES), "--offline", "--no-progress")
    assert run_cli(capsys, *common, "--data-dir", str(tmp_path / "local"))[0] == 0

    os.environ.update(s3_server.environ)
    os.environ[ENV_LAKE_URL] = f"s3://{s3_server.bucket}/team/lake"
    code, out, err = run_cli(capsys, *common, "--data-dir", str(tmp_path / "remote"))
    assert code == 0, err

    keys = s3_server.keys("team/lake/")
    days = [k for k in keys if k.startswith("team/lake/digest_files/digest_date=")]
    assert len(days) == 28 and all(k.endswith("/data.parquet") for k in days)
    assert "team/lake/dim_org/data.parquet" in keys
    assert not (tmp_path / "remote" / "lake").exists()  # nothing of the lake on the local disk
    # the analyst database (local) is built from the objects: the same as from a local lake
    assert everything(tmp_path / "remote" / "warehouse.duckdb") == everything(tmp_path / "local" / "warehouse.duckdb")
    # credentials are never recorded: not in the Dagster instance, the analyst database, nor the lake
    secret = s3_server.environ["AWS_SECRET_ACCESS_KEY"].encode()
    for path in (tmp_path / "remote").rglob("*"):
        if path.is_file():
            assert secret not in path.read_bytes(), path
    for key in keys:
        assert secret not in s3_server.client.get_object(Bucket=s3_server.bucket, Key=key)["Body"].read()

    # a re-run replaces each day's object whole: same keys, same rows, nothing duplicated
    assert run_cli(capsys, *common, "--data-dir", str(tmp_path / "remote"))[0] == 0
    assert s3_server.keys("team/lake/") == keys
    lake = Lake(os.environ[ENV_LAKE_URL])
    entries = lake.read_all(STG_DIGEST_ENTRIES)
    assert entries.height == 286 and entries.select("digest_date", "rank").is_unique().all()
    # what an analyst outside reads: plain Parquet, Hive-partitioned
    body = s3_server.client.get_object(Bucket=s3_server.bucket, Key=days[0])["Body"].read()
    assert pl.read_parquet(io.BytesIO(body)).height == 1


def test_object_lake_partitions_round_trip(s3_server):
    os.environ.update(s3_server.environ)
    lake = Lake(f"s3://{s3_server.bucket}/unit")
    assert not lake.is_local and lake.partition_dates(DIGEST_FILES) == [] and not lake.has_data(DIGEST_FILES)
    day = dt.date(2026, 3, 13)
    frame = DIGEST_FILES.empty()
    lake.write_partition(DIGEST_FILES, day, frame)
    assert lake.partition_dates(DIGEST_FILES) == [day] and lake.has_data(DIGEST_FILES)
    assert lake.read_partition(DIGEST_FILES, day).height == 0
    assert lake.read_partition(DIGEST_FILES, day + dt.timedelta(days=1)) is None
    assert s3_server.keys("unit/") == ["unit/digest_files/digest_date=2026-03-13/data.parquet"]
