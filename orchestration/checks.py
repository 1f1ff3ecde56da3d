"""Check results tied to the materializations they check: the one place papertrend reaches into ``dagster._``.

Dagster's check Partitions tab counts a result for a day only when the result names that day's
latest materialization as its target (``AssetCheckPartitionInfo.is_current``). ``AssetCheckResult``
finds that target itself only in a step with ONE partition key; in a single-run range (every
backfill here) it sets no partition, and a raw ``dg.AssetCheckEvaluation`` takes the target as an
``AssetCheckEvaluationTargetMaterializationData``, a class Dagster 1.13 does not export at its top
level. Missing public API: a way to give ``AssetCheckResult`` a partition, or an exported target
class. Until then this module imports it, and ``tests/assets/test_checks.py`` fails loudly when the
internal moves or changes shape. Nothing else in papertrend imports from ``dagster._``.

Dagster counts a check as reported only when it comes as an ``AssetCheckResult``; for every check
reported here as an evaluation it would log "did not yield or return expected outputs" (at INFO,
worded like an error) although the result is recorded. ``_ReportedChecks`` drops exactly those lines:
the ones that name no check but the step's own reported ones.
"""

import logging
import re
from collections import defaultdict
from collections.abc import Iterable

import dagster as dg
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData,
)


def targeting_latest(
    context: dg.AssetExecutionContext, evaluations: Iterable[dg.AssetCheckEvaluation]
) -> list[dg.AssetCheckEvaluation]:
    """The evaluations, each targeting the latest materialization of its asset (and partition).

    Yield them after the materializations they check: those are then the latest ones. One query
    per asset, whatever the number of days.
    """
    evaluations = list(evaluations)
    _ReportedChecks.install(context, evaluations)
    wanted: dict[dg.AssetKey, set[str | None]] = defaultdict(set)
    for evaluation in evaluations:
        wanted[evaluation.asset_key].add(evaluation.partition)
    targets: dict[tuple[dg.AssetKey, str | None], AssetCheckEvaluationTargetMaterializationData] = {}
    for asset_key, partitions in wanted.items():
        days = sorted(p for p in partitions if p is not None)
        if days:
            records = context.instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=asset_key, asset_partitions=days), limit=len(days)
            ).records
        else:
            records = context.instance.fetch_materializations(asset_key, limit=1).records
        for record in records:  # newest first: the first record of a partition is its latest
            key = (asset_key, record.partition_key if days else None)
            if key not in targets:
                targets[key] = AssetCheckEvaluationTargetMaterializationData(
                    storage_id=record.storage_id, run_id=record.run_id, timestamp=record.timestamp
                )
    return [
        dg.AssetCheckEvaluation(
            asset_key=e.asset_key,
            check_name=e.check_name,
            passed=e.passed,
            metadata=e.metadata,
            target_materialization_data=targets.get((e.asset_key, e.partition)),
            severity=e.severity,
            description=e.description,
            blocking=e.blocking,
            partition=e.partition,
        )
        for e in evaluations
    ]


def require_whole_selection(context: dg.AssetExecutionContext, tables: Iterable[str]) -> None:
    """Fail at once, and say why, when only some of ``tables`` (written together by one multi-asset) are selected.

    Such multi-assets declare ``can_subset=True`` only because Dagster accepts tied check results (above)
    only as optional outputs; their tables are computed and written together, so a subset would either
    write tables nobody selected or leave them out of step with each other.
    """
    tables = sorted(tables)
    missing = set(tables) - {k.to_user_string() for k in context.selected_asset_keys}
    if missing:
        raise dg.Failure(
            f"{context.op_def.name} writes {', '.join(tables)} together: select all of them "
            f"(left out: {', '.join(sorted(missing))})"
        )


class _ReportedChecks(logging.Filter):
    """Drops the step's "did not yield or return expected outputs {…}" line when every output it names is a
    check this step reported as an evaluation. Any other omitted output is still logged."""

    _LINE = re.compile(r"did not yield or return expected outputs \{(?P<names>[^}]*)\}")

    def __init__(self) -> None:
        super().__init__()
        self.outputs: set[str] = set()

    @classmethod
    def install(cls, context: dg.AssetExecutionContext, evaluations: list[dg.AssetCheckEvaluation]) -> None:
        log = context.log
        installed = next((f for f in log.filters if isinstance(f, cls)), None)
        if installed is None:
            installed = cls()
            log.addFilter(installed)
        by_key = {spec.key: name for name, spec in context.assets_def.check_specs_by_output_name.items()}
        installed.outputs.update(by_key[e.asset_check_key] for e in evaluations if e.asset_check_key in by_key)

    def filter(self, record: logging.LogRecord) -> bool:
        found = self._LINE.search(record.getMessage())
        if found is None:
            return True
        names = {name.strip().strip("'\"") for name in found.group("names").split(",") if name.strip()}
        return not names <= self.outputs
