"""Parse one daily digest ("每日论文汇总") into typed entry records and quarantine records.

Pure functions on bytes and strings. The format and its variants are described in
docs/digest-format.md; the rules that matter:

- an entry starts at a line beginning with ``###`` and runs to the next one; every such heading
  ends up as exactly one clean record or one quarantine record, never zero, never two;
- a file that cannot be read as a digest (not UTF-8, no digest header, header date disagreeing with
  the date in its path) is rejected as a whole, and each of its entry headings is quarantined with
  the file's reason, so nothing is lost;
- problems are reported with the field, the line number and the offending text.
"""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

RAW_TEXT_LIMIT = 64 * 1024
INT32_MAX = 2**31 - 1

HEADER_RE = re.compile(r"^#(?!#)\s*每日论文汇总\s*(?:-\s*(?P<date>.*?))?\s*$")
COUNT_RE = re.compile(r"^\*\*论文数量\*\*\s*[:：]\s*(?P<value>.*?)\s*$")
EMPTY_DAY_MARKER = "今日无内容。"
HEADING_RE = re.compile(r"^###\s*(?P<golden>🏆\ufe0f?)?\s*(?P<rank>\d+)\.\s*(?P<title>.*?)\s*$")
FIELD_RE = re.compile(r"^\*\*(?P<label>[^*]+?)\*\*\s*[:：]\s?(?P<value>.*?)\s*$")
COUNTS_RE = re.compile(r"^\*\*Upvotes\*\*\s*[:：]\s*(?P<upvotes>\S*)\s*\|\s*\*\*Stars\*\*\s*[:：]\s*(?P<stars>\S*)\s*$")
BULLET_RE = re.compile(r"^\s*[-*]\s+(?P<item>.*?)\s*$")
SEPARATOR_RE = re.compile(r"^\s*-{3,}\s*$")
ARXIV_ID_RE = re.compile(r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d+))?(?!\d)")
ARXIV_URL_RE = re.compile(r"arxiv\.org/(?:abs|pdf)/" + ARXIV_ID_RE.pattern)
NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
FAST_PATH = True  # tests switch it off to compare the fast reader with the line reader
FIRST_TEXT_RE = re.compile(r"\S")
# The generator's exact layout of one entry. A block in this layout is read with this one match;
# anything else (variants, damage) goes through the line-by-line reader, which gives the same
# record for this layout (tests/unit/test_parser.py compares the two on every corpus entry).
FAST_ENTRY_RE = re.compile(
    r"### (?:(?P<golden>🏆) | )(?P<rank>[1-9][0-9]{0,8})\. (?P<title>\S(?:[^\n]*\S)?)\n"
    r"\n"
    r"\*\*论文链接\*\*: \[https://arxiv\.org/abs/(?P<id>[0-9]{4}\.[0-9]{4,5})\]\(https://arxiv\.org/abs/(?P=id)\)\n"
    r"\*\*组织\*\*:(?P<org>[^\n]*)\n"
    r"\*\*得分\*\*: (?P<score>[0-9]+(?:\.[0-9]+)?)\n"
    r"\*\*标签\*\*:(?P<tags>[^\n]*)\n"
    r"\*\*Upvotes\*\*: (?P<upvotes>[0-9]{1,9}) \| \*\*Stars\*\*: (?P<stars>[0-9]{1,9})\n"
    r"(?:\n\*\*摘要\*\*: (?P<summary>\S(?:[^\n]*\S)?)\n)?"
    r"(?:\n\*\*亮点\*\*:\n(?P<highlights>(?:  - \S(?:[^\n]*\S)?\n)+))?"
    r"\n---\n*\Z"
)

# Printed label -> our field. "Upvotes" is the combined "Upvotes | Stars" line.
LABELS = {
    "论文链接": "link",
    "arXiv ID": "arxiv_id_line",
    "组织": "org",
    "得分": "score",
    "标签": "tags",
    "Upvotes": "counts",
    "摘要": "summary",
    "亮点": "highlights",
}
REQUIRED = {
    "link": "**论文链接** (or **arXiv ID**)",
    "org": "**组织** (organization)",
    "score": "**得分** (score)",
    "tags": "**标签** (tags)",
    "counts": "**Upvotes** | **Stars**",
}


