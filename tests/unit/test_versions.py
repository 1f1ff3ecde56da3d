"""version_tables: every version of each day's digest kept, in order, with what superseded it. SYNTHETIC digests."""

import datetime as dt

from papertrend.schemas import DIGEST_ENTRY_VERSIONS, DIGEST_VERSIONS, TRENDING_ENTRY_VERSIONS, TRENDING_VERSIONS
from papertrend.transforms.versions import Published, version_tables
from tests.synthetic import TRENDING, TRENDING_DAY, digest_text, synthetic_entries

D1, D2 = dt.date(2026, 2, 3), dt.date(2026, 2, 4)
T0 = dt.datetime(2026, 2, 4, 6, tzinfo=dt.UTC)


def _digest(day: dt.date, count: int) -> bytes:
    return digest_text(day, synthetic_entries(day, count)).encode()


def _path(day: dt.date) -> str:
    return f"output/{day}/papers/papers_summary.md"


def _at(hours: int) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def test_first_publication_then_republication_and_deletion():
    history = [
        Published(D1, _path(D1), "c1", _at(0), _digest(D1, 2)),
        Published(D2, _path(D2), "c2", _at(1), _digest(D2, 3)),
        Published(D1, _path(D1), "c3", _at(2), _digest(D1, 4)),  # published again, two papers more
        Published(D2, _path(D2), "c4", _at(3), None),  # deleted
    ]
    versions, entries = version_tables(history, DIGEST_VERSIONS.empty(), DIGEST_ENTRY_VERSIONS.empty())
    assert DIGEST_VERSIONS.validate(versions) is None and DIGEST_ENTRY_VERSIONS.validate(entries) is None
    rows = versions.select("digest_date", "commit", "version", "change", "entries", "is_current", "superseded_by")
    assert rows.rows() == [
        (D1, "c1", 1, "published", 2, False, "c3"),
        (D1, "c3", 2, "republished", 4, True, None),
        (D2, "c2", 1, "published", 3, False, "c4"),
        (D2, "c4", 2, "deleted", 0, False, None),
    ]
    assert entries.height == 2 + 3 + 4  # every version's entries, under its content hash


def test_a_rewritten_history_keeps_what_was_recorded():
    before = [Published(D1, _path(D1), "c1", _at(0), _digest(D1, 2))]
    recorded = version_tables(before, DIGEST_VERSIONS.empty(), DIGEST_ENTRY_VERSIONS.empty())
    after = [Published(D1, _path(D1), "x1", _at(5), _digest(D1, 3))]  # a force-push replaced c1
    versions, entries = version_tables(after, *recorded)
    assert versions.select("commit", "version", "in_history", "is_current").rows() == [
        ("c1", 1, False, False),
        ("x1", 2, True, True),
    ]
    assert entries.height == 2 + 3
    # the same history read again changes nothing
    again = version_tables(after, versions, entries)
    assert again[0].equals(versions) and again[1].equals(entries)


def test_a_folder_keeps_the_versions_it_saw():
    first = version_tables(
        [Published(D1, _path(D1), None, None, _digest(D1, 2))], DIGEST_VERSIONS.empty(), DIGEST_ENTRY_VERSIONS.empty()
    )
    versions, _ = version_tables([Published(D1, _path(D1), None, None, _digest(D1, 5))], *first)
    assert versions.select("version", "change", "entries", "is_current").rows() == [
        (1, "published", 2, False),
        (2, "republished", 5, True),
    ]


def test_trending_lists_keep_their_versions_too():
    path = f"output/{TRENDING_DAY}/github_trending.md"
    again = TRENDING.replace("**Stars**: 1,200", "**Stars**: 1,250")  # the list published again, one count moved
    history = [
        Published(TRENDING_DAY, path, "c1", _at(0), TRENDING.encode()),
        Published(TRENDING_DAY, path, "c2", _at(1), again.encode()),
    ]
    empty = TRENDING_VERSIONS.empty(), TRENDING_ENTRY_VERSIONS.empty()
    versions, entries = version_tables(history, *empty, kind="github_trending")
    assert TRENDING_VERSIONS.validate(versions) is None and TRENDING_ENTRY_VERSIONS.validate(entries) is None
    assert versions.select("version", "change", "entries", "is_current").rows() == [
        (1, "published", 2, False),
        (2, "republished", 2, True),
    ]
    totals = entries.filter(entries["repo_full_name"] == "synthetic-owner/beta").sort("stars_total")["stars_total"]
    assert totals.to_list() == [1200, 1250]
