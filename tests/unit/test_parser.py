"""The digest parser on every variant of digest-format.md. All inputs here are SYNTHETIC."""

import datetime as dt

import pytest

from papertrend.transforms.digest_parser import parse_digest, split_title
from tests.conftest import CORPUS, EXAMPLES
from tests.synthetic import Entry, digest_text

DAY = dt.date(2026, 2, 9)


def parse(text: str, day: dt.date | None = DAY, encoding: str = "utf-8"):
    return parse_digest(text.encode(encoding), "synthetic.md", day)


def test_plain_entry_fields():
    result = parse(
        digest_text(DAY, [Entry(org="Synthetic Lab ", tags="Super Lab, Must Read", golden=True, score="66.55")])
    )
    assert result.status == "loaded" and result.status_reason is None
    assert result.declared_count == 1
    [entry] = result.entries
    assert entry["rank"] == 1 and entry["is_golden"] is True
    assert entry["arxiv_id"] == "2601.00001"
    assert entry["org_raw"] == "Synthetic Lab"  # trailing space trimmed
    assert entry["score"] == 66.55
    assert entry["tags"] == ["Super Lab", "Must Read"]
    assert (entry["upvotes"], entry["stars"]) == (7, 12)
    assert entry["title_en"] == "Synthetic Paper One" and entry["title_zh"] is None
    assert entry["summary_zh"] is None and entry["highlights"] == []
    assert entry["source_line"] == 7  # header, blank, count, blank, ---, blank, heading
    assert entry["digest_date"] == DAY


def test_non_golden_heading_has_two_spaces_and_empty_tags():
    text = digest_text(DAY, [Entry(tags="")])
    assert "###  1. " in text
    [entry] = parse(text).entries
    assert entry["is_golden"] is False and entry["tags"] == []


@pytest.mark.parametrize(
    "title,english,chinese",
    [
        ("合成标题 (Synthetic Title)", "Synthetic Title", "合成标题"),
        # parentheses inside the Chinese part, ASCII and full-width
        ("金鹅 (Golden Goose)：合成 (Golden Goose: Synthetic)", "Golden Goose: Synthetic", "金鹅 (Golden Goose)：合成"),
        ("合成（第一部分）：标题 (Synth (Part I): Title)", "Synth (Part I): Title", "合成（第一部分）：标题"),
        # nested parentheses inside the English part
        (
            "统一潜变量 (UL)：指南 (Unified Latents (UL): How to train)",
            "Unified Latents (UL): How to train",
            "统一潜变量 (UL)：指南",
        ),
        # English-only titles ending with or containing parentheses
        ("Synthetic Agent via Density Maximization (V1.0)", "Synthetic Agent via Density Maximization (V1.0)", None),
        ("(1D) Synthetic Tokens", "(1D) Synthetic Tokens", None),
        (
            "Synthetic Solution (1st place online, 2nd offline)",
            "Synthetic Solution (1st place online, 2nd offline)",
            None,
        ),
        # markdown-sensitive characters
        ("Synthetic V_{0.5} of P(y|x) in <1 GB", "Synthetic V_{0.5} of P(y|x) in <1 GB", None),
        ("unbalanced (Synthetic", "unbalanced (Synthetic", None),
    ],
)
def test_title_split(title, english, chinese):
    assert split_title(title) == (english, chinese)
    [entry] = parse(digest_text(DAY, [Entry(title=title)])).entries
    assert (entry["title_en"], entry["title_zh"]) == (english, chinese)


def test_summary_with_pipe_and_highlights():
    entry = Entry(
        title="Synthetic Paper",
        title_zh="合成论文",
        summary="合成摘要 | 含竖线",
        highlights=["要点一", "要点二", "要点三"],
    )
    [parsed] = parse(digest_text(DAY, [entry])).entries
    assert parsed["summary_zh"] == "合成摘要 | 含竖线"
    assert parsed["highlights"] == ["要点一", "要点二", "要点三"]
    assert parsed["title_zh"] == "合成论文"


def test_summary_starting_below_an_empty_label():
    """SYNTHETIC: "**摘要**:" with nothing after it, the text on the next line (crashed the parse once)."""
    text = digest_text(DAY, [Entry(summary="合成摘要")]).replace("**摘要**: 合成摘要", "**摘要**:\n合成摘要")
    assert "**摘要**:\n合成摘要" in text
    [parsed] = parse(text).entries
    assert parsed["summary_zh"] == "合成摘要"