@dataclass
class ParsedDigest:
    """What one digest file yields: file-level facts, clean entries, quarantined entries."""

    source_path: str | None
    source_sha256: str | None
    digest_date: dt.date | None
    status: str  # loaded | empty | rejected
    status_reason: str | None = None
    declared_count: int | None = None
    entries: list[dict] = field(default_factory=list)
    quarantine: list[dict] = field(default_factory=list)
    heading_count: int = 0

    def file_record(self) -> dict:
        return {
            "digest_date": self.digest_date,
            "source_path": self.source_path,
            "status": self.status,
            "status_reason": self.status_reason,
            "declared_count": self.declared_count,
            "parsed_count": len(self.entries),
            "quarantined_count": len(self.quarantine),
            "source_sha256": self.source_sha256,
        }


class EntryError(ValueError):
    """A problem with one entry: names the field, the line and the offending text."""

    def __init__(self, field_name: str, line_no: int, message: str):
        super().__init__(f"{field_name} (line {line_no}): {message}")


def _show(text: str, limit: int = 80) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(text)


def split_title(title: str) -> tuple[str, str | None]:
    """Split ``中文标题 (English Title)`` into (english, chinese); otherwise (title, None).

    Only when the final balanced ``(...)`` group closes the line and the text before it holds CJK
    characters; the closing parenthesis is matched to its real opening one, so parentheses nested
    inside the English part, full-width ones inside the Chinese part and English-only titles that
    end in ``(V1.0)`` are all read correctly.
    """
    text = title.strip()
    if not text.endswith(")"):
        return text, None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        char = text[i]
        if char == ")":
            depth += 1
        elif char == "(":
            depth -= 1
            if depth == 0:
                chinese, english = text[:i].strip(), text[i + 1 : -1].strip()
                if chinese and english and CJK_RE.search(chinese):
                    return english, chinese
                return text, None
    return text, None


def _parse_int(value: str, field_name: str, line_no: int) -> int:
    if not value.isdigit() or not value.isascii():
        raise EntryError(field_name, line_no, f"{_show(value)} is not a whole number")
    number = int(value)
    if number > INT32_MAX:
        raise EntryError(field_name, line_no, f"{value} is too large")
    return number


def _parse_arxiv_id(value: str, field_name: str, line_no: int, url: bool) -> str:
    match = (ARXIV_URL_RE if url else ARXIV_ID_RE).search(value)
    if not value.strip():
        raise EntryError(field_name, line_no, "empty")
    if match is None or (not url and match.group(0) != value.strip()):
        raise EntryError(field_name, line_no, f"no arXiv id in {_show(value)}")
    return match.group("id")


def _parse_tags(value: str) -> list[str]:
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):  # a Python list printed by the generator
        text = text[1:-1]
    return [tag.strip().strip("'\"").strip() for tag in text.split(",") if tag.strip().strip("'\"").strip()]


def _parse_entry(block: list[tuple[int, str]]) -> dict:
    """Parse the lines of one entry (first one the heading) into a record, or raise EntryError."""
    heading_no, heading = block[0]
    match = HEADING_RE.match(heading)
    if match is None:
        raise EntryError("heading", heading_no, f"expected '### [🏆] N. Title', found {_show(heading)}")
    title = match.group("title")
    if not title:
        raise EntryError("title", heading_no, "empty")
    title_en, title_zh = split_title(title)
    rank = _parse_int(match.group("rank"), "rank", heading_no)
    if rank < 1:
        raise EntryError("rank", heading_no, "ranks start at 1")

    seen: dict[str, int] = {}
    record: dict = {"summary_zh": None, "highlights": []}
    in_highlights = False
    for line_no, line in block[1:]:
        if not line.strip() or SEPARATOR_RE.match(line):
            continue
        if in_highlights and (bullet := BULLET_RE.match(line)):
            record["highlights"].append(bullet.group("item"))
            continue
        in_highlights = False
        counts = COUNTS_RE.match(line)
        field_match = FIELD_RE.match(line)
        if counts:
            kind = "counts"
        elif field_match and field_match.group("label").strip() in LABELS:
            kind = LABELS[field_match.group("label").strip()]
        elif "summary" in seen and list(seen)[-1] == "summary":
            # a summary that wraps onto more lines, or starts on the line below an empty label
            summary = record["summary_zh"]
            record["summary_zh"] = f"{summary}\n{line.strip()}" if summary else line.strip()
            continue
        else:
            raise EntryError("line", line_no, f"unexpected text {_show(line)}")
        if kind == "arxiv_id_line":
            kind = "link"
        if kind in seen:
            raise EntryError(kind, line_no, f"appears twice (lines {seen[kind]} and {line_no})")
        seen[kind] = line_no
        if kind == "counts":
            if counts is None:
                raise EntryError("counts", line_no, f"expected '**Upvotes**: N | **Stars**: M', found {_show(line)}")
            record["upvotes"] = _parse_int(counts.group("upvotes"), "upvotes", line_no)
            record["stars"] = _parse_int(counts.group("stars"), "stars", line_no)
            continue
        assert field_match is not None  # any other kind was read from a field label
        label, value = field_match.group("label").strip(), field_match.group("value")
        if kind == "link":
            record["arxiv_id"] = _parse_arxiv_id(value, "arxiv_id", line_no, url=label == "论文链接")
        elif kind == "org":
            org = value.strip()
            record["org_raw"] = None if org in ("", "Unknown") else org
        elif kind == "score":
            if not NUMBER_RE.match(value.strip()):
                raise EntryError("score", line_no, f"{_show(value)} is not a number")
            record["score"] = float(value)
        elif kind == "tags":
            record["tags"] = _parse_tags(value)
        elif kind == "summary":
            record["summary_zh"] = value.strip() or None
        elif kind == "highlights":
            if value.strip():
                raise EntryError("highlights", line_no, f"expected a list below the label, found {_show(value)}")
            in_highlights = True
    for kind, label in REQUIRED.items():
        if kind not in seen:
            raise EntryError(label, heading_no, "missing from the entry")
    record.update(
        rank=rank,
        is_golden=match.group("golden") is not None,
        title_en=title_en,
        title_zh=title_zh,
        source_line=heading_no,
    )
    return record


