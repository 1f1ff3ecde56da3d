"""The trend report: charts (PNG) and one self-contained HTML page built from the analyst database.

Every figure is drawn from the warehouse's views, so the report shows what an analyst's SQL would
return. The page is a Jinja2 template (``templates/trend_report.html.j2``) rendered with autoescape, so
all text from the digests is escaped (titles can hold '<script>'), and matplotlib's math parsing is off
so a '$' in a title stays a dollar sign.
"""

import base64
import datetime as dt
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import jinja2
import matplotlib

matplotlib.use("Agg")  # no screen on servers; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402

from ..transforms import clock  # noqa: E402

plt.rcParams.update(
    {
        "text.parse_math": False,
        "figure.dpi": 100,
        "savefig.dpi": 110,
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)

CHARTS = {
    "org_share": "Organization share of digest appearances, by month",
    "rising_topics": "Rising topics: weekly share of papers",
    "score_components": "What the score is made of, over time",
    "star_momentum": "Stars gained in the 30 days after a paper's first appearance",
    "selection_bias": "What the lab bonus buys: share of the digest, of a cut by counts alone, of the full lists",
}
TOP_ORGS, RISING_TOPICS, MOMENTUM_PAPERS, BIAS_ROWS = 8, 6, 15, 10


@dataclass
class Report:
    html_path: Path
    charts: dict[str, Path]
    top_orgs: list[tuple[str, int, float]] = field(default_factory=list)
    rising_topics: list[tuple[str, float, float]] = field(default_factory=list)
    rule_changes: list[tuple[dt.date, str]] = field(default_factory=list)
    score_summary: dict[str, int] = field(default_factory=dict)

    def png_bytes(self, name: str) -> bytes:
        return self.charts[name].read_bytes()


def _rows(con, sql: str, params=()) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    fig.savefig(temporary, format="png")
    plt.close(fig)
    os.replace(temporary, path)
    return path


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, color="#555")
    ax.set_xticks([])
    ax.set_yticks([])


def _org_share(con, path: Path) -> tuple[Path, list]:
    top = _rows(
        con,
        """
        SELECT org_key, any_value(org_name), sum(appearances) AS n,
               round(sum(appearances) / (SELECT sum(appearances) FROM org_trends WHERE period = 'month'), 4)
        FROM org_trends WHERE period = 'month' AND org_key <> 'unknown'
        GROUP BY org_key ORDER BY n DESC, org_key LIMIT 10""",
    )
    months = [
        r[0] for r in _rows(con, "SELECT DISTINCT period_start FROM org_trends WHERE period = 'month' ORDER BY 1")
    ]
    fig, ax = plt.subplots(figsize=(9, 4.2))
    if not months:
        _empty(ax, "No appearances loaded yet")
    else:
        bottom = [0.0] * len(months)
        for key, name, _, _ in top[:TOP_ORGS]:
            share = dict(
                _rows(con, "SELECT period_start, share FROM org_trends WHERE period = 'month' AND org_key = ?", [key])
            )
            values = [share.get(m, 0.0) for m in months]
            ax.bar(range(len(months)), values, bottom=bottom, label=name)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.bar(range(len(months)), [1 - b for b in bottom], bottom=bottom, color="#ddd", label="all others and unknown")
        step = max(1, len(months) // 12)
        ax.set_xticks(
            list(range(len(months)))[::step], [m.strftime("%Y-%m") for m in months][::step], rotation=45, ha="right"
        )
        ax.set_ylabel("share of appearances")
        ax.set_ylim(0, 1)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1, 1))
    ax.set_title(CHARTS["org_share"])
    return _save(fig, path), [(name, int(n), float(share)) for _, name, n, share in top]


