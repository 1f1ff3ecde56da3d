"""Measure the real corpus (../shared) into bench/corpus_stats.json, the model the synthetic
generator samples from. Only facts and figures are kept: counts, lengths, tags, organization names;
no title or summary text. Run again when the corpus grows: python -m bench.measure_corpus
"""

import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path

import polars as pl

from papertrend.transforms.discovery import discover_digests
from papertrend.transforms.ingest import ingest_days
from papertrend.transforms.scoring import decompose

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus" / "dailynews"
STATS = HERE / "corpus_stats.json"


def measure(corpus: Path) -> dict:
    sources = discover_digests(corpus)
    days = sorted(sources)
    entries = pl.concat([t.entries for t in ingest_days(sources, days) if t.entries.height])
    parts = decompose(entries)
    span = [days[0] + dt.timedelta(days=i) for i in range((days[-1] - days[0]).days + 1)]
    present = Counter(d.weekday() for d in days)
    total = Counter(d.weekday() for d in span)
    records = [
        [
            r["upvotes"],
            r["stars"],
            r["implied_comments"],
            r["lab_tier"],
            "Must Read" in r["tags"],
            r["org_raw"] or "",
            len(r["title_en"]),
            len(r["title_zh"] or ""),
            len(r["summary_zh"] or ""),
            len(r["highlights"]),
        ]
        for r in parts.iter_rows(named=True)
    ]
    return {
        "source": (
            "real corpus, measured by bench/measure_corpus.py (counts, lengths, tags and organization names only)"
        ),
        "first_day": days[0].isoformat(),
        "last_day": days[-1].isoformat(),
        "weekday_presence": [round(present[w] / total[w], 4) if total[w] else 0 for w in range(7)],
        "entries_per_digest": sorted(entries.group_by("digest_date").len().get_column("len").to_list()),
        "record_fields": [
            "upvotes",
            "stars",
            "comments",
            "lab_tier",
            "must_read",
            "org",
            "title_en_len",
            "title_zh_len",
            "summary_zh_len",
            "highlights",
        ],
        "records": records,
        "mean_file_bytes": round(sum(s.path.stat().st_size for s in sources.values()) / len(sources)),
    }


if __name__ == "__main__":
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    if not (corpus / "output").is_dir():
        sys.exit(f"no corpus at {corpus}")
    STATS.write_text(json.dumps(measure(corpus), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {STATS}")
