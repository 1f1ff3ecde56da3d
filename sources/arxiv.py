"""arXiv query API client (Atom), following docs/external-apis.md section 1.

- ``id_list`` batches of at most 100 ids, ``max_results`` = batch size (the default 10 silently
  truncates), POSTed so long lists never hit URL limits;
- entries matched back to the asked ids by the id in ``<entry><id>``, never by position; the
  version suffix split off;
- the error feed (title "Error", author "arXiv api core", HTTP 200 or 400) is a permanent input error:
  the batch is split in halves until the offending id stands alone, so one bad id costs no other;
- ids missing from a result are asked again (the service returns spurious empty feeds) before they
  are declared not found;
- the bare ``Rate exceeded.`` body is a throttle, retried like a 429;
- XML is parsed with defusedxml (no entity expansion, no external entities).
"""

import datetime as dt
import re
from dataclasses import dataclass, field

import requests
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from .http import (
    FetchError,
    MalformedResponse,
    RateLimiter,
    RetryPolicy,
    ServiceClient,
    ServiceUnreachable,
)

DEFAULT_URL = "https://export.arxiv.org/api/query"
BATCH_SIZE = 100
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
ENTRY_ID_RE = re.compile(r"/abs/(?P<id>.+?)(?:v(?P<version>\d+))?$")
WELL_FORMED_ID_RE = re.compile(r"^(\d{4}\.\d{4,5}|[a-z][a-z\-]*(\.[A-Z]{2})?/\d{7})$")


@dataclass
class ArxivResult:
    """Every asked id lands in exactly one of these. Attempts count requests that included the id."""

    records: dict[str, dict] = field(default_factory=dict)  # arxiv_id -> dim_paper fields
    not_found: dict[str, int] = field(default_factory=dict)  # arxiv_id -> attempts
    errors: dict[str, tuple[str, int]] = field(default_factory=dict)  # arxiv_id -> (reason, attempts)
    invalid: dict[str, str] = field(default_factory=dict)  # arxiv_id -> reason: never worth asking again
    unfetched: dict[str, str] = field(default_factory=dict)  # arxiv_id -> reason: not asked (service unreachable)


@dataclass
class _Feed:
    entries: dict[str, dict]
    error: str | None = None


def _text(element, path: str) -> str | None:
    node = element.find(path, NS)
    if node is None or node.text is None:
        return None
    return " ".join(node.text.split()) or None


def _timestamp(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)


def parse_feed(body: bytes) -> _Feed:
    """Parse an Atom response into records keyed by base arXiv id, or the API's error message."""
    if body.lstrip()[:1] != b"<":
        raise MalformedResponse(f"not XML: {body[:40]!r}")
    try:
        root = ElementTree.fromstring(body)
    except DefusedXmlException as exc:
        raise FetchError(f"refused unsafe XML: {type(exc).__name__}") from None
    except ElementTree.ParseError as exc:
        raise MalformedResponse(f"malformed XML: {exc}") from None
    if root.tag != f"{{{NS['atom']}}}feed":
        raise MalformedResponse(f"not an Atom feed: root element {root.tag}")
    entries: dict[str, dict] = {}
    for entry in root.findall("atom:entry", NS):
        authors = [" ".join((a.text or "").split()) for a in entry.findall("atom:author/atom:name", NS)]
        if _text(entry, "atom:title") == "Error" and authors == ["arXiv api core"]:
            return _Feed({}, error=_text(entry, "atom:summary") or "error feed without a message")
        entry_id = _text(entry, "atom:id") or ""
        match = ENTRY_ID_RE.search(entry_id)
        if match is None:
            raise MalformedResponse(f"entry id {entry_id!r} is not an arXiv abstract URL")
        primary = entry.find("arxiv:primary_category", NS)
        doi = _text(entry, "arxiv:doi")
        entries[match.group("id")] = {
            "arxiv_id": match.group("id"),
            "title": _text(entry, "atom:title"),
            "abstract": _text(entry, "atom:summary"),
            "authors": authors,
            "primary_category": primary.get("term") if primary is not None else None,
            "categories": [c.get("term") for c in entry.findall("atom:category", NS) if c.get("term")],
            "published_at": _timestamp(_text(entry, "atom:published")),
            "updated_at": _timestamp(_text(entry, "atom:updated")),
            "latest_version": int(match.group("version")) if match.group("version") else None,
            "comment": _text(entry, "arxiv:comment"),
            "journal_ref": _text(entry, "arxiv:journal_ref"),
            "doi": doi,
        }
    return _Feed(entries)


class ArxivClient(ServiceClient):
    service = "arXiv"

    def __init__(
        self,
        base_url: str,
        limiter: RateLimiter,
        policy: RetryPolicy | None = None,
        not_found_retries: int = 2,
        **kwargs,
    ):
        super().__init__(base_url, limiter, policy, **kwargs)
        self.not_found_retries = not_found_retries

    def _query(self, ids: list[str]) -> _Feed:
        def parse(response: requests.Response) -> _Feed:
            if response.content.startswith(b"Rate exceeded"):
                raise MalformedResponse("throttled: 'Rate exceeded.'")
            return parse_feed(response.content)

        form = {"id_list": ",".join(ids), "start": "0", "max_results": str(len(ids))}
        return self.call("POST", self.base_url, parse, data=form)

    def on_client_error(self, response: requests.Response, attempt: int):
        # The 2026 service answers a malformed id with HTTP 400 and the same error feed as before.
        try:
            feed = parse_feed(response.content)
        except (MalformedResponse, FetchError):
            feed = None
        if feed is not None and feed.error:
            return feed
        return super().on_client_error(response, attempt)

    def fetch(self, arxiv_ids: list[str]) -> ArxivResult:
        """Metadata for every id, or the reason it has none; never raises for one id's sake."""
        result = ArxivResult()
        pending: dict[str, int] = {}
        for arxiv_id in dict.fromkeys(arxiv_ids):
            if WELL_FORMED_ID_RE.match(arxiv_id):
                pending[arxiv_id] = 0
            else:
                result.invalid[arxiv_id] = "not a well-formed arXiv id"
        rounds = 0
        try:
            while pending and rounds <= self.not_found_retries:
                asked = list(pending)
                for start in range(0, len(asked), BATCH_SIZE):
                    self._fetch_batch([i for i in asked[start : start + BATCH_SIZE] if i in pending], pending, result)
                rounds += 1
        except ServiceUnreachable as exc:
            result.unfetched = {arxiv_id: exc.reason for arxiv_id in pending}
            return result
        for arxiv_id, attempts in pending.items():
            result.not_found[arxiv_id] = attempts
        return result

    def _fetch_batch(self, batch: list[str], pending: dict[str, int], result: ArxivResult) -> None:
        try:
            feed = self._query(batch)
        except ServiceUnreachable:
            raise  # the caller records everything not fetched as pending
        except FetchError as exc:  # asked again on the next run, not in this one
            for arxiv_id in batch:
                result.errors[arxiv_id] = (exc.reason, pending.pop(arxiv_id) + self.last_call_attempts)
            return
        for arxiv_id in batch:
            pending[arxiv_id] += self.last_call_attempts
        if feed.error:
            if len(batch) == 1:
                pending.pop(batch[0])
                result.invalid[batch[0]] = f"arXiv API error: {feed.error}"
                return
            middle = len(batch) // 2  # find the offending id without losing the others
            self._fetch_batch(batch[:middle], pending, result)
            self._fetch_batch(batch[middle:], pending, result)
            return
        for arxiv_id, record in feed.entries.items():
            if arxiv_id in pending:
                pending.pop(arxiv_id)
                result.records[arxiv_id] = record
