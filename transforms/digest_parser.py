"""Parse one daily digest ("每日论文汇总") into typed entry records and quarantine records.

Pure functions on bytes and strings. The format and its variants are described in
../shared/docs/digest-format.md; the rules that matter:

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
HEADING_START_RE = re.compile(r"^###(?!#)")
HEADING_RE = re.compile(r"^###\s*(?P<golden>🏆\ufe0f?)?\s*(?P<rank>\d+)\.\s*(?P<title>.*?)\s*$")
FIELD_RE = re.compile(r"^\*\*(?P<label>[^*]+?)\*\*\s*[:：]\s?(?P<value>.*?)\s*$")
COUNTS_RE = re.compile(
    r"^\*\*Upvotes\*\*\s*[:：]\s*(?P<upvotes>\S*)\s*\|\s*\*\*Stars\*\*\s*[:：]\s*(?P<stars>\S*)\s*$"
)
BULLET_RE = re.compile(r"^\s*[-*]\s+(?P<item>.*?)\s*$")
SEPARATOR_RE = re.compile(r"^\s*-{3,}\s*$")
ARXIV_ID_RE = re.compile(r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d+))?(?!\d)")
ARXIV_URL_RE = re.compile(r"arxiv\.org/(?:abs|pdf)/" + ARXIV_ID_RE.pattern)
NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")

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
            record["summary_zh"] += "\n" + line.strip()  # a summary that wraps onto more lines
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


def _raw(block: list[tuple[int, str]]) -> str:
    text = "\n".join(line for _, line in block).rstrip("\n")
    if len(text) > RAW_TEXT_LIMIT:
        text = text[:RAW_TEXT_LIMIT] + f"\n[… cut, {len(text) - RAW_TEXT_LIMIT} more characters]"
    return text


def _decode(data: bytes) -> tuple[str, str | None]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
        reason = None
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        reason = f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}"
    return text.replace("\r\n", "\n").replace("\r", "\n"), reason


def _parse_header(lines: list[str], partition_date: dt.date | None) -> tuple[dt.date | None, str | None]:
    """Return (header date, rejection reason)."""
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
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
    return None, "not a digest: the file is empty"


def parse_digest(data: bytes, source_path: str, partition_date: dt.date | None = None) -> ParsedDigest:
    """Parse one digest file's bytes.

    ``partition_date`` is the date taken from the file's path; when given, the header must agree
    with it. Without it (``papertrend parse`` on a loose file) the header's date is used.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    text, reject_reason = _decode(data)
    lines = text.split("\n")
    header_date = None
    if reject_reason is None:
        header_date, reject_reason = _parse_header(lines, partition_date)
    digest_date = partition_date or header_date
    result = ParsedDigest(source_path, sha256, digest_date, status="loaded")

    preamble: list[tuple[int, str]] = []
    blocks: list[list[tuple[int, str]]] = []
    for line_no, line in enumerate(lines, start=1):
        if HEADING_START_RE.match(line):
            blocks.append([(line_no, line.rstrip())])
        elif blocks:
            blocks[-1].append((line_no, line.rstrip()))
        else:
            preamble.append((line_no, line.rstrip()))
    result.heading_count = len(blocks)

    def quarantine(line_no: int, reason: str, raw_text: str) -> None:
        result.quarantine.append(
            {"digest_date": digest_date, "source_path": source_path, "source_line": line_no, "reason": reason, "raw_text": raw_text}
        )

    if reject_reason is not None:
        result.status, result.status_reason = "rejected", reject_reason
        for block in blocks:
            quarantine(block[0][0], f"file rejected: {reject_reason}", _raw(block))
        if not blocks:
            quarantine(1, f"file rejected: {reject_reason}", _raw(list(enumerate(lines, start=1))))
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

    for block in blocks:
        try:
            record = _parse_entry(block)
        except EntryError as exc:
            quarantine(block[0][0], str(exc), _raw(block))
            continue
        record.update(digest_date=digest_date, source_path=source_path, source_sha256=sha256, raw_text=_raw(block))
        result.entries.append(record)

    if not blocks and empty_marker:
        result.status = "empty"
    elif not blocks and result.declared_count is None:
        notes.append("no entries and no '今日无内容。' marker: truncated file?")
    if result.declared_count is not None and result.declared_count != len(blocks):
        notes.append(f"declares {result.declared_count} entries, found {len(blocks)}")
    result.status_reason = "; ".join(notes) or None
    return result