def _heading_starts(text: str) -> list[int]:
    """Offsets of the lines that start with '###' but not '####' (str.find runs in C)."""
    starts = [0] if text.startswith("###") and not text.startswith("####") else []
    position = text.find("\n###")
    while position != -1:
        if not text.startswith("#", position + 4):
            starts.append(position + 1)
        position = text.find("\n###", position + 1)
    return starts


def _fast_entry(block_text: str, heading_no: int) -> dict | None:
    """The record of a block in the generator's exact layout, or None to use the line reader."""
    match = FAST_ENTRY_RE.match(block_text)
    if match is None or len(block_text) > RAW_TEXT_LIMIT:
        return None
    org, tags = match.group("org"), match.group("tags")
    title_en, title_zh = split_title(match.group("title"))
    org = org.strip()
    highlights = match.group("highlights")
    return {
        "summary_zh": match.group("summary"),
        "highlights": [line[4:] for line in highlights.split("\n")[:-1]] if highlights else [],
        "arxiv_id": match.group("id"),
        "org_raw": None if org in ("", "Unknown") else org,
        "score": float(match.group("score")),
        "tags": _parse_tags(tags),
        "upvotes": int(match.group("upvotes")),
        "stars": int(match.group("stars")),
        "rank": int(match.group("rank")),
        "is_golden": match.group("golden") is not None,
        "title_en": title_en,
        "title_zh": title_zh,
        "source_line": heading_no,
        "raw_text": _fast_raw(block_text, match),
    }


def _fast_raw(block_text: str, match: re.Match) -> str:
    """What _raw gives for a block FAST_ENTRY_RE matched: in that layout only the organization and
    tags lines can end in whitespace, and _raw strips line ends."""
    org_end, tags_end = match.end("org"), match.end("tags")
    if block_text[org_end - 1 : org_end].isspace() or block_text[tags_end - 1 : tags_end].isspace():
        block_text = (
            block_text[: match.start("org")]
            + match.group("org").rstrip()
            + block_text[org_end : match.start("tags")]
            + match.group("tags").rstrip()
            + block_text[tags_end:]
        )
    return block_text.rstrip("\n")


def _raw(block: list[tuple[int, str]]) -> str:
    text = "\n".join(line for _, line in block).rstrip("\n")
    if len(text) > RAW_TEXT_LIMIT:
        text = text[:RAW_TEXT_LIMIT] + f"\n[… cut, {len(text) - RAW_TEXT_LIMIT} more characters]"
    return text


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Text of a source file (BOM dropped, newlines normalised) and, when it is not UTF-8, why."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
        reason = None
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        reason = f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}"
    return text.replace("\r\n", "\n").replace("\r", "\n"), reason


