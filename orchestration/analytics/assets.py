"""The analytics model (organizations, topics, appearances, rule changes) and the trend report."""

import dagster as dg
import polars as pl

from ...schemas import (
    BRIDGE_PAPER_TOPIC,
    DIGEST_FILES,
    DIM_ORG,
    DIM_PAPER,
    DIM_TOPIC,
    FCT_DERIVED_SELECTION,
    FCT_LAB_TIER_CHANGES,
    FCT_PAPER_APPEARANCES,
    FCT_SELECTION_AUDIT,
    STG_DIGEST_ENTRIES,
    STG_HF_DAILY_PAPERS,
    TableContract,
)
from ...transforms import analytics, selection
from ...transforms.orgs import load_aliases
from ...transforms.topics import load_taxonomy
from ..checks import targeting_latest
from ..metadata import Metadata, asset_spec, first_day, first_days
from ..resources import PapertrendConfig

GROUP = "analytics"
ANALYTICS_TABLES = (
    DIM_ORG,
    DIM_TOPIC,
    BRIDGE_PAPER_TOPIC,
    FCT_PAPER_APPEARANCES,
    FCT_LAB_TIER_CHANGES,
    FCT_SELECTION_AUDIT,
    FCT_DERIVED_SELECTION,
)
LIST_TABLES = (DIM_ORG, BRIDGE_PAPER_TOPIC, FCT_SELECTION_AUDIT, FCT_DERIVED_SELECTION)  # read the daily lists too
TOPIC_COVERAGE_TARGET = 0.95


