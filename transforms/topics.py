"""Label papers with topics from the reviewed taxonomy in ``transforms/reference/topics.toml``.

Multi-label and explainable: a paper gets every topic with a pattern matching one of its texts, and
each label keeps which text matched and the words that matched, so an analyst can see why.
"""

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import polars as pl
from polars.datatypes import DataTypeClass

# Text columns of the papers frame, as a label's `source`; English ones get the `en` patterns.
ENGLISH_SOURCES = ("title_en", "abstract")
CHINESE_SOURCES = ("title_zh", "summary_zh", "highlights")
CATEGORY_SOURCE = "arxiv_category"

PAPER_TEXT_SCHEMA: dict[str, pl.DataType | DataTypeClass] = {
    "arxiv_id": pl.String,
    "title_en": pl.String,
    "title_zh": pl.String,
    "summary_zh": pl.String,
    "highlights": pl.List(pl.String),
    "abstract": pl.String,
    "categories": pl.List(pl.String),
}


@dataclass(frozen=True)
class Topic:
    key: str
    name_en: str
    name_zh: str
    en: tuple[str, ...]
    zh: tuple[str, ...]
    categories: tuple[str, ...]

    @property
    def en_regex(self) -> str | None:
        return "(?i)(" + "|".join(f"(?:{p})" for p in self.en) + ")" if self.en else None

    @property
    def zh_regex(self) -> str | None:
        return "(" + "|".join(re.escape(k) for k in self.zh) + ")" if self.zh else None

    def category_matches(self, category: str) -> bool:
        return any(category == c or (c.endswith(".*") and category.startswith(c[:-1])) for c in self.categories)


@dataclass(frozen=True)
class Taxonomy:
    version: str
    topics: tuple[Topic, ...]
    path: str

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            [
                {
                    "topic_key": t.key,
                    "name_en": t.name_en,
                    "name_zh": t.name_zh,
                    "taxonomy_version": self.version,
                    "en_patterns": list(t.en),
                    "zh_keywords": list(t.zh),
                    "arxiv_categories": list(t.categories),
                }
                for t in self.topics
            ]
        )


def default_taxonomy_path() -> Path:
    return Path(str(resources.files("papertrend.transforms") / "reference" / "topics.toml"))


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read and check the taxonomy; errors name the file and the topic."""
    path = Path(path) if path else default_taxonomy_path()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise ValueError(f"{path}: missing `version`")
    topics, seen = [], set()
    for number, raw in enumerate(data.get("topic", []), start=1):
        key = raw.get("key", "")
        where = f"{path}: topic #{number} ({key or 'no key'})"
        if not re.fullmatch(r"[a-z0-9_]+", key) or key in seen:
            raise ValueError(f"{where}: `key` must be unique snake_case")
        for field_name in ("name_en", "name_zh"):
            if not raw.get(field_name):
                raise ValueError(f"{where}: `{field_name}` is required")
        for pattern in raw.get("en", []):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{where}: bad `en` pattern {pattern!r}: {exc}") from None
        if not (raw.get("en") or raw.get("zh") or raw.get("categories")):
            raise ValueError(f"{where}: no patterns, keywords or categories")
        seen.add(key)
        topics.append(
            Topic(
                key,
                raw["name_en"],
                raw["name_zh"],
                tuple(raw.get("en", [])),
                tuple(raw.get("zh", [])),
                tuple(raw.get("categories", [])),
            )
        )
    if not topics:
        raise ValueError(f"{path}: no [[topic]] entries")
    return Taxonomy(version, tuple(topics), str(path))


def label_papers(papers: pl.DataFrame, taxonomy: Taxonomy) -> pl.DataFrame:
    """One row per (paper, topic, source text) that matched, with the words that matched.

    ``papers`` has the columns of PAPER_TEXT_SCHEMA (nulls where a text is absent).
    """
    texts = papers.select(
        "arxiv_id",
        *[pl.col(c) for c in ("title_en", "abstract", "title_zh", "summary_zh")],
        pl.col("highlights").list.join("\n").alias("highlights"),
        pl.col("categories"),
    )
    categories = texts.select("arxiv_id", pl.col("categories")).explode("categories").drop_nulls("categories")
    frames = []
    for topic in taxonomy.topics:
        for sources, regex in ((ENGLISH_SOURCES, topic.en_regex), (CHINESE_SOURCES, topic.zh_regex)):
            if regex is None:
                continue
            for source in sources:
                matched = texts.select(
                    "arxiv_id",
                    pl.col(source)
                    .str.extract_all(regex)
                    .list.unique(maintain_order=True)
                    .list.join(", ")
                    .alias("matched"),
                ).filter(pl.col("matched").is_not_null() & (pl.col("matched") != ""))
                frames.append(
                    matched.with_columns(pl.lit(topic.key).alias("topic_key"), pl.lit(source).alias("source"))
                )
        if topic.categories:
            hits = (
                categories.filter(pl.col("categories").map_elements(topic.category_matches, return_dtype=pl.Boolean))
                .group_by("arxiv_id", maintain_order=True)
                .agg(pl.col("categories").str.join(", ").alias("matched"))
            )
            frames.append(
                hits.with_columns(pl.lit(topic.key).alias("topic_key"), pl.lit(CATEGORY_SOURCE).alias("source"))
            )
    schema = {"arxiv_id": pl.String, "matched": pl.String, "topic_key": pl.String, "source": pl.String}
    nonempty = [f.select(list(schema)).cast(pl.String) for f in frames if f.height]  # every column is a string
    labels = pl.concat(nonempty, how="vertical") if nonempty else pl.DataFrame(schema=schema)
    return labels.with_columns(pl.lit(taxonomy.version).alias("taxonomy_version")).sort(
        "arxiv_id", "topic_key", "source"
    )
