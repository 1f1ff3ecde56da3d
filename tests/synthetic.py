"""SYNTHETIC test digests, written in the generator's format (../shared/docs/digest-format.md).

Every title, organization and number here is invented for tests; titles say "Synthetic". None of
it is a real paper. Real digests are only read from ../shared or the bundled examples.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    arxiv_id: str = "2601.00001"
    title: str = "Synthetic Paper One"
    title_zh: str | None = None
    org: str = "Synthetic Lab"
    score: str = "42.5"
    tags: str = "Frontier Lab"
    upvotes: str = "7"
    stars: str = "12"
    golden: bool = False
    summary: str | None = None
    highlights: list[str] = field(default_factory=list)
    id_line: bool = False  # "**arXiv ID**: <id>" instead of the link line

    def lines(self, rank: int) -> list[str]:
        title = f"{self.title_zh} ({self.title})" if self.title_zh else self.title
        url = f"https://arxiv.org/abs/{self.arxiv_id}"
        out = [
            f"### {'🏆' if self.golden else ''} {rank}. {title}",
            "",
            f"**arXiv ID**: {self.arxiv_id}" if self.id_line else f"**论文链接**: [{url}]({url})",
            f"**组织**: {self.org}",
            f"**得分**: {self.score}",
            f"**标签**: {self.tags}",
            f"**Upvotes**: {self.upvotes} | **Stars**: {self.stars}",
            "",
        ]
        if self.summary:
            out += [f"**摘要**: {self.summary}", ""]
        if self.highlights:
            out += ["**亮点**:"] + [f"  - {h}" for h in self.highlights] + [""]
        return out + ["---", ""]


def digest_text(day: dt.date | None, entries: list[Entry], declared: int | None = None) -> str:
    if not entries and day is None:
        return "# 每日论文汇总\n\n今日无内容。"
    lines = [
        f"# 每日论文汇总 - {day.isoformat()}",
        "",
        f"**论文数量**: {len(entries) if declared is None else declared}",
        "",
        "---",
        "",
    ]
    for rank, entry in enumerate(entries, start=1):
        lines += entry.lines(rank)
    return "\n".join(lines)


def synthetic_entries(day: dt.date, count: int) -> list[Entry]:
    """``count`` well-formed synthetic entries whose ids and numbers derive from the date."""
    base = day.toordinal() % 10000
    return [
        Entry(
            arxiv_id=f"{day:%y%m}.{(base * 100 + i) % 100000:05d}",  # distinct for up to 100 a day
            title=f"Synthetic Paper {day.isoformat()} #{i + 1}",
            org=f"Synthetic Lab {i % 3}",
            score=f"{60 - i * 0.5:.2f}",
            tags="Frontier Lab" if i % 2 else "",
            upvotes=str(10 + i),
            stars=str(i * 3),
        )
        for i in range(count)
    ]


def write_digest(root: Path, day: dt.date, entries: list[Entry], **kwargs) -> Path:
    """Write in the corpus layout: <root>/output/<DATE>/papers/papers_summary.md."""
    path = root / "output" / day.isoformat() / "papers" / "papers_summary.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(digest_text(day, entries, **kwargs), encoding="utf-8")
    return path