@dg.multi_asset(
    name="analytics_model",
    specs=[
        asset_spec(
            t,
            GROUP,
            {"polars", "parquet"},
            deps=[STG_DIGEST_ENTRIES.name, DIM_PAPER.name]
            + ([STG_HF_DAILY_PAPERS.name] if t in LIST_TABLES else [])
            + ([DIGEST_FILES.name] if t is FCT_DERIVED_SELECTION else []),
        )
        for t in ANALYTICS_TABLES
    ],
    check_specs=[
        dg.AssetCheckSpec(
            "orgs_reviewed",
            asset=DIM_ORG.name,
            description=(
                "Every printed organization string is in the reviewed alias file; otherwise names the new ones."
            ),
        ),
        dg.AssetCheckSpec(
            "topic_coverage",
            asset=BRIDGE_PAPER_TOPIC.name,
            description=(
                f"At least {TOPIC_COVERAGE_TARGET:.0%} of papers have a topic; the unlabelled_papers view lists "
                "the rest."
            ),
        ),
        dg.AssetCheckSpec(
            "scores_explained",
            asset=FCT_PAPER_APPEARANCES.name,
            description=(
                "Every score is reproduced by the formula within its rounding and no tag contradicts the rules; "
                "otherwise counts the flagged appearances and names their days (see score_breakdown)."
            ),
        ),
        dg.AssetCheckSpec(
            "selection_reproduced",
            asset=FCT_SELECTION_AUDIT.name,
            description=(
                "On every day with a digest and its Hugging Face list, the generator's formula and cut pick "
                "exactly the printed papers; otherwise names the days and the reasons (see selection_audit_days)."
            ),
        ),
    ],
    can_subset=True,
    description=(
        "Rebuilt from every loaded day, because the reviewed reference files apply to all of them: appearances "
        "with their score taken apart, canonical organizations from transforms/reference/org_aliases.csv, "
        "topics from transforms/reference/topics.toml, the dates the lab-tagging rules changed, each day's "
        "Hugging Face list scored and cut with the generator's formula beside what the digest printed, and the "
        "selection derived the same way for days with a list and no digest."
    ),
)
def analytics_model(context: dg.AssetExecutionContext, papertrend: PapertrendConfig):
    selected = {key.to_user_string() for key in context.selected_asset_keys}
    checks = {key.name for key in context.selected_asset_check_keys}
    data, lake = papertrend.data, papertrend.data.lake
    aliases, taxonomy = load_aliases(), load_taxonomy()
    with data.write_lock():
        everything = lake.read_all(STG_DIGEST_ENTRIES)
        lists = lake.read_all(STG_HF_DAILY_PAPERS)
        fct = analytics.appearances(everything, aliases)
        dim_org = analytics.dim_org(everything, aliases, lists)
        dim_topic, bridge = analytics.topics(everything, lake.read_table(DIM_PAPER), taxonomy, lists)
        changes = analytics.tier_changes(everything)
        audit = FCT_SELECTION_AUDIT.conform(selection.audit_selection(lists, everything, changes, aliases))
        no_digest = lake.read_all(DIGEST_FILES).filter(pl.col("status") == "no_digest").get_column("digest_date")
        derived = FCT_DERIVED_SELECTION.conform(
            selection.derive_selection(lists, everything, changes, aliases, no_digest.to_list())
        )
        for table, frame in (
            (FCT_PAPER_APPEARANCES, fct),
            (DIM_ORG, dim_org),
            (DIM_TOPIC, dim_topic),
            (BRIDGE_PAPER_TOPIC, bridge),
            (FCT_LAB_TIER_CHANGES, changes),
            (FCT_SELECTION_AUDIT, audit),
            (FCT_DERIVED_SELECTION, derived),
        ):
            if table.name in selected:  # each table derives from the lake alone: a subset is honest
                lake.write_table(table, frame)
    facts = analytics.model_facts(everything, fct, dim_org, bridge, selection.day_summary(audit), aliases)
    results: dict[str, Metadata] = {
        DIM_ORG.name: {
            "dagster/row_count": dim_org.height,
            "unreviewed": len(facts.unreviewed),
            "list_only_unreviewed": facts.list_only_unreviewed,
        },
        DIM_TOPIC.name: {"dagster/row_count": dim_topic.height, "taxonomy_version": taxonomy.version},
        BRIDGE_PAPER_TOPIC.name: {
            "dagster/row_count": bridge.height,
            "papers": facts.papers,
            "labelled": facts.labelled,
            "coverage": round(facts.coverage, 4),
        },
        FCT_PAPER_APPEARANCES.name: {
            "dagster/row_count": fct.height,
            "days": fct.get_column("digest_date").n_unique(),
            "flagged": facts.flagged.height,
        },
        FCT_LAB_TIER_CHANGES.name: {
            "dagster/row_count": changes.height,
            "rule_change_dates": ", ".join(sorted({d.isoformat() for d in changes.get_column("rule_change_date")}))
            or "no change of the tier rules",
        },
        FCT_SELECTION_AUDIT.name: {
            "dagster/row_count": audit.height,
            "days": facts.audit_days.height,
            "days_reproduced": facts.audit_days.height - facts.unreproduced.height,
        },
        FCT_DERIVED_SELECTION.name: {
            "dagster/row_count": derived.height,
            "days": derived.get_column("digest_date").n_unique(),
        },
    }
    for name, metadata in results.items():
        if name in selected:
            yield dg.MaterializeResult(asset_key=name, metadata=metadata)
    unreproduced = facts.unreproduced
    evaluations: list[tuple[TableContract, str, bool, str, Metadata]] = [
        (
            DIM_ORG,
            "orgs_reviewed",
            not facts.unreviewed,
            _orgs_line(facts.unreviewed),
            {
                "unreviewed": len(facts.unreviewed),
                **(
                    {"names": dg.MetadataValue.md("\n".join(f"- {n}" for n in facts.unreviewed[:50]))}
                    if facts.unreviewed
                    else {}
                ),
            },
        ),
        (
            BRIDGE_PAPER_TOPIC,
            "topic_coverage",
            facts.coverage >= TOPIC_COVERAGE_TARGET,
            f"{facts.labelled:,} of {facts.papers:,} papers have a topic ({facts.coverage:.1%}); the target is "
            f"{TOPIC_COVERAGE_TARGET:.0%}"
            + (
                f", {TOPIC_COVERAGE_TARGET - facts.coverage:.1%} short"
                if facts.coverage < TOPIC_COVERAGE_TARGET
                else ""
            ),
            {"coverage": round(facts.coverage, 4), "unlabelled": facts.papers - facts.labelled},
        ),
        (
            FCT_PAPER_APPEARANCES,
            "scores_explained",
            facts.flagged.height == 0,
            f"every one of {fct.height:,} appearances has the score its tags and counts give"
            if facts.flagged.height == 0
            else f"{facts.flagged.height:,} of {fct.height:,} appearances, on {facts.flagged_days.height:,} days from "
            f"{first_day(facts.flagged_days)}, have a score the formula does not give",
            {
                "flagged": facts.flagged.height,
                "days_flagged": facts.flagged_days.height,
                **({"first_days_flagged": first_days(facts.flagged_days)} if facts.flagged.height else {}),
            },
        ),
        (
            FCT_SELECTION_AUDIT,
            "selection_reproduced",
            unreproduced.height == 0,
            (
                f"the formula and cut pick the printed papers on all {facts.audit_days.height:,} days audited"
                if facts.audit_days.height
                else "nothing audited: no day has both a digest and its Hugging Face list yet"
            )
            if unreproduced.height == 0
            else f"{unreproduced.height:,} of {facts.audit_days.height:,} days not reproduced, from "
            f"{first_day(unreproduced)} ({', '.join(_reasons(unreproduced)[:3])})",
            {
                "days": facts.audit_days.height,
                "days_not_reproduced": unreproduced.height,
                **(
                    {
                        "first_days_not_reproduced": first_days(
                            unreproduced.select("digest_date", pl.col("reasons").list.join(", "))
                        ),
                        "reasons": dg.MetadataValue.md("\n".join(f"- {r}" for r in _reasons(unreproduced))),
                    }
                    if unreproduced.height
                    else {}
                ),
            },
        ),
    ]
    yield from targeting_latest(
        context,
        [
            dg.AssetCheckEvaluation(
                asset_key=dg.AssetKey(table.name),
                check_name=check,
                passed=passed,
                severity=dg.AssetCheckSeverity.WARN,
                description=line,
                metadata=metadata,
            )
            for table, check, passed, line, metadata in evaluations
            if check in checks
        ],
    )


def _orgs_line(unreviewed: list[str]) -> str:
    if not unreviewed:
        return "every organization printed in the digests is in the reviewed table (transforms/orgs)"
    shown = ", ".join(unreviewed[:3]) + (f" (+{len(unreviewed) - 3} more)" if len(unreviewed) > 3 else "")
    return f"{len(unreviewed):,} printed organizations are not reviewed yet: {shown}"


def _reasons(unreproduced: pl.DataFrame) -> list[str]:
    return sorted({r for rs in unreproduced.get_column("reasons").to_list() for r in rs})
