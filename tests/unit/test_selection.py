"""The selection audit (transforms/selection.py): each day's Hugging Face list scored and cut with the
generator's formula, set beside the digest. The unit tests' organizations, ids and counts are SYNTHETIC;
the pipeline test reads the bundled examples (facts of real digests) with SYNTHETIC left-out papers."""

import datetime as dt
import math

import polars as pl
import pytest

from papertrend.schemas import FCT_DERIVED_SELECTION, FCT_SELECTION_AUDIT, STG_DIGEST_ENTRIES, STG_HF_DAILY_PAPERS
from papertrend.transforms.digest_parser import parse_digest
from papertrend.transforms.orgs import load_aliases
from papertrend.transforms.render import render_digest
from papertrend.transforms.scoring import detect_tier_changes
from papertrend.transforms.selection import (
    audit_selection,
    day_summary,
    derive_selection,
    learned_tiers,
    score_lists,
)

DAY = dt.date(2026, 5, 4)
FETCHED = dt.datetime(2026, 5, 5, 8, tzinfo=dt.UTC)
TAGS = {"super": ["Super Lab"], "frontier": ["Frontier Lab"], "none": []}


def formula(upvotes: int, stars: int, comments: int, tier: str) -> float:
    bonus = {"super": 50.0, "frontier": 20.0}.get(tier, 0.0)
    return round(5 * math.log1p(upvotes) + 6 * math.log1p(stars) + math.log1p(comments) + bonus, 2)


def paper(i: int, org: str | None, upvotes: int, stars: int = 0, comments: int = 0, day: dt.date = DAY) -> dict:
    return {
        "arxiv_id": f"2605.{i:05d}",
        "org": org,
        "upvotes": upvotes,
        "stars": stars,
        "comments": comments,
        "day": day,
    }


def frames(listed: list[dict], printed: list[tuple[dict, str]], history: list[tuple[dict, str]] = ()):
    """(stg_hf_daily_papers, stg_digest_entries): ``printed`` are (paper, tier) in printed order;
    ``history`` are more printed papers on other days (they teach the tiers)."""
    lists = pl.DataFrame(
        [
            {
                "digest_date": p["day"],
                "arxiv_id": p["arxiv_id"],
                "title": f"SYNTHETIC paper {p['arxiv_id']}",
                "upvotes": p["upvotes"],
                "num_comments": p["comments"],
                "github_repo": None,
                "github_stars": p["stars"],
                "organization_name": None,
                "organization_fullname": p["org"],
                "ai_keywords": [],
                "api_source": "daily_papers",
                "fetched_at": FETCHED,
            }
            for p in listed
        ],
        schema=STG_HF_DAILY_PAPERS.polars_schema,
    )
    rows = []
    for rank, (p, tier) in enumerate([*printed, *history], start=1):
        rows.append(
            {
                "digest_date": p["day"],
                "rank": rank,
                "is_golden": False,
                "title_en": f"SYNTHETIC paper {p['arxiv_id']}",
                "title_zh": None,
                "arxiv_id": p["arxiv_id"],
                "org_raw": p["org"],
                "score": formula(p["upvotes"], p["stars"], p["comments"], tier),
                "tags": TAGS[tier],
                "upvotes": p["upvotes"],
                "stars": p["stars"],
                "summary_zh": None,
                "highlights": [],
                "source_path": "SYNTHETIC.md",
                "source_line": rank,
                "source_sha256": "0" * 64,
            }
        )
    entries = pl.DataFrame(rows, schema=STG_DIGEST_ENTRIES.polars_schema)
    return STG_HF_DAILY_PAPERS.conform(lists), STG_DIGEST_ENTRIES.conform(entries)


def audit(lists: pl.DataFrame, entries: pl.DataFrame) -> pl.DataFrame:
    return FCT_SELECTION_AUDIT.conform(audit_selection(lists, entries, detect_tier_changes(entries), load_aliases()))


def row(frame: pl.DataFrame, arxiv_id: str) -> dict:
    [found] = frame.filter(pl.col("arxiv_id") == arxiv_id).to_dicts()
    return found


