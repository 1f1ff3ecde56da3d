"""The code location: what it holds, and how its sensor and schedule decide what to run."""

import datetime as dt
import os
import re

import dagster as dg

from papertrend.orchestration.definitions import build_definitions
from papertrend.orchestration.ingest.sensors import changed_dates, consecutive_ranges
from papertrend.schemas import TABLES


def test_every_table_has_one_owning_asset_and_groups_form_no_loop():
    graph = build_definitions().resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert set(TABLES) <= keys  # every warehouse table is an asset (asset keys are unique: one owner each)
    assert keys - set(TABLES) == {"digest_day", "analyst_warehouse", "trend_report"}
    order = ["ingest", "enrich", "analytics", "publish"]
    for key in graph.get_all_asset_keys():
        for parent in graph.get(key).parent_keys:
            assert order.index(graph.get(parent).group_name) <= order.index(graph.get(key).group_name), (parent, key)


def test_changed_dates_and_ranges():
    d = [dt.date(2026, 3, i) for i in range(1, 9)]
    current = {d[0]: "a", d[1]: "b2", d[2]: "c", d[4]: "e", d[5]: "f"}
    loaded = {d[0]: "a", d[1]: "b", d[3]: "gone", d[4]: "e", d[6]: None}
    # d1 changed, d2 new, d3 deleted, d5 new; d0/d4 unchanged; d6 was missing and still is
    assert changed_dates(current, loaded) == [d[1], d[2], d[3], d[5]]
    assert consecutive_ranges([d[1], d[2], d[3], d[5]]) == [(d[1], d[3]), (d[5], d[5])]


def test_schedule_materializes_yesterday():
    defs = build_definitions()
    schedule = defs.resolve_schedule_def("daily_digest_schedule")
    when = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    with dg.build_schedule_context(scheduled_execution_time=when, repository_def=defs.get_repository_def()) as context:
        [request] = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == "2026-03-09"


def test_no_description_holds_an_html_like_tag():
    """The UI renders descriptions as Markdown: `<data-dir>` would be read as a tag and shown blank."""
    graph = build_definitions().resolve_asset_graph()
    texts = []
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        texts.append(node.description or "")
        texts += (
            [c.description or "" for c in node.metadata["dagster/column_schema"].columns]
            if ("dagster/column_schema" in node.metadata)
            else []
        )
    texts += [graph.get_check_spec(k).description or "" for k in graph.asset_check_keys]
    assert [t for t in texts if re.search(r"<[A-Za-z][\w-]*>", t)] == []


def test_settings_reach_assets_as_resources_and_secrets_only_by_name(tmp_path):
    """The code location reads the environment into its resources, a secret as an EnvVar (Dagster records the
    variable's name, never its value); the CLI's options become resource values without touching os.environ."""
    os.environ.update(GITHUB_TOKEN="ghp_SYNTHETIC0123456789", PAPERTREND_DATA_DIR=str(tmp_path / "from-env"))
    enrichment = build_definitions().resources["enrichment"]
    assert isinstance(enrichment.github_token, dg.EnvVar) and enrichment.github_token.env_var_name == "GITHUB_TOKEN"
    # a folder is no secret: the resource holds (and the UI's resource page shows) the folder itself
    assert build_definitions().resources["papertrend"].data_dir == str(tmp_path / "from-env")

    before = dict(os.environ)
    defs = build_definitions(tmp_path / "digests", tmp_path / "data", offline=True, refresh=True)
    assert defs.resources["papertrend"].data_dir == str(tmp_path / "data")
    assert defs.resources["papertrend"].digests_dir == str(tmp_path / "digests")
    assert (defs.resources["enrichment"].offline, defs.resources["enrichment"].refresh) == (True, True)
    assert dict(os.environ) == before
    for name, resource in defs.resources.items():  # the UI's resource pages show each field's description
        assert all(field.description for field in type(resource).model_fields.values()), name