def _rising(con) -> list[tuple[str, str, float, float]]:
    """Topics whose share of papers grew most from the earlier to the later half of the loaded weeks
    (at most the last 8 weeks against the 8 before)."""
    weeks = [r[0] for r in _rows(con, "SELECT DISTINCT week_start FROM topic_trends ORDER BY 1")]
    if len(weeks) < 2:
        return []
    span = min(8, len(weeks) // 2)
    recent, earlier = weeks[-span:], weeks[-2 * span : -span]
    return _rows(
        con,
        """
        WITH papers AS (SELECT week_start, max(week_papers) AS n FROM topic_trends GROUP BY week_start),
        shares AS (
            SELECT t.topic_key, any_value(t.name_en) AS name_en,
                   sum(t.papers) FILTER (WHERE t.week_start >= ?)
                       / (SELECT sum(n) FROM papers WHERE week_start >= ?) AS recent,
                   coalesce(sum(t.papers) FILTER (WHERE t.week_start BETWEEN ? AND ?), 0)
                       / (SELECT sum(n) FROM papers WHERE week_start BETWEEN ? AND ?) AS earlier
            FROM topic_trends AS t GROUP BY t.topic_key
        )
        SELECT topic_key, name_en, round(coalesce(earlier, 0), 4), round(coalesce(recent, 0), 4) FROM shares
        ORDER BY coalesce(recent, 0) - coalesce(earlier, 0) DESC, topic_key""",
        [recent[0], recent[0], earlier[0], earlier[-1], earlier[0], earlier[-1]],
    )


def _rising_topics(con, path: Path) -> tuple[Path, list]:
    rising = _rising(con)[:RISING_TOPICS]
    fig, ax = plt.subplots(figsize=(9, 4.2))
    if not rising:
        _empty(ax, "Fewer than two weeks loaded: no trend to show yet")
    for key, name, _, _ in rising:
        points = _rows(
            con,
            """
            SELECT week_start, avg(share) OVER (ORDER BY week_start ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)
            FROM topic_trends WHERE topic_key = ? ORDER BY week_start""",
            [key],
        )
        ax.plot([p[0] for p in points], [p[1] for p in points], marker=".", label=name)
    if rising:
        ax.set_ylabel("share of the week's papers (4-week mean)")
        ax.legend(fontsize=7)
        fig.autofmt_xdate()
    ax.set_title(CHARTS["rising_topics"])
    return _save(fig, path), [(name, earlier, recent) for _, name, earlier, recent in rising]


def _score_components(con, path: Path) -> Path:
    [(weeks_loaded,)] = _rows(con, "SELECT count(DISTINCT date_trunc('week', digest_date)) FROM fct_paper_appearances")
    unit = "week" if weeks_loaded <= 60 else "month"  # a bar per week stops being readable after a year
    periods = _rows(
        con,
        """
        SELECT date_trunc(?, digest_date)::DATE, avg(upvote_part), avg(star_part), avg(lab_bonus), avg(remainder),
               median(score)
        FROM fct_paper_appearances GROUP BY 1 ORDER BY 1""",
        [unit],
    )
    fig, ax = plt.subplots(figsize=(9, 4.2))
    if not periods:
        _empty(ax, "No appearances loaded yet")
    else:
        x = range(len(periods))
        bottom = [0.0] * len(periods)
        for index, label in enumerate(["5·ln(1+upvotes)", "6·ln(1+stars)", "lab bonus", "1·ln(1+comments)"], start=1):
            values = [p[index] for p in periods]
            ax.bar(x, values, bottom=bottom, width=0.9, label=label)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.plot(x, [p[5] for p in periods], color="black", marker=".", label="median score")
        step = max(1, len(periods) // 12)
        ax.set_xticks(list(x)[::step], [p[0].isoformat() for p in periods][::step], rotation=45, ha="right")
        ax.set_ylabel("mean points per appearance")
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1, 1))
    ax.set_title(f"What the score is made of, by {unit}")
    return _save(fig, path)


def _star_momentum(con, path: Path) -> Path:
    rows = _rows(
        con,
        """
        SELECT title_en, repo_full_name, stars_gained_30d FROM paper_momentum
        WHERE stars_gained_30d IS NOT NULL ORDER BY stars_gained_30d DESC, arxiv_id LIMIT ?""",
        [MOMENTUM_PAPERS],
    )
    status = _rows(con, "SELECT momentum_status, count(*) FROM paper_momentum GROUP BY 1 ORDER BY 2 DESC")
    fig, ax = plt.subplots(figsize=(9, 4.8))
    if not rows:
        lines = "\n".join(f"{n:,} papers: {s}" for s, n in status) or "no papers loaded"
        _empty(ax, "No 30-day star history yet (GitHub enrichment pending or offline)\n\n" + lines)
    else:
        labels = [f"{(t[:50] + '…') if len(t) > 50 else t}\n{r}" for t, r, _ in rows][::-1]
        ax.barh(range(len(rows)), [g for _, _, g in rows][::-1])
        ax.set_yticks(range(len(rows)), labels, fontsize=6)
        ax.set_xlabel("stars gained in 30 days")
    ax.set_title(CHARTS["star_momentum"])
    return _save(fig, path)