def test_generator_paths_never_seen_in_corpus():
    # "**arXiv ID**:" line with a version suffix, and an integer score
    [entry] = parse(digest_text(DAY, [Entry(id_line=True, arxiv_id="2601.00002v3", score="27")])).entries
    assert entry["arxiv_id"] == "2601.00002" and entry["score"] == 27.0
    # tags printed as a Python list
    [entry] = parse(digest_text(DAY, [Entry(tags="['Super Lab', 'Viral']")])).entries
    assert entry["tags"] == ["Super Lab", "Viral"]
    # old-style arXiv id
    [entry] = parse(digest_text(DAY, [Entry(arxiv_id="hep-th/9901001")])).entries
    assert entry["arxiv_id"] == "hep-th/9901001"


def test_empty_day_without_date_in_header():
    result = parse(digest_text(None, []))
    assert result.status == "empty"
    assert result.entries == [] and result.quarantine == []
    assert result.digest_date == DAY  # from the path


def test_crlf_bom_and_trailing_spaces():
    text = digest_text(DAY, [Entry(), Entry(arxiv_id="2601.00009", title="Synthetic Two")])
    text = "\ufeff" + "\r\n".join(line + "  " for line in text.split("\n"))
    result = parse(text)
    assert result.status == "loaded" and result.quarantine == []
    assert [e["arxiv_id"] for e in result.entries] == ["2601.00001", "2601.00009"]
    assert result.entries[1]["title_en"] == "Synthetic Two"


# The second entry's heading is line 17: link 19, organization 20, score 21, tags 22, counts 23.
@pytest.mark.parametrize(
    "mutate,reason",
    [
        (lambda e: setattr(e, "score", "6x.5"), "score (line 21): '6x.5' is not a number"),
        (lambda e: setattr(e, "upvotes", "-3"), "upvotes (line 23): '-3' is not a whole number"),
        (lambda e: setattr(e, "stars", "99999999999"), "stars (line 23): 99999999999 is too large"),
        (
            lambda e: setattr(e, "arxiv_id", "not-an-id"),
            "arxiv_id (line 19): no arXiv id in '[https://arxiv.org/abs/not-an-id]",
        ),
        (lambda e: setattr(e, "title", ""), "title (line 17): empty"),
    ],
)
def test_malformed_entry_is_quarantined_and_the_rest_loads(mutate, reason):
    bad = Entry(arxiv_id="2601.00002", title="Synthetic Bad")
    mutate(bad)
    result = parse(digest_text(DAY, [Entry(), bad, Entry(arxiv_id="2601.00003", title="Synthetic Three")]))
    assert [e["arxiv_id"] for e in result.entries] == ["2601.00001", "2601.00003"]
    [row] = result.quarantine
    assert row["reason"].startswith(reason)
    assert row["source_line"] == 17 and row["source_path"] == "synthetic.md"
    assert row["raw_text"].startswith("###  2.")
    assert result.status == "loaded" and result.status_reason is None


def test_missing_field_duplicate_field_unexpected_line_bad_heading():
    text = digest_text(
        DAY, [Entry(), Entry(arxiv_id="2601.00002"), Entry(arxiv_id="2601.00003"), Entry(arxiv_id="2601.00004")]
    )
    lines = text.split("\n")
    org_lines = [i for i, line in enumerate(lines) if line.startswith("**组织**")]
    lines[org_lines[0]] = ""  # entry 1 loses its organization
    lines.insert(org_lines[1] + 1, "**得分**: 1.0")  # entry 2 gets a second score
    heading_3 = [i for i, line in enumerate(lines) if line.startswith("###") and " 3. " in line][0]
    lines.insert(heading_3 + 1, "stray text")  # entry 3 gets a stray line
    heading_4 = [i for i, line in enumerate(lines) if line.startswith("###") and " 4. " in line][0]
    lines[heading_4] = "### four. Synthetic"  # entry 4's heading has no number
    result = parse("\n".join(lines))
    assert result.entries == []
    reasons = [row["reason"] for row in result.quarantine]
    assert reasons[0].startswith("**组织** (organization) (line 7): missing")
    assert "score (line" in reasons[1] and "appears twice" in reasons[1]
    assert reasons[2].startswith("line (line") and "'stray text'" in reasons[2]
    assert reasons[3].startswith("heading (line") and "### four. Synthetic" in reasons[3]
    assert len(result.quarantine) == result.heading_count == 4


