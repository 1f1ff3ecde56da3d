"""Map the organization strings printed in digests to canonical organizations.

The mapping is reviewed data (``transforms/reference/org_aliases.csv``), not code: analysts edit the
file; this module reads it, checks it, and applies it. A string the file does not know still loads
as its own organization, flagged ``unreviewed`` so the gap is visible instead of silent.
"""

import re
import unicodedata
from importlib import resources
from pathlib import Path

import polars as pl

UNKNOWN_ORG = "Unknown"  # what a digest prints when the source had no organization


def default_aliases_path() -> Path:
    return Path(str(resources.files("papertrend.transforms") / "reference" / "org_aliases.csv"))


def lookup_key(text: str) -> str:
    """What two spellings must share to be the same string: case, width, spacing and trailing
    punctuation do not count ('Mistral AI_' and 'mistral ai' share a key)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"[\s_.,;:\-]+$", "", text)


def org_key(name: str) -> str:
    """Stable identifier of a canonical organization: its name in lower case, words joined by '-'."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", name).casefold().replace("&", " and "))
    return "-".join(words)


def load_aliases(path: str | Path | None = None) -> pl.DataFrame:
    """The reviewed alias table, checked: errors name the file, the line and the field.

    Each row also carries its ``key`` (lookup_key of raw_org), which map_orgs joins on.
    """
    path = Path(path) if path else default_aliases_path()
    aliases = pl.read_csv(
        path, comment_prefix="#", schema=dict.fromkeys(("raw_org", "org", "parent_org", "merge_reason"), pl.String)
    )
    first_line = 1 + next(
        i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()) if not line.startswith("#")
    )
    problems = []
    for index, row in enumerate(aliases.iter_rows(named=True)):
        where = f"{path}:{first_line + 1 + index}"
        for field_name in ("raw_org", "org"):
            if not (row[field_name] or "").strip():
                problems.append(f"{where}: field {field_name} is empty")
    keyed = aliases.with_columns(pl.col("raw_org").map_elements(lookup_key, return_dtype=pl.String).alias("key"))
    clashes = keyed.group_by("key").agg(pl.col("org").unique()).filter(pl.col("org").list.len() > 1)
    for key, orgs in clashes.iter_rows():
        problems.append(f"{path}: spellings of {key!r} map to different orgs {sorted(orgs)}")
    parents = keyed.group_by("org").agg(pl.col("parent_org").unique()).filter(pl.col("parent_org").list.len() > 1)
    for org, names in parents.iter_rows():
        problems.append(f"{path}: org {org!r} has more than one parent_org {sorted(n or '' for n in names)}")
    if problems:
        raise ValueError("\n".join(problems))
    _check_acyclic(dict(keyed.select("org", "parent_org").unique().iter_rows()), path)
    return keyed


def _check_acyclic(parent_of: dict[str, str | None], path: Path) -> None:
    for start in parent_of:
        seen, org = [start], parent_of.get(start)
        while org:
            if org in seen:
                raise ValueError(f"{path}: parent_org cycle {' -> '.join(seen + [org])}")
            seen.append(org)
            org = parent_of.get(org)


def map_orgs(org_raw: pl.Series, aliases: pl.DataFrame) -> pl.DataFrame:
    """For each printed string (null = 'Unknown'): org_key, org_name and whether the file reviewed it."""
    table = aliases.unique("key", keep="first", maintain_order=True).select("key", pl.col("org").alias("org_name"))
    raw = org_raw.fill_null(UNKNOWN_ORG).alias("raw")
    frame = pl.DataFrame(raw).with_columns(pl.col("raw").map_elements(lookup_key, return_dtype=pl.String).alias("key"))
    joined = frame.join(table, on="key", how="left", maintain_order="left")
    return joined.select(
        pl.col("org_name").is_not_null().alias("org_reviewed"),
        pl.coalesce("org_name", pl.col("raw").str.strip_chars()).alias("org_name"),
    ).with_columns(pl.col("org_name").map_elements(org_key, return_dtype=pl.String).alias("org_key"))


def build_dim_org(aliases: pl.DataFrame, unreviewed_names: list[str]) -> pl.DataFrame:
    """One row per canonical organization: from the file, its parents, and unreviewed strings."""
    parent_of = dict(aliases.select("org", "parent_org").unique().iter_rows())
    for parent in [p for p in parent_of.values() if p]:
        parent_of.setdefault(parent, None)
    raw_counts = aliases.group_by("org").agg(pl.len().alias("n"))
    spellings = dict(raw_counts.iter_rows())
    rows = []
    for name in sorted(parent_of, key=str.casefold):
        chain, top = [name], name
        while parent_of.get(top):
            top = parent_of[top]
            chain.append(top)
        rows.append(
            {
                "org_key": org_key(name),
                "org_name": name,
                "parent_org_key": org_key(parent_of[name]) if parent_of.get(name) else None,
                "top_org_key": org_key(top),
                "top_org_name": top,
                "depth": len(chain) - 1,
                "spellings": spellings.get(name, 0),
                "reviewed": True,
            }
        )
    known = {r["org_key"] for r in rows}
    for name in sorted(set(unreviewed_names), key=str.casefold):
        key = org_key(name)
        if key not in known:
            known.add(key)
            rows.append(
                {
                    "org_key": key,
                    "org_name": name,
                    "parent_org_key": None,
                    "top_org_key": key,
                    "top_org_name": name,
                    "depth": 0,
                    "spellings": 1,
                    "reviewed": False,
                }
            )
    return pl.DataFrame(rows)
