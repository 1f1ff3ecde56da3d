"""Which GitHub repository a paper points at, and what its star history says per day. Pure functions.

Discovery order (docs/external-apis.md §3.3): Hugging Face ``githubRepo``, then GitHub links
in the arXiv comment, then in the abstract. URLs are normalised (scheme, ``www.``, ``.git``,
``/tree/...`` and other sub-paths, trailing punctuation); ``*.github.io`` project pages are not
repositories.

Star history dates: the endpoint labels each week with Sunday 00:00 UTC, but buckets its days by
the America/Los_Angeles calendar. We store ``star_date`` = the Sunday's calendar date + i for day i,
i.e. the Pacific-time calendar day the stars were given, and drop days that have not happened yet
in Pacific time (the current week is zero-filled ahead).
"""

import datetime as dt
import re

from .clock import PACIFIC

GITHUB_URL_RE = re.compile(
    r"(?:https?://)?(?:www\.)?github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/([A-Za-z0-9._-]+)", re.IGNORECASE
)
NOT_REPOSITORIES = {
    "features",
    "orgs",
    "topics",
    "sponsors",
    "about",
    "apps",
    "marketplace",
    "settings",
    "login",
    "search",
}


def normalise_repo(url: str | None) -> str | None:
    """``owner/name`` of the first GitHub repository URL in ``url``, or None."""
    if not url:
        return None
    found = find_repos(url)
    return found[0] if found else None


def find_repos(text: str | None) -> list[str]:
    """Every distinct ``owner/name`` linked in free text, in order of appearance."""
    repos: list[str] = []
    for owner, name in GITHUB_URL_RE.findall(text or ""):
        name = name.rstrip(".,;:)]}'\"")
        if name.lower().endswith(".git"):
            name = name[:-4]
        if not name or owner.lower() in NOT_REPOSITORIES or name in (".", ".."):
            continue
        full = f"{owner}/{name}"
        if full.lower() not in {r.lower() for r in repos}:
            repos.append(full)
    return repos


def discover(hf_repo: str | None, comment: str | None, abstract: str | None) -> list[tuple[str, str]]:
    """(owner/name, source) for a paper, by priority, each repository once."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    candidates = [(normalise_repo(hf_repo), "hf_github_repo")]
    candidates += [(r, "arxiv_comment") for r in find_repos(comment)]
    candidates += [(r, "arxiv_abstract") for r in find_repos(abstract)]
    for repo, source in candidates:
        if repo and repo.lower() not in seen:
            seen.add(repo.lower())
            out.append((repo, source))
    return out


def daily_from_weeks(weeks: list[dict], current_total: int | None, now: dt.datetime) -> list[dict]:
    """Weekly ``{week, total, days[7]}`` rows -> one row per day with stars added and, when the
    current total is known, the running total anchored on it (total(d) = current - added after d)."""
    today_pacific = now.astimezone(PACIFIC).date()
    added: dict[dt.date, int] = {}
    for row in weeks:
        sunday = dt.datetime.fromtimestamp(row["week"], dt.UTC).date()
        for offset, count in enumerate(row["days"]):
            day = sunday + dt.timedelta(days=offset)
            if day <= today_pacific:
                added[day] = added.get(day, 0) + int(count)
    return anchor_totals([{"star_date": d, "stars_added": n} for d, n in added.items()], current_total)


def anchor_totals(rows: list[dict], current_total: int | None) -> list[dict]:
    """Rows of ``star_date, stars_added`` with ``stars_total`` = current total - stars added after the day."""
    out, after = [], 0
    for row in sorted(rows, key=lambda r: r["star_date"], reverse=True):
        total = None if current_total is None else current_total - after
        out.append({"star_date": row["star_date"], "stars_added": row["stars_added"], "stars_total": total})
        after += row["stars_added"]
    return sorted(out, key=lambda r: r["star_date"])


def daily_from_stargazers(starred_at: list[dt.datetime], current_total: int | None) -> list[dict]:
    """Individual ``starred_at`` times (the REST stargazers walk) -> per Pacific day, same shape."""
    added: dict[dt.date, int] = {}
    for moment in starred_at:
        day = moment.astimezone(PACIFIC).date()
        added[day] = added.get(day, 0) + 1
    rows: list[dict] = []
    running = 0
    for day in sorted(added):
        running += added[day]
        rows.append({"star_date": day, "stars_added": added[day], "stars_total": running})
    if current_total is not None and rows and running != current_total:
        shift = current_total - running  # stars beyond the walk's reach (the 40,000 cap) come first
        for row in rows:
            row["stars_total"] += shift
    return rows