def _parse_header(text: str, partition_date: dt.date | None) -> tuple[dt.date | None, str | None]:
    """Return (header date, rejection reason), from the first line that is not blank."""
    first = FIRST_TEXT_RE.search(text)
    if first is None:
        return None, "not a digest: the file is empty"
    line_start = text.rfind("\n", 0, first.start()) + 1
    line_end = text.find("\n", first.start())
    line = text[line_start : line_end if line_end != -1 else len(text)]
    line_no = text.count("\n", 0, line_start) + 1
    match = HEADER_RE.match(line.strip())
    if match is None:
        return None, f"not a digest: line {line_no} should be '# 每日论文汇总 - YYYY-MM-DD', found {_show(line)}"
    token = match.group("date")
    if not token:
        return None, None
    try:
        header_date = dt.date.fromisoformat(token)
    except ValueError:
        return None, f"header (line {line_no}): {_show(token)} is not a date YYYY-MM-DD"
    if partition_date is not None and header_date != partition_date:
        return header_date, (
            f"header (line {line_no}): date {header_date} disagrees with the date in the path {partition_date}"
        )
    return header_date, None


def parse_digest(data: bytes, source_path: str, partition_date: dt.date | None = None) -> ParsedDigest:
    """Parse one digest file's bytes.

    ``partition_date`` is the date taken from the file's path; when given, the header must agree
    with it. Without it (``papertrend parse`` on a loose file) the header's date is used.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    text, reject_reason = decode_text(data)
    header_date = None
    if reject_reason is None:
        header_date, reject_reason = _parse_header(text, partition_date)
    digest_date = partition_date or header_date
    result = ParsedDigest(source_path, sha256, digest_date, status="loaded")

    # Entries start at lines beginning with '###'; slice the text there (no Python loop over lines).
    starts = _heading_starts(text)
    block_texts: list[tuple[int, str]] = []  # (line number of the heading, the block's text)
    line_no, previous = 1, 0
    for index, start in enumerate(starts):
        line_no += text.count("\n", previous, start)
        previous = start
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        block_texts.append((line_no, text[start:end]))
    preamble_lines = (text[: starts[0]].split("\n")[:-1]) if starts else text.split("\n")
    preamble = [(number, line.rstrip()) for number, line in enumerate(preamble_lines, start=1)]
    result.heading_count = len(block_texts)

    def block_lines(heading_no: int, block_text: str, last: bool) -> list[tuple[int, str]]:
        split = block_text.split("\n")
        if not last:
            split = split[:-1]  # the newline before the next heading
        return [(heading_no + offset, line.rstrip()) for offset, line in enumerate(split)]

    def quarantine(line_no: int, reason: str, raw_text: str) -> None:
        result.quarantine.append(
            {
                "digest_date": digest_date,
                "source_path": source_path,
                "source_line": line_no,
                "reason": reason,
                "raw_text": raw_text,
            }
        )

    if reject_reason is not None:
        result.status, result.status_reason = "rejected", reject_reason
        blocks = [block_lines(no, block, i == len(block_texts) - 1) for i, (no, block) in enumerate(block_texts)]
        for block in blocks:
            quarantine(block[0][0], f"file rejected: {reject_reason}", _raw(block))
        if not blocks:
            quarantine(
                1,
                f"file rejected: {reject_reason}",
                _raw([(n, line.rstrip()) for n, line in enumerate(text.split("\n"), start=1)]),
            )
        return result

    notes = []
    empty_marker = False
    for line_no, line in preamble:
        stripped = line.strip()
        if count := COUNT_RE.match(stripped):
            value = count.group("value")
            if value.isdigit() and value.isascii():
                result.declared_count = int(value)
            else:
                notes.append(f"**论文数量** (line {line_no}): {_show(value)} is not a whole number")
        elif stripped == EMPTY_DAY_MARKER:
            empty_marker = True

    for index, (heading_no, block_text) in enumerate(block_texts):
        record = _fast_entry(block_text, heading_no) if FAST_PATH else None
        if record is None:
            block = block_lines(heading_no, block_text, index == len(block_texts) - 1)
            try:
                record = _parse_entry(block)
            except EntryError as exc:
                quarantine(heading_no, str(exc), _raw(block))
                continue
            record["raw_text"] = _raw(block)
        record.update(digest_date=digest_date, source_path=source_path, source_sha256=sha256)
        result.entries.append(record)

    if not block_texts and empty_marker:
        result.status = "empty"
    elif not block_texts and result.declared_count is None:
        notes.append("no entries and no '今日无内容。' marker: truncated file?")
    if result.declared_count is not None and result.declared_count != len(block_texts):
        notes.append(f"declares {result.declared_count} entries, found {len(block_texts)}")
    result.status_reason = "; ".join(notes) or None
    return result
