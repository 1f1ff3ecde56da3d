"""SYNTHETIC test digests, written in the generator's format (docs/digest-format.md).

Every title, organization and number here is invented for tests; titles say "Synthetic". None of
it is a real paper. Real digests are only read from ../shared or the bundled examples.
"""

import datetime as dt
import json
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


TRENDING_DAY = dt.date(2026, 3, 10)
# A SYNTHETIC trending list of TRENDING_DAY in the generator's layout (repositories and numbers invented).
TRENDING = """# GitHub 热门项目 | 2026-03-10

## 📊 今日榜单

### 1. synthetic-owner/alpha
**分类**: SYNTHETIC | **语言**: Python | **Stars**: 25956 | **今日**: +6223
**链接**: https://github.com/synthetic-owner/alpha

**摘要**: SYNTHETIC placeholder.

---

### 2. synthetic-owner/beta
**语言**: Rust | **Stars**: 1,200 | **今日**: +80
**链接**: https://github.com/synthetic-owner/beta

---
"""


def write_repo_tree(root: Path) -> str:
    """A SYNTHETIC clone of the source repository's layout on TRENDING_DAY; returns the noted paper's id."""
    day = TRENDING_DAY
    day_dir = root / "output" / day.isoformat()
    write_digest(root, day, synthetic_entries(day, 2))
    (day_dir / "github_trending.md").write_text(TRENDING, encoding="utf-8")
    (day_dir / "hacker_news.md").write_text("# Hacker News Top 30 | 2026-03-10\n\n### 1. SYNTHETIC\n", encoding="utf-8")
    (day_dir / "daily_report.md").write_text("# AI 每日情报 | 2026-03-10\n\n### 1. SYNTHETIC\n", encoding="utf-8")
    note_id = synthetic_entries(day, 2)[1].arxiv_id
    (day_dir / "papers" / f"papers_note_{note_id}.md").write_text(
        "# Synthetic note\n\n**arXiv ID**: x\n", encoding="utf-8"
    )
    scores = [float(e.score) for e in synthetic_entries(day, 2)]
    (day_dir / "stats.json").write_text(
        json.dumps(
            {
                "date": day.isoformat(),
                "github": {"total_stars_today": 6303, "repo_count": 2},
                "papers": {"total_score": round(sum(scores), 2), "count": 2},
            }
        ),
        encoding="utf-8",
    )
    plans = root / "docs" / "plans"
    plans.mkdir(parents=True)
    (plans / f"{day}-synthetic-design.md").write_text("# Synthetic design\n\n### 1. step\n", encoding="utf-8")
    (root / "README.md").write_text("# Synthetic repository\n", encoding="utf-8")
    return note_id
