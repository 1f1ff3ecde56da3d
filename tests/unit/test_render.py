"""`papertrend render`: a day written back as a digest parses to the same entries (prose aside).

The entries of the unit tests are SYNTHETIC; the CLI test reads the bundled examples (facts of real
digests) and tests/e2e/test_corpus_runs.py repeats it over all 136 real digests.
"""

import datetime as dt

from papertrend.transforms.digest_parser import parse_digest
from papertrend.transforms.render import format_score, render_digest
from tests.helpers import facts


def synthetic(rank: int, **changes) -> dict:
    entry = {
        "rank": rank,
        "is_golden": False,
        "title_en": f"SYNTHETIC paper {rank}: P(y|x) with <1 GB (V1.0)",
        "arxiv_id": f"2611.{rank:05d}",
        "org_raw": "Synthetic Lab, Example Org",
        "score": 33.5,
        "tags": ["Frontier Lab"],
        "upvotes": 7,
        "stars": 0,
    }
    return entry | changes


def test_rendered_entries_parse_back_to_the_same_facts():
    day = dt.date(2026, 11, 2)
    entries = [
        synthetic(1, is_golden=True, tags=["Super Lab", "Must Read"], score=60.06),
        synthetic(2, org_raw=None, tags=[], score=27.0),  # Unknown organization, no tags, one decimal
        synthetic(4, title_en="SYNTHETIC 金鹅 (Golden Goose)：mixed title", stars=24514),  # rank 3 was quarantined
    ]
    text = render_digest(day, reversed(entries))
    assert text.startswith("# 每日论文汇总 - 2026-11-02\n\n**论文数量**: 3\n\n---\n\n### 🏆 1. ")
    assert (
        "###  2. " in text and "**组织**: Unknown\n" in text and "**标签**: \n" in text and "**得分**: 27.0\n" in text
    )
    parsed = parse_digest(text.encode(), "SYNTHETIC.md", day)
    assert parsed.status == "loaded" and not parsed.quarantine
    assert facts(parsed.entries) == [{**e, "digest_date": day, "source_path": "SYNTHETIC.md"} for e in entries]


def test_an_empty_day_renders_as_the_generator_writes_it():
    text = render_digest(dt.date(2026, 11, 1), [])
    parsed = parse_digest(text.encode(), "SYNTHETIC.md", dt.date(2026, 11, 1))
    assert parsed.status == "empty" and parsed.entries == [] and "2026" not in text


def test_scores_print_as_the_generator_rounds_them():
    assert [format_score(s) for s in (60.06, 27.0, 27, 20.694999, 128.7349)] == [
        "60.06",
        "27.0",
        "27.0",
        "20.69",
        "128.73",
    ]
