"""A SYNTHETIC digest corpus for benchmarks, deterministic from a seed, for any span of days.

Each day gets a digest with the probability measured for its weekday in the real corpus; each
digest draws its entry count and its entries (upvotes, stars, comments, lab tier, organization,
title and summary lengths, together, so their correlations hold) from bench/corpus_stats.json.
Titles are invented words starting with 'Synthetic', and every file says it is synthetic. Scores,
tags, golden marks and order follow the generator's rules, so the analytics explain every score.
The same draw gives the fake Hugging Face server its daily lists, so enrichment sees the same facts.
"""

import datetime as dt
import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

STATS = Path(__file__).resolve().parent / "corpus_stats.json"
MARKER = "> SYNTHETIC benchmark digest written by bench/synth.py (seed {seed}): invented titles, not real papers."
# Words for invented titles: the taxonomy's vocabulary, so topics label synthetic papers as they do real ones.
WORDS = (
    "Agent Agentic Reasoning Diffusion Video Generation Multimodal Vision Language Model Benchmark Robot "
    "Manipulation Reinforcement Learning Policy Reward Efficient Inference Sparse Attention Memory Context "
    "Retrieval Search 3D Scene Reconstruction Gaussian World Simulation Code Math Proof Speech Audio Safety "
    "Alignment Data Dataset Scaling Training Tokenizer Editing Image Medical Graph Evaluation Long Streaming "
    "Unified Omni Planning Tool GUI Web Document OCR Chart Embodied Navigation Driving Quantization Distillation"
).split()
ZH_FILL = "合成测试文本用于性能基准并非真实论文内容"


@dataclass
class SynthCorpus:
    root: Path
    days: list[dt.date]  # days with a digest
    daily: dict[dt.date, list[dict]]  # what the fake Hugging Face lists each day
    entries: int
    bytes: int


def _score(upvotes: int, stars: int, comments: int, tier: str) -> float:
    bonus = {"super": 50, "frontier": 20}.get(tier, 0)
    return round(5 * math.log1p(upvotes) + 6 * math.log1p(stars) + math.log1p(comments) + bonus, 2)


def _title(rng: random.Random, length: int) -> str:
    words = ["Synthetic"]
    while len(" ".join(words)) < length:
        words.append(rng.choice(WORDS))
    return " ".join(words)


def _zh(length: int) -> str:
    return (ZH_FILL * (length // len(ZH_FILL) + 1))[:length]


def generate(root: Path, start: dt.date, days: int, seed: int = 7) -> SynthCorpus:
    stats = json.loads(STATS.read_text(encoding="utf-8"))
    records, counts, presence = stats["records"], stats["entries_per_digest"], stats["weekday_presence"]
    rng = random.Random(seed)
    daily: dict[dt.date, list[dict]] = {}
    loaded, total_entries, total_bytes = [], 0, 0
    serial = 0
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        if rng.random() >= presence[day.weekday()]:
            continue
        rows = []
        for _ in range(rng.choice(counts)):
            upvotes, stars, comments, tier, must_read, org, len_en, len_zh, len_summary, highlights = rng.choice(
                records
            )
            serial += 1
            viral = stars > 2000 or upvotes > 500
            tags = ["Super Lab"] if tier == "super" else ["Frontier Lab"] if tier == "frontier" else []
            tags += (["Must Read"] if must_read and tier == "super" else []) + (["Viral"] if viral else [])
            rows.append(
                dict(
                    arxiv_id=f"{day:%y%m}.{serial % 100000:05d}",
                    title=_title(rng, len_en),
                    org=org or "Unknown",
                    upvotes=upvotes,
                    stars=stars,
                    comments=comments,
                    score=_score(upvotes, stars, comments, tier),
                    tags=tags,
                    golden=viral or "Must Read" in tags,
                    title_zh=_zh(len_zh) if len_zh else None,
                    summary=_zh(len_summary) if len_summary else None,
                    highlights=[_zh(24)] * highlights,
                )
            )
        rows.sort(key=lambda r: (not r["golden"], -r["score"]))
        path = root / "output" / day.isoformat() / "papers" / "papers_summary.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = _digest(day, rows, seed)
        path.write_text(text, encoding="utf-8")
        total_bytes += len(text.encode("utf-8"))
        daily[day] = [
            {
                "arxiv_id": r["arxiv_id"],
                "org": None if r["org"] == "Unknown" else r["org"],
                "upvotes": r["upvotes"],
                "stars": r["stars"],
            }
            for r in rows
        ]
        loaded.append(day)
        total_entries += len(rows)
    return SynthCorpus(root, loaded, daily, total_entries, total_bytes)


def _digest(day: dt.date, rows: list[dict], seed: int) -> str:
    lines = [
        f"# 每日论文汇总 - {day.isoformat()}",
        "",
        MARKER.format(seed=seed),
        "",
        f"**论文数量**: {len(rows)}",
        "",
        "---",
        "",
    ]
    for rank, r in enumerate(rows, start=1):
        title = f"{r['title_zh']} ({r['title']})" if r["title_zh"] else r["title"]
        url = f"https://arxiv.org/abs/{r['arxiv_id']}"
        lines += [
            f"### {'🏆' if r['golden'] else ''} {rank}. {title}",
            "",
            f"**论文链接**: [{url}]({url})",
            f"**组织**: {r['org']}",
            f"**得分**: {r['score']}",
            f"**标签**: {', '.join(r['tags'])}",
            f"**Upvotes**: {r['upvotes']} | **Stars**: {r['stars']}",
            "",
        ]
        if r["summary"]:
            lines += [f"**摘要**: {r['summary']}", ""]
        if r["highlights"]:
            lines += ["**亮点**:"] + [f"  - {h}" for h in r["highlights"]] + [""]
        lines += ["---", ""]
    return "\n".join(lines)