def test_the_formula_picks_down_to_the_last_lab_paper_and_untagged_papers_in_between():
    lab, big_lab = paper(1, "SYNTHETIC Frontier U", 30), paper(2, "SYNTHETIC Super Corp", 3)
    middle = paper(3, None, 80, stars=200)  # untagged, but it outscores the last lab paper: the generator prints it
    tail = [paper(10 + i, None, 2) for i in range(5)]  # below the last lab paper: cut
    printed = [(big_lab, "super"), (middle, "none"), (lab, "frontier")]
    lists, entries = frames([lab, big_lab, middle, *tail], printed)
    result = audit(lists, entries)
    assert result.filter("formula_picks").get_column("arxiv_id").sort().to_list() == sorted(
        p["arxiv_id"] for p, _ in printed
    )
    assert result.get_column("reason").null_count() == result.height  # the digest is reproduced
    assert row(result, middle["arxiv_id"])["lab_tier"] == "none"
    assert row(result, middle["arxiv_id"])["tier_basis"] == "no organization"
    [day] = day_summary(result).to_dicts()
    assert (day["listed"], day["printed"], day["formula_picks"], day["reproduced"]) == (8, 3, 3, True)
    assert day["rank_correlation"] == pytest.approx(1.0)
    assert day["cut_off_score"] == formula(30, 0, 0, "frontier")


def test_only_the_top_fifty_count_for_the_cut():
    untagged = [paper(100 + i, None, 200 - i) for i in range(50)]  # 50 papers above the lab paper
    lab = paper(1, "SYNTHETIC Frontier U", 1)  # 5 ln 2 + 20 = 23.47: below all fifty
    history = [(paper(2, "SYNTHETIC Frontier U", 9, day=DAY - dt.timedelta(days=1)), "frontier")]
    # Like the real digest of 2026-04-06: no lab paper in the top 50, yet the top paper was printed.
    lists, entries = frames([*untagged, lab], [(untagged[0], "none")], history)
    result = audit(lists, entries)
    assert row(result, lab["arxiv_id"])["lab_tier"] == "frontier"  # learned from another day
    assert (row(result, lab["arxiv_id"])["list_rank"], row(result, lab["arxiv_id"])["formula_picks"]) == (51, False)
    assert result.filter("formula_picks").height == 0  # no lab paper in the top 50: the formula cuts everything
    assert row(result, untagged[0]["arxiv_id"])["reason"] == "unexplained"
    [day] = day_summary(result).to_dicts()
    assert (day["listed"], day["printed"], day["reproduced"], day["reasons"]) == (51, 1, False, ["unexplained"])


def test_each_disagreement_gets_its_likely_reason():
    seen = paper(1, "SYNTHETIC Frontier U", 1)  # the last lab paper: 23.47
    moved = paper(2, None, 300)  # printed untagged at 28.52; on the list papertrend fetched it has 1 upvote
    absent = paper(3, "SYNTHETIC Frontier U", 11)  # printed, but the list no longer has it
    unseen = paper(4, "SYNTHETIC Never Printed", 500, stars=100)  # outscores every printed paper, tier unknown
    low = paper(5, None, 1)
    printed = [(absent, "frontier"), (moved, "none"), (seen, "frontier")]
    lists, entries = frames([seen, {**moved, "upvotes": 1}, unseen, low], printed)
    result = audit(lists, entries)
    assert row(result, absent["arxiv_id"])["reason"] == "not_listed"
    assert not row(result, absent["arxiv_id"])["listed"]
    moved_row = row(result, moved["arxiv_id"])
    assert moved_row["counts_moved"] and (moved_row["printed_upvotes"], moved_row["list_upvotes"]) == (300, 1)
    assert not moved_row["formula_picks"] and moved_row["reason"] == "counts_moved"
    unseen_row = row(result, unseen["arxiv_id"])
    assert (unseen_row["lab_tier"], unseen_row["tier_basis"]) == ("unknown", "never printed")
    assert unseen_row["formula_picks"] and not unseen_row["printed"] and unseen_row["reason"] == "tier_rule"
    lowest_printed_on_list = min(
        r["list_score"] for r in result.filter(pl.col("printed") & pl.col("listed")).to_dicts()
    )
    assert unseen_row["outscores_pick_by"] == pytest.approx(unseen_row["list_score"] - lowest_printed_on_list)
    assert row(result, low["arxiv_id"])["reason"] is None and row(result, low["arxiv_id"])["outscores_pick_by"] is None
    [day] = day_summary(result).to_dicts()
    assert not day["reproduced"] and day["reasons"] == ["counts_moved", "not_listed", "tier_rule"]