def test_counts_line_without_stars_is_named():
    text = digest_text(DAY, [Entry()]).replace("**Upvotes**: 7 | **Stars**: 12", "**Upvotes**: 7")
    [row] = parse(text).quarantine
    assert row["reason"] == "counts (line 13): expected '**Upvotes**: N | **Stars**: M', found '**Upvotes**: 7'"


def test_declared_count_disagreeing_is_reported():
    result = parse(digest_text(DAY, [Entry()], declared=3))
    assert result.status == "loaded" and len(result.entries) == 1
    assert result.status_reason == "declares 3 entries, found 1"


def test_truncated_file_keeps_complete_entries():
    text = digest_text(DAY, [Entry(), Entry(arxiv_id="2601.00002")])
    truncated = text[: text.index("**得分**", text.index("###  2."))]
    result = parse(truncated)
    assert [e["arxiv_id"] for e in result.entries] == ["2601.00001"]
    [row] = result.quarantine
    assert "missing from the entry" in row["reason"]
    assert result.status_reason is None  # both headings are there; the second lost its fields


def test_header_date_disagreeing_with_path_rejects_file_but_keeps_entries_in_quarantine():
    result = parse(digest_text(dt.date(2026, 2, 10), [Entry(), Entry(arxiv_id="2601.00002")]))
    assert result.status == "rejected"
    assert result.status_reason == "header (line 1): date 2026-02-10 disagrees with the date in the path 2026-02-09"
    assert result.entries == []
    assert [row["source_line"] for row in result.quarantine] == [7, 17]
    assert all(row["reason"].startswith("file rejected: header (line 1)") for row in result.quarantine)


def test_not_utf8_is_rejected_with_offset():
    data = digest_text(DAY, [Entry(title="Synthetic Paper")]).encode("utf-8") + b"\xff\xfe broken"
    result = parse_digest(data, "synthetic.md", DAY)
    assert result.status == "rejected"
    assert result.status_reason.startswith("not valid UTF-8: byte 0xff at offset ")
    assert len(result.quarantine) == 1 and result.entries == []


def test_not_a_digest_is_rejected():
    result = parse("# Some other document\n\n### 1. Synthetic heading\n")
    assert result.status == "rejected"
    assert result.status_reason.startswith(
        "not a digest: line 1 should be '# 每日论文汇总 - YYYY-MM-DD', found '# Some other document'"
    )
    assert [row["source_line"] for row in result.quarantine] == [3]
    empty = parse("")
    assert empty.status == "rejected" and empty.status_reason == "not a digest: the file is empty"
    assert [row["source_line"] for row in empty.quarantine] == [1]


def test_header_without_entries_or_marker_is_flagged():
    result = parse("# 每日论文汇总 - 2026-02-09\n")
    assert result.status == "loaded" and result.entries == []
    assert "truncated file?" in result.status_reason


def test_date_from_header_when_path_has_none():
    result = parse(digest_text(DAY, [Entry()]), day=None)
    assert result.digest_date == DAY and result.entries[0]["digest_date"] == DAY


def test_fast_path_reads_every_real_entry_exactly_as_the_line_reader():
    """On the bundled examples and, where ../shared exists, all 1,876 corpus entries, the one-regex
    reader of the generator's layout gives the same records as the line-by-line reader, and it is
    the one used for most."""
    from papertrend.transforms import digest_parser
    from papertrend.transforms.discovery import discover_digests

    fast_hits = total = 0
    roots = [EXAMPLES] + ([CORPUS] if (CORPUS / "output").is_dir() else [])
    for root in roots:
        for day, source in sorted(discover_digests(root).items()):
            data = source.path.read_bytes()
            fast = digest_parser.parse_digest(data, source.relative_path, day)
            digest_parser.FAST_PATH = False
            try:
                slow = digest_parser.parse_digest(data, source.relative_path, day)
            finally:
                digest_parser.FAST_PATH = True
            assert fast == slow, source.relative_path
            total += len(fast.entries)
            fast_hits += sum(
                digest_parser._fast_entry(e["raw_text"] + "\n", e["source_line"]) is not None for e in fast.entries
            )
    assert total >= (286 + 1876 if len(roots) == 2 else 286) and fast_hits / total > 0.5
