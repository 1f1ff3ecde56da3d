"""Organizations, topics and scores: the pure transforms on SYNTHETIC rows, then the whole analytics
step through a real Dagster run over the bundled example digests and a SYNTHETIC <script> title."""

import datetime as dt
import math
import re

import polars as pl
import pytest

from papertrend.schemas import STG_DIGEST_ENTRIES
from papertrend.transforms.orgs import build_dim_org, load_aliases, lookup_key, map_orgs, org_key
from papertrend.transforms.scoring import decompose, detect_tier_changes
from papertrend.transforms.topics import PAPER_TEXT_SCHEMA, label_papers, load_taxonomy

DAY = dt.date(2026, 3, 2)


def stg_rows(rows: list[dict]) -> pl.DataFrame:
    """stg_digest_entries rows with defaults for what a test does not care about (SYNTHETIC)."""
    base = dict(
        digest_date=DAY,
        rank=1,
        is_golden=False,
        title_en="Synthetic Paper",
        title_zh=None,
        arxiv_id="2603.00001",
        org_raw="Synthetic Lab",
        score=0.0,
        tags=[],
        upvotes=0,
        stars=0,
        summary_zh=None,
        highlights=[],
        source_path="x.md",
        source_line=1,
        source_sha256="0" * 64,
    )
    full = [{**base, "source_line": i + 1, "rank": i + 1, **row} for i, row in enumerate(rows)]
    return STG_DIGEST_ENTRIES.conform(pl.DataFrame(full, schema=STG_DIGEST_ENTRIES.polars_schema))


def formula(upvotes: int, stars: int, comments: int, bonus: float) -> float:
    return round(5 * math.log1p(upvotes) + 6 * math.log1p(stars) + math.log1p(comments) + bonus, 2)


# ---- organizations ------------------------------------------------------------------------------


def test_alias_file_maps_spellings_to_one_org_with_parents():
    aliases = load_aliases()
    mapped = map_orgs(
        pl.Series(["alibaba-inc", "Alibaba-Inc", "  NVIDIA ", "Mistral AI_", None, "Qwen", "A Brand New Lab"]), aliases
    )
    names = mapped.get_column("org_name").to_list()
    assert names[:6] == ["Alibaba", "Alibaba", "NVIDIA", "Mistral AI", "Unknown", "Qwen"]
    assert mapped.get_column("org_reviewed").to_list() == [True] * 6 + [False]
    assert names[6] == "A Brand New Lab" and mapped.get_column("org_key")[6] == "a-brand-new-lab"
    dim = build_dim_org(aliases, ["A Brand New Lab"])
    qwen = dim.filter(pl.col("org_name") == "Qwen").row(0, named=True)
    assert (qwen["parent_org_key"], qwen["top_org_key"], qwen["depth"]) == ("alibaba", "alibaba", 1)
    assert dim.filter(pl.col("org_key") == "a-brand-new-lab").get_column("reviewed").to_list() == [False]
    # every parent is itself an organization, and keys are unique
    assert set(dim.get_column("parent_org_key").drop_nulls()) <= set(dim.get_column("org_key"))
    assert dim.get_column("org_key").is_unique().all()