def _selection_bias(con, path: Path) -> tuple[Path, list]:
    """Per organization and topic (the selection_bias view): its share of the digests beside its share of a
    cut by counts alone and of the full daily lists; the organizations and topics the bonus moves most."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.8))
    found = []
    for ax, dimension in zip(axes, ("organization", "topic"), strict=True):
        rows = _rows(
            con,
            """SELECT name, digest_share, counts_top_share, list_share, bought_by_bonus FROM selection_bias
               WHERE dimension = ? ORDER BY abs(bought_by_bonus) DESC, key LIMIT ?""",
            [dimension, BIAS_ROWS],
        )
        found += [(dimension, *r) for r in rows]
        if not rows:
            _empty(ax, "No day has both a digest and its Hugging Face list yet\n(Hugging Face enrichment pending)")
            continue
        rows = rows[::-1]
        y = range(len(rows))
        for offset, index, label in ((-0.27, 1, "digest"), (0, 2, "top by counts alone"), (0.27, 3, "full lists")):
            ax.barh([v + offset for v in y], [r[index] for r in rows], height=0.26, label=label)
        ax.set_yticks(list(y), [(n[:28] + "…") if len(n) > 28 else n for n, *_ in rows], fontsize=7)
        ax.set_xlabel("share of papers")
        ax.set_title(f"by {dimension}", fontsize=9)
    for ax in axes:
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc="lower right")
            break
    fig.suptitle(CHARTS["selection_bias"], fontsize=10)
    return _save(fig, path), found


_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=True,  # titles, organizations and evidence come from digests: never markup
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)


def build_report(database: Path, out_dir: Path) -> Report:
    """Write ``trend_report.html`` and one PNG per chart into ``out_dir``; return what it found."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(database), read_only=True) as con:
        org_png, top_orgs = _org_share(con, out_dir / "org_share.png")
        topics_png, rising = _rising_topics(con, out_dir / "rising_topics.png")
        charts = {
            "org_share": org_png,
            "rising_topics": topics_png,
            "score_components": _score_components(con, out_dir / "score_components.png"),
            "star_momentum": _star_momentum(con, out_dir / "star_momentum.png"),
        }
        charts["selection_bias"], bias = _selection_bias(con, out_dir / "selection_bias.png")
        changes = _rows(con, "SELECT rule_change_date, evidence FROM rule_changes ORDER BY 1")
        summary: dict[str, int] = dict(
            zip(
                ("appearances", "explained", "rule_flagged", "tier_conflicts"),
                _rows(
                    con,
                    """SELECT count(*), count(*) FILTER (WHERE score_explained),
                              count(*) FILTER (WHERE len(rule_flags) > 0), count(*) FILTER (WHERE tier_conflict)
                       FROM score_breakdown""",
                )[0],
                strict=True,
            )
        )
        span = _rows(
            con, "SELECT min(digest_date), max(digest_date), count(DISTINCT digest_date) FROM fct_paper_appearances"
        )[0]
        latest = _rows(
            con,
            """SELECT digest_date, rank, title_en, coalesce(org_raw, 'Unknown'), score, array_to_string(tags, ', ')
               FROM fct_paper_appearances
               WHERE digest_date > (SELECT max(digest_date) - 7 FROM fct_paper_appearances)
               ORDER BY score DESC, digest_date, rank LIMIT 10""",
        )
        momentum = _rows(
            con,
            """SELECT arxiv_id, title_en, repo_full_name, stars_gained_7d, stars_gained_30d FROM paper_momentum
                                 WHERE stars_gained_30d IS NOT NULL ORDER BY stars_gained_30d DESC LIMIT 10""",
        )
    report = Report(out_dir / "trend_report.html", charts, top_orgs, rising, changes, summary)
    page = _TEMPLATES.get_template("trend_report.html.j2").render(
        span=span,
        built_at=clock.now().isoformat(timespec="seconds"),
        latest=latest,
        charts={
            name: {"name": name, "title": title, "png_base64": base64.b64encode(charts[name].read_bytes()).decode()}
            for name, title in CHARTS.items()
        },
        top_orgs=[(n, c, f"{s:.1%}") for n, c, s in top_orgs],
        rising_topics=[(n, f"{e:.1%}", f"{r:.1%}") for n, e, r in report.rising_topics],
        explained=summary.get("explained", 0),
        appearances=summary.get("appearances", 0),
        explained_share=summary.get("explained", 0) / (summary.get("appearances", 0) or 1),
        rule_flagged=summary.get("rule_flagged", 0),
        tier_conflicts=summary.get("tier_conflicts", 0),
        changes=changes,
        momentum=momentum,
        bias=[
            (d, n, f"{digest:.1%}", f"{counts:.1%}", f"{listed:.1%}", f"{bought:+.1%}")
            for d, n, digest, counts, listed, bought in bias
        ],
    )
    temporary = report.html_path.with_name(f".{report.html_path.name}.{uuid.uuid4().hex}.tmp")
    temporary.write_text(page, encoding="utf-8")
    os.replace(temporary, report.html_path)
    return report
