"""Every derived form of a table contract agrees with the contract itself."""

import dagster as dg
import polars as pl

from papertrend.orchestration.definitions import build_definitions
from papertrend.schemas import TABLES
from papertrend.warehouse.dictionary import render
from tests.conftest import REPO, query


def test_data_dictionary_is_generated_from_the_contracts():
    committed = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == render(), (
        "docs/data-dictionary.md is stale: run `python -m papertrend.warehouse.dictionary > docs/data-dictionary.md`"
    )


def test_dagster_column_metadata_is_the_contract():
    graph = build_definitions().resolve_asset_graph()
    for table in TABLES.values():
        schema = graph.get(dg.AssetKey(table.name)).metadata["dagster/column_schema"]
        assert [(c.name, c.type, c.description, c.constraints.nullable) for c in schema.columns] == [
            (c.name, c.duckdb_type, c.description, c.nullable) for c in table.columns
        ], table.name


def test_a_lake_written_before_a_column_was_added_still_reads_and_publishes(tmp_path):
    """stg_hf_daily_papers gained `title`; partitions written without it read (and publish) it as null,
    beside partitions that have it. The rows are SYNTHETIC."""
    import datetime as dt

    from papertrend.schemas import STG_HF_DAILY_PAPERS
    from papertrend.warehouse import Lake
    from papertrend.warehouse.publish import publish

    lake = Lake(tmp_path / "lake")
    old_day, new_day = dt.date(2026, 3, 13), dt.date(2026, 3, 16)
    row = {
        "arxiv_id": "2603.90001",
        "upvotes": 3,
        "num_comments": 0,
        "github_repo": None,
        "github_stars": None,
        "organization_name": None,
        "organization_fullname": None,
        "ai_keywords": [],
        "api_source": "daily_papers",
        "fetched_at": dt.datetime(2026, 3, 14, tzinfo=dt.UTC),
    }
    lake.write_partition(
        STG_HF_DAILY_PAPERS, new_day, pl.DataFrame([{**row, "digest_date": new_day, "title": "SYNTHETIC title"}])
    )
    older = lake.partition_path(STG_HF_DAILY_PAPERS, old_day)  # as an earlier papertrend wrote it: no title
    older.parent.mkdir(parents=True)
    STG_HF_DAILY_PAPERS.conform(
        pl.DataFrame([{**row, "digest_date": old_day, "title": None}], schema=STG_HF_DAILY_PAPERS.polars_schema)
    ).drop("digest_date", "title").write_parquet(older)
    assert lake.read_partition(STG_HF_DAILY_PAPERS, old_day).get_column("title").to_list() == [None]
    both = lake.read_all(STG_HF_DAILY_PAPERS).sort("digest_date")
    assert both.select("digest_date", "title").rows() == [(old_day, None), (new_day, "SYNTHETIC title")]
    db = tmp_path / "warehouse.duckdb"
    publish(lake, db, TABLES.values())
    assert query(db, "SELECT digest_date, title FROM stg_hf_daily_papers ORDER BY 1") == [
        (old_day, None),
        (new_day, "SYNTHETIC title"),
    ]
    lake.partition_path(STG_HF_DAILY_PAPERS, new_day).unlink()  # only old partitions: no file has the column
    publish(lake, db, TABLES.values())
    assert query(db, "SELECT digest_date, title FROM stg_hf_daily_papers") == [(old_day, None)]


def test_a_lake_written_before_a_value_was_renamed_reads_with_todays_word(tmp_path):
    """papertrend once wrote status 'missing' for a day without a digest; its lake files read as 'no_digest', in
    polars and in the analyst database, until the day runs again."""
    import datetime as dt

    import duckdb

    from papertrend.schemas import DIGEST_FILES
    from papertrend.warehouse import DataDir, publish

    old = DIGEST_FILES.empty().vstack(
        pl.DataFrame({c.name: [None] for c in DIGEST_FILES.columns}, schema=DIGEST_FILES.polars_schema).with_columns(
            digest_date=pl.lit(dt.date(2026, 3, 14)),
            status=pl.lit("missing"),
            parsed_count=pl.lit(0, pl.Int32),
            quarantined_count=pl.lit(0, pl.Int32),
        )
    )
    data = DataDir(tmp_path)
    folder = data.root / "lake" / DIGEST_FILES.name / "digest_date=2026-03-14"
    folder.mkdir(parents=True)
    old.drop("digest_date").write_parquet(folder / "data.parquet")  # as the earlier papertrend wrote it
    assert data.lake.read_all(DIGEST_FILES).get_column("status").to_list() == ["no_digest"]
    assert data.lake.read_partition(DIGEST_FILES, dt.date(2026, 3, 14)).get_column("status").to_list() == ["no_digest"]
    publish(data.lake, data.analyst_db, TABLES.values())  # the views need every table, empty or not
    with duckdb.connect(str(data.analyst_db), read_only=True) as con:
        assert con.execute("SELECT status FROM digest_files").fetchall() == [("no_digest",)]