def test_lookup_key_and_org_key_ignore_what_does_not_name_an_org():
    assert lookup_key("Mistral AI_") == lookup_key("mistral  ai") == "mistral ai"
    assert lookup_key("ＮＶＩＤＩＡ") == "nvidia"  # full-width letters
    assert org_key("Texas A&M University") == "texas-a-and-m-university"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Foo,,,\n", r"aliases\.csv:3: field org is empty"),
        ("Foo,Foo Org,,\nfoo,Other Org,,\n", r"spellings of 'foo' map to different orgs \['Foo Org', 'Other Org'\]"),
        ("A,A,B,\nB,B,A,\n", r"parent_org cycle"),
        ("A,A,B,\nA2,A,C,\n", r"org 'A' has more than one parent_org"),
    ],
)
def test_alias_file_errors_name_the_file_line_and_field(tmp_path, body, message):
    path = tmp_path / "aliases.csv"
    path.write_text("# comment\nraw_org,org,parent_org,merge_reason\n" + body, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_aliases(path)


def loose(name: str) -> str:
    """A looser key than the loader's, to catch two spellings of one org left apart by the review."""
    text = lookup_key(name).replace("&", "and")
    text = re.sub(r"^the ", "", text)
    return re.sub(r"[^0-9a-z\u4e00-\u9fff]+", "", text)


def test_no_two_canonical_orgs_are_spellings_of_one():
    dim = build_dim_org(load_aliases(), [])
    keys = dim.with_columns(pl.col("org_name").map_elements(loose, return_dtype=pl.String).alias("loose"))
    clashes = keys.group_by("loose").agg(pl.col("org_name")).filter(pl.col("org_name").list.len() > 1)
    assert clashes.is_empty(), clashes.to_dicts()


# ---- topics -------------------------------------------------------------------------------------


def papers(rows: list[dict]) -> pl.DataFrame:
    base = dict(
        arxiv_id="2603.00001",
        title_en=None,
        title_zh=None,
        summary_zh=None,
        highlights=[],
        abstract=None,
        categories=[],
    )
    return pl.DataFrame([{**base, **row} for row in rows], schema=PAPER_TEXT_SCHEMA)


def test_topics_are_multi_label_with_their_source_and_evidence():
    taxonomy = load_taxonomy()
    labels = label_papers(
        papers(
            [
                dict(
                    arxiv_id="2603.00001",
                    title_en="Synthetic Agents Learn Reinforcement Learning for Robot Manipulation",
                ),
                dict(
                    arxiv_id="2603.00002",
                    title_en="Synthetic Untitled Thing",
                    title_zh="合成的语音模型",
                    categories=["math.OC"],
                ),
                dict(arxiv_id="2603.00003", title_en="Zzz Qqq"),  # synthetic nonsense: no topic may match it
            ]
        ),
        taxonomy,
    )
    first = {
        (r["topic_key"], r["source"]) for r in labels.filter(pl.col("arxiv_id") == "2603.00001").iter_rows(named=True)
    }
    assert {("agents", "title_en"), ("reinforcement_learning", "title_en"), ("robotics_embodied", "title_en")} <= first
    second = {
        (r["topic_key"], r["source"]): r["matched"]
        for r in labels.filter(pl.col("arxiv_id") == "2603.00002").iter_rows(named=True)
    }
    assert second[("speech_audio", "title_zh")] == "语音"
    assert second[("math_science", "arxiv_category")] == "math.OC"  # 'math.*' in the taxonomy
    assert labels.filter(pl.col("arxiv_id") == "2603.00003").is_empty()  # no catch-all
    assert labels.get_column("taxonomy_version").unique().to_list() == [taxonomy.version]


def test_taxonomy_errors_name_the_topic(tmp_path):
    path = tmp_path / "topics.toml"
    path.write_text(
        'version = "1"\n[[topic]]\nkey = "x"\nname_en = "X"\nname_zh = "X"\nen = ["(unclosed"]\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"topic #1 \(x\): bad `en` pattern '\(unclosed'"):
        load_taxonomy(path)
    path.write_text('version = "1"\n[[topic]]\nkey = "x"\nname_en = "X"\nname_zh = "X"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="no patterns, keywords or categories"):
        load_taxonomy(path)


# ---- scoring ------------------------------------------------------------------------------------


def test_score_decomposition_recovers_comments_and_flags_what_does_not_fit():
    rows = stg_rows(
        [
            dict(upvotes=40, stars=300, tags=["Super Lab", "Must Read"], is_golden=True, score=formula(40, 300, 7, 50)),
            dict(upvotes=3, stars=0, tags=["Frontier Lab"], score=formula(3, 0, 0, 20)),
            dict(upvotes=3, stars=0, tags=[], score=formula(3, 0, 0, 20)),  # bonus printed in the score, tag missing
            dict(
                upvotes=10, stars=10, tags=[], score=round(5 * math.log1p(10) + 6 * math.log1p(10) + 0.35, 2)
            ),  # ln(1+c)=0.35 fits no c
            dict(upvotes=600, stars=0, tags=["Frontier Lab"], is_golden=False, score=formula(600, 0, 1, 20)),
            dict(upvotes=1, stars=1, tags=["Viral"], is_golden=True, score=formula(1, 1, 1, 0)),
            dict(upvotes=1, stars=1, tags=["Must Read"], is_golden=False, score=formula(1, 1, 1, 0)),
        ]
    )
    out = decompose(rows)
    assert out.get_column("implied_comments").to_list()[:2] == [7, 0]
    assert out.get_column("lab_bonus").to_list()[:3] == [50.0, 20.0, 0.0]
    assert out.get_column("score_explained").to_list()[:4] == [True, True, False, False]
    flags = out.get_column("score_flag").to_list()
    assert (
        "would take more than 500 comments" in flags[2] and abs(float(flags[2].split()[1]) - 20) < 0.01
    )  # the missing bonus
    assert flags[3].startswith("no whole comment count explains remainder 0.35")
    rule_flags = out.get_column("rule_flags").to_list()
    assert rule_flags[:4] == [[], [], [], []]
    assert rule_flags[4] == ["stars > 2000 or upvotes > 500 but no Viral tag"]
    assert rule_flags[5] == ["Viral without stars > 2000 or upvotes > 500"]
    assert rule_flags[6] == ["golden mark disagrees with the Viral/Must Read tags", "Must Read without Super Lab"]
    below = decompose(stg_rows([dict(upvotes=50, stars=50, tags=["Frontier Lab"], score=30.0)]))
    assert (
        below.get_column("score_flag")[0].startswith("remainder -") and "negative" in below.get_column("score_flag")[0]
    )


def test_rule_change_detector_dates_a_change_and_narrows_it_with_a_shared_word():
    def day(n):
        return dt.date(2026, 2, 1) + dt.timedelta(days=n)

    # Invented organization names (synthetic); they share no word except where the test says so.
    rows = stg_rows(
        [
            dict(digest_date=day(0), org_raw="Zeta Polytechnic AI Lab", tags=[]),
            dict(digest_date=day(1), org_raw="Omega Org", tags=["Frontier Lab"]),
            dict(
                digest_date=day(5), org_raw="Zeta Polytechnic University", tags=["Frontier Lab"]
            ),  # shares 'polytechnic'
            dict(digest_date=day(9), org_raw="Zeta Polytechnic AI Lab", tags=["Frontier Lab"]),
            dict(digest_date=day(12), org_raw="Zeta Polytechnic AI Lab", tags=["Frontier Lab"]),
            dict(digest_date=day(3), org_raw="Flip Flop Org", tags=[]),  # switches twice: no evidence either way
            dict(digest_date=day(4), org_raw="Flip Flop Org", tags=["Super Lab"]),
            dict(digest_date=day(6), org_raw="Flip Flop Org", tags=[]),
        ]
    )
    changes = detect_tier_changes(rows)
    assert changes.get_column("org_raw").to_list() == ["Zeta Polytechnic AI Lab"]
    change = changes.row(0, named=True)
    assert (change["tier_before"], change["tier_after"]) == ("none", "frontier")
    assert (change["window_start"], change["window_end"], change["rule_change_date"]) == (day(0), day(5), day(5))
    assert change["narrowed_by"] == "Zeta Polytechnic University"
    assert detect_tier_changes(rows.filter(pl.col("org_raw") != "Zeta Polytechnic AI Lab")).is_empty()


# ---- through Dagster -----------------------------------------------------------------------------


def test_model_facts_count_what_the_model_checks_report():
    """SYNTHETIC rows: two printed papers (one with a topic), one flagged appearance, one unreproduced day."""
    from papertrend.transforms.analytics import model_facts

    d1, d2 = dt.date(2026, 2, 2), dt.date(2026, 2, 3)
    entries = pl.DataFrame({"arxiv_id": ["2602.00001", "2602.00002"], "org_raw": ["OpenAI", "Synthetic Unknown Lab"]})
    fct = pl.DataFrame(
        {
            "digest_date": [d1, d2],
            "score_explained": [True, False],
            "rule_flags": [[], []],
        },
        schema={"digest_date": pl.Date, "score_explained": pl.Boolean, "rule_flags": pl.List(pl.String)},
    )
    aliases = load_aliases()
    org = pl.DataFrame(
        {"org_name": ["OpenAI", "Synthetic Unknown Lab", "Synthetic List Lab"], "reviewed": [True, False, False]}
    )
    bridge = pl.DataFrame({"arxiv_id": ["2602.00001", "2602.00001"]})
    days = pl.DataFrame({"digest_date": [d1, d2], "reproduced": [True, False]})
    facts = model_facts(entries, fct, org, bridge, days, aliases)
    assert (facts.papers, facts.labelled, facts.coverage) == (2, 1, 0.5)
    assert facts.flagged.height == 1 and facts.flagged_days.rows() == [(d2, 1)]
    assert facts.unreviewed == ["Synthetic Unknown Lab"] and facts.list_only_unreviewed == 1
    assert facts.unreproduced.get_column("digest_date").to_list() == [d2]