def test_tiers_follow_the_dated_rule_change():
    before = [(paper(i, "SYNTHETIC Princeton Lab", 5, day=DAY + dt.timedelta(days=i)), "none") for i in range(3)]
    after = [
        (paper(10 + i, "SYNTHETIC Princeton Lab", 5, day=DAY + dt.timedelta(days=10 + i)), "frontier") for i in range(3)
    ]
    _, entries = frames([], [], before + after)
    tiers = learned_tiers(entries, detect_tier_changes(entries))
    assert tiers.select("valid_from", "valid_until", "lab_tier").rows() == [
        (None, DAY + dt.timedelta(days=9), "none"),
        (DAY + dt.timedelta(days=10), None, "frontier"),
    ]
    early, late = (
        paper(20, "SYNTHETIC Princeton Lab", 5, day=DAY + dt.timedelta(days=5)),
        paper(21, "SYNTHETIC Princeton Lab", 5, day=DAY + dt.timedelta(days=11)),
    )
    lists, _ = frames([early, late], [])
    assert {r["arxiv_id"]: r["lab_tier"] for r in score_lists(lists, tiers).to_dicts()} == {
        early["arxiv_id"]: "none",
        late["arxiv_id"]: "frontier",
    }


def test_a_cut_by_counts_alone_shows_what_the_bonus_buys():
    labs = [paper(i, "SYNTHETIC Frontier U", 1) for i in range(1, 3)]  # 23.47 each with the bonus, 3.47 without
    crowd = [paper(10 + i, None, 12 - i) for i in range(3)]  # 12.8, 12.4, 12.0: below the lab papers, above without
    printed = [(lab, "frontier") for lab in labs]
    lists, entries = frames([*labs, *crowd], printed)
    result = audit(lists, entries)
    assert result.filter("formula_picks").height == 2 and result.get_column("reason").null_count() == result.height
    assert row(result, labs[0]["arxiv_id"])["counts_score"] == formula(1, 0, 0, "none")
    # as many papers as the digest printed (2), by counts alone: the two best of the crowd, no lab paper
    assert sorted(result.filter("counts_top").get_column("arxiv_id")) == [crowd[0]["arxiv_id"], crowd[1]["arxiv_id"]]
    assert row(result, crowd[0]["arxiv_id"])["org_key"] == "unknown"  # no organization: printed as Unknown
    assert row(result, labs[0]["arxiv_id"])["org_key"] == "synthetic-frontier-u"


def test_a_day_without_a_digest_gets_the_selection_the_formula_derives():
    history = [(paper(1, "SYNTHETIC Super Corp", 9, day=DAY - dt.timedelta(days=2)), "super")]
    day = DAY + dt.timedelta(days=1)  # no digest
    viral = paper(30, None, 600, day=day)  # Viral by its upvotes: golden, first
    lab = paper(31, "SYNTHETIC Super Corp", 2, day=day)
    middle = paper(32, "SYNTHETIC Never Printed", 70, day=day)
    below = paper(33, None, 1, day=day)
    no_lab_day = day + dt.timedelta(days=1)  # a list of untagged papers only: the cut keeps nothing
    untagged = [paper(40 + i, None, 90, day=no_lab_day) for i in range(3)]
    lists, entries = frames([viral, lab, middle, below, *untagged], [], history)
    derived = FCT_DERIVED_SELECTION.conform(
        derive_selection(lists, entries, detect_tier_changes(entries), load_aliases(), [day])
    )
    assert FCT_DERIVED_SELECTION.validate(derived) is None
    assert derived.select("rank", "arxiv_id", "is_golden", "tags", "lab_tier").rows() == [
        (1, viral["arxiv_id"], True, ["Viral"], "none"),
        (2, lab["arxiv_id"], False, ["Super Lab"], "super"),  # 5 ln 3 + 50 = 55.49 beats 5 ln 71 = 21.31
        # the cut: after the last lab paper; the unknown tier earns no bonus, so `middle` is cut too
    ]
    assert derived.get_column("score").to_list() == [formula(600, 0, 0, "none"), formula(2, 0, 0, "super")]
    assert derived.get_column("title_en").to_list() == [f"SYNTHETIC paper {p['arxiv_id']}" for p in (viral, lab)]
    [how] = derived.get_column("derivation").unique().to_list()
    assert "fetched 2026-05-05" in how and "top 50" in how and "Must Read is not derivable" in how
    # a day whose list has no lab paper in its top 50 derives nothing, like a day that is not asked for
    for days in ([no_lab_day], [DAY]):
        assert derive_selection(lists, entries, detect_tier_changes(entries), load_aliases(), days).height == 0
    rendered = render_digest(day, derived.to_dicts(), how)
    parsed = parse_digest(rendered.encode(), "derived.md", day)
    assert [(e["rank"], e["arxiv_id"], e["score"], e["tags"]) for e in parsed.entries] == [
        (r["rank"], r["arxiv_id"], r["score"], r["tags"]) for r in derived.to_dicts()
    ]
    assert not parsed.quarantine and "Derived by papertrend" in rendered


# --- through the pipeline, against the fake Hugging Face --------------------------------------------
