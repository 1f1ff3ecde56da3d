"""Write a day's entries back as a digest in the generator's layout: facts only.

The layout is the one ``digest_parser`` reads (docs/digest-format.md): a header with the
date, the declared count, then one block per entry. Only facts are written: the English title, the
arXiv link, the organization, the score, the tags and the two counts. Chinese titles, summaries and
highlights are an LLM's prose; they are never written, so a day from the bilingual period comes back
in the English-only layout the generator has used since 2026-03-13.
"""

import datetime as dt
from collections.abc import Iterable, Mapping

from .digest_parser import EMPTY_DAY_MARKER

UNKNOWN_ORG = "Unknown"


def format_score(score: float) -> str:
    """As the generator prints ``round(score, 2)``: '60.06', '27.0' (Python's shortest form)."""
    return str(round(float(score), 2))


def render_entry(entry: Mapping) -> str:
    """One entry's block, from its heading to the separator after it."""
    mark = "🏆" if entry["is_golden"] else ""
    link = f"https://arxiv.org/abs/{entry['arxiv_id']}"
    return (
        f"### {mark} {entry['rank']}. {entry['title_en']}\n"
        "\n"
        f"**论文链接**: [{link}]({link})\n"
        f"**组织**: {entry['org_raw'] or UNKNOWN_ORG}\n"
        f"**得分**: {format_score(entry['score'])}\n"
        f"**标签**: {', '.join(entry['tags'])}\n"
        f"**Upvotes**: {entry['upvotes']} | **Stars**: {entry['stars']}\n"
        "\n"
        "---\n"
    )


def render_digest(day: dt.date, entries: Iterable[Mapping], derived_by: str | None = None) -> str:
    """The digest of ``day``: its entries in rank order, or the generator's empty day when there are none.

    Each entry needs rank, is_golden, title_en, arxiv_id, org_raw (None for Unknown), score, tags,
    upvotes and stars: the columns of stg_digest_entries and of fct_derived_selection. A derived day
    (``derived_by``: how) says so in a quoted line under the count, which the parser passes over.
    """
    ordered = sorted(entries, key=lambda e: e["rank"])
    note = f"> Derived by papertrend, never printed: {derived_by}.\n\n" if derived_by else ""
    if not ordered:
        return f"# 每日论文汇总\n\n{note}{EMPTY_DAY_MARKER}\n"
    head = f"# 每日论文汇总 - {day.isoformat()}\n\n**论文数量**: {len(ordered)}\n\n{note}---\n\n"
    return head + "\n".join(render_entry(e) for e in ordered)
