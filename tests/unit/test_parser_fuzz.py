"""Property-based tests: mutated digests never crash the parser, and nothing is lost.

Inputs are the bundled real digests and SYNTHETIC ones, mutated by hypothesis. The number of
examples is bounded for CI (about a minute); PAPERTREND_FUZZ_EXAMPLES raises it locally.
"""

import datetime as dt
import os
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papertrend.transforms import digest_parser
from papertrend.transforms.digest_parser import parse_digest
from papertrend.transforms.discovery import DigestSource
from papertrend.transforms.ingest import ingest_days
from tests.conftest import EXAMPLES
from tests.synthetic import Entry, digest_text, synthetic_entries

EXAMPLES_PER_TEST = int(os.environ.get("PAPERTREND_FUZZ_EXAMPLES", "2000"))
FUZZ = settings(
    max_examples=EXAMPLES_PER_TEST,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DAY = dt.date(2026, 3, 16)
HEADING = re.compile(r"^###(?!#)")
REAL = sorted(EXAMPLES.glob("output/*/papers/papers_summary.md"))
HOSTILE = [
    "<script>alert(1)</script>",
    "'); DROP TABLE stg_digest_entries; --",
    "../../etc/passwd",
    "C:\\Windows\\system32",
    "\x00",
    "\u202e",
    "🏆🏆",
    "### ",
    "**得分**: 1",
    "|",
    "x" * 1_000_000,
]


def headings(data: bytes) -> int:
    text = (
        data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    )
    return sum(1 for line in text.split("\n") if HEADING.match(line))


def line_reader_result(data: bytes, day: dt.date):
    """The same parse with the fast path off: every entry through the line-by-line reader."""
    digest_parser.FAST_PATH = False
    try:
        return parse_digest(data, "fuzz.md", day)
    finally:
        digest_parser.FAST_PATH = True


def assert_accounted(data: bytes, day: dt.date = DAY) -> None:
    result = parse_digest(data, "fuzz.md", day)  # must not raise
    assert result == line_reader_result(data, day)  # the fast path changes nothing but speed
    found = headings(data)
    if found:
        assert len(result.entries) + len(result.quarantine) == found
    else:  # a rejected file without headings is one quarantine row for the file
        assert result.entries == [] and len(result.quarantine) == (1 if result.status == "rejected" else 0)
    assert all(row["reason"] for row in result.quarantine)
    assert (
        len({row["source_line"] for row in result.quarantine} | {e["source_line"] for e in result.entries})
        == len(result.entries) + len(result.quarantine)
        or not found
    )


@st.composite
def mutated_digest(draw) -> bytes:
    if REAL and draw(st.booleans()):
        lines = draw(st.sampled_from(REAL)).read_bytes().split(b"\n")
    else:
        entries = synthetic_entries(DAY, draw(st.integers(0, 12)))
        lines = digest_text(DAY, entries).encode().split(b"\n")
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["insert", "delete", "swap", "duplicate", "bytes", "truncate", "hostile", "heading"]))
        at = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "insert":
            lines.insert(at, draw(st.text(max_size=80)).encode("utf-8", errors="surrogatepass"))
        elif op == "delete" and lines:
            del lines[at]
        elif op == "swap" and len(lines) > 1:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif op == "duplicate" and lines:
            lines.insert(at, lines[at])
        elif op == "bytes":
            lines.insert(at, draw(st.binary(max_size=40)))
        elif op == "truncate":
            data = b"\n".join(lines)
            lines = data[: draw(st.integers(0, len(data)))].split(b"\n")
        elif op == "hostile":
            lines.insert(
                at,
                b"### "
                + draw(st.sampled_from(["", "🏆 "])).encode()
                + b"1. "
                + draw(st.sampled_from(HOSTILE)).encode("utf-8", "surrogatepass"),
            )
        elif op == "heading":
            lines.insert(
                at, draw(st.sampled_from([b"###", b"### 2.", b"###  3. ", b"#### 4. not an entry", b"### \xff\xfe"]))
            )
    return b"\n".join(lines)


@FUZZ
@given(mutated_digest())
def test_mutated_digests_never_raise_and_lose_nothing(data):
    assert_accounted(data)


@FUZZ
@given(st.binary(max_size=4000))
def test_random_bytes_never_raise(data):
    assert_accounted(data)


# The parser itself is fuzzed with the full count above; following a quarter as many through pandera keeps the
# unit layer under a minute (each validation costs ~8 ms, the same code whatever the mutation).
@settings(FUZZ, max_examples=max(1, EXAMPLES_PER_TEST // 4))
@given(data=mutated_digest())
def test_ingest_accounts_for_every_heading_through_the_contract(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / f"{DAY}.md"
    path.write_bytes(data)
    [day] = ingest_days({DAY: DigestSource(DAY, (path,), path.parent)}, [DAY])
    found = headings(data)
    assert day.entries.height + day.quarantine.height == (found or day.quarantine.height)
    row = day.file_row
    assert row["parsed_count"] == day.entries.height and row["quarantined_count"] == day.quarantine.height


def test_large_inputs():
    """Thousands of entries, a 1 MB line, headings without bodies: bounded work, all accounted for."""
    many = digest_text(DAY, synthetic_entries(DAY, 100) * 30).encode()  # 3,000 entries
    result = parse_digest(many, "many.md", DAY)
    assert len(result.entries) == 3000 and result.quarantine == []
    long_title = digest_text(DAY, [Entry(title="Synthetic " + "x" * 1_000_000)]).encode()
    [entry] = parse_digest(long_title, "long.md", DAY).entries
    assert len(entry["title_en"]) == 1_000_010
    bare = (
        b"# \xe6\xaf\x8f\xe6\x97\xa5\xe8\xae\xba\xe6\x96\x87\xe6\xb1\x87\xe6\x80\xbb - 2026-03-16\n"
        + b"### 1. Synthetic\n" * 500
    )
    result = parse_digest(bare, "bare.md", DAY)
    assert result.entries == [] and len(result.quarantine) == 500
    assert result.quarantine[0]["reason"].startswith("**论文链接** (or **arXiv ID**) (line 2): missing")
    assert len(parse_digest(b"x" * 2_000_000, "junk.md", DAY).quarantine[0]["raw_text"]) < 70_000  # raw text is capped


def test_every_real_example_is_fully_accounted_for():
    assert REAL, f"no bundled examples under {EXAMPLES}"
    for path in REAL:
        assert_accounted(path.read_bytes(), dt.date.fromisoformat(Path(path).parts[-3]))
