"""A real HTTP server on 127.0.0.1 that speaks the documented arXiv and Hugging Face formats.

Tests point ARXIV_API_URL / HF_API_URL at it. It counts requests per endpoint, records arrival
times, and injects faults on demand: queued per endpoint (``inject``) or at a seeded rate over all
requests (``fault_rate``). Fault kinds:

    "429"            HTTP 429 (arXiv: bare ``Rate exceeded.`` body), no Retry-After
    "429:N"          HTTP 429 with Retry-After: N
    "503", "503:N"   HTTP 503, optionally with Retry-After
    "slow:S"         answer after S seconds (past the client's timeout)
    "drop"           close the connection without answering
    "truncate"       send the headers and half of the body, then close
    "malformed"      HTTP 200 with a body that does not parse
    "empty"          arXiv only: a valid feed with no entries (the spurious empty result)
    "xml_bomb"       arXiv only: a feed with an entity-expansion bomb
    "xxe"            arXiv only: a feed with an external entity
"""

import datetime as dt
import json
import random
import re
import socket
import threading
import time
from collections import Counter, defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape, quoteattr

from tests.fake_apis.seed import arxiv_entry, hf_paper

WELL_FORMED = re.compile(r"^(\d{4}\.\d{4,5}|[a-z][a-z\-]*(\.[A-Z]{2})?/\d{7})(v\d+)?$")
FEED_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
    'xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
)
XML_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
    '<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol3;</title></feed>'
)
XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    '<feed xmlns="http://www.w3.org/2005/Atom"><title>&xxe;</title></feed>'
)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(ids: list[str], query_title: str, missing: set[str]) -> str:
    parts = [FEED_HEAD, f"  <id>https://arxiv.org/api/fake</id>\n  <title>arXiv Query: {escape(query_title)}</title>\n",
             f"  <updated>{_iso(dt.datetime.now(dt.timezone.utc))}</updated>\n"]
    found = [i for i in ids if i not in missing]
    parts.append(f"  <opensearch:totalResults>{len(found)}</opensearch:totalResults>\n"
                 f"  <opensearch:startIndex>0</opensearch:startIndex>\n  <opensearch:itemsPerPage>{len(ids)}</opensearch:itemsPerPage>\n")
    for arxiv_id in reversed(found):  # order differs from the request on purpose: clients must match by id
        e = arxiv_entry(arxiv_id.split("v")[0] if "/" not in arxiv_id else arxiv_id)
        versioned = f"{arxiv_id}v{e['version']}"
        parts.append("  <entry>\n")
        parts.append(f"    <id>http://arxiv.org/abs/{versioned}</id>\n    <title>{escape(e['title'])}</title>\n")
        parts.append(f"    <updated>{_iso(e['updated'])}</updated>\n")
        parts.append(f'    <link href="https://arxiv.org/abs/{versioned}" rel="alternate" type="text/html"/>\n')
        parts.append(f"    <summary>  {escape(e['abstract'])}\n  </summary>\n")
        for category in e["categories"]:
            parts.append(f'    <category term={quoteattr(category)} scheme="http://arxiv.org/schemas/atom"/>\n')
        parts.append(f"    <published>{_iso(e['published'])}</published>\n")
        if e["comment"]:
            parts.append(f"    <arxiv:comment>{escape(e['comment'])}</arxiv:comment>\n")
        if e["categories"]:
            parts.append(f"    <arxiv:primary_category term={quoteattr(e['categories'][0])}/>\n")
        for author in e["authors"]:
            parts.append(f"    <author><name>{escape(author)}</name></author>\n")
        parts.append("  </entry>\n")
    parts.append("</feed>\n")
    return "".join(parts)


def error_feed(bad_id: str) -> str:
    return (FEED_HEAD + "  <id>https://arxiv.org/</id>\n  <title>arXiv Search Results</title>\n"
            "  <opensearch:totalResults>1</opensearch:totalResults>\n  <entry>\n"
            f"    <id>https://arxiv.org/api/errors#incorrect_id_format_for_{escape(bad_id)}</id>\n"
            "    <title>Error</title>\n"
            f"    <summary>incorrect id format for {escape(bad_id)}</summary>\n"
            "    <author><name>arXiv api core</name></author>\n  </entry>\n</feed>\n")


class FakeApis:
    def __init__(self, daily: dict[dt.date, list[dict]] | None = None, missing_arxiv: set[str] | None = None,
                 missing_hf: set[str] | None = None, rejected_arxiv: set[str] | None = None):
        """``daily``: date -> list of {arxiv_id, org, upvotes, stars} that the HF daily list holds."""
        self.daily = daily or {}
        self.missing_arxiv = set(missing_arxiv or ())
        self.missing_hf = set(missing_hf or ())
        self.rejected_arxiv = set(rejected_arxiv or ())  # well-formed to us, "incorrect id format" to the server
        self.counts: Counter[str] = Counter()
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        self.asked_ids: list[list[str]] = []
        self._queued: dict[str, deque] = defaultdict(deque)
        self._rate: tuple[float, list[str], random.Random] | None = None
        self.faults_injected: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- control -------------------------------------------------------------------------------
    def inject(self, endpoint: str, *faults: str) -> None:
        with self._lock:
            self._queued[endpoint].extend(faults)

    def fault_rate(self, rate: float, kinds: list[str], seed: int = 0) -> None:
        with self._lock:
            self._rate = (rate, kinds, random.Random(seed)) if rate else None

    def reset_counts(self) -> None:
        with self._lock:
            self.counts.clear()
            self.arrivals.clear()
            self.asked_ids.clear()

    def _next_fault(self, endpoint: str) -> str | None:
        with self._lock:
            self.counts[endpoint] += 1
            self.arrivals[endpoint].append(time.monotonic())
            fault = self._queued[endpoint].popleft() if self._queued[endpoint] else None
            if fault is None and self._rate is not None:
                rate, kinds, rng = self._rate
                if rng.random() < rate:
                    fault = rng.choice(kinds)
            if fault:
                self.faults_injected[fault] += 1
            return fault

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self) -> str:
        apis = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                apis._handle(self, "GET")

            def do_POST(self):
                apis._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    # --- requests ------------------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        url = urlparse(request.path)
        params = parse_qs(url.query)
        if method == "POST":
            length = int(request.headers.get("Content-Length") or 0)
            params.update(parse_qs(request.rfile.read(length).decode()))
        if url.path == "/api/query":
            endpoint = "arxiv"
        elif url.path == "/api/daily_papers":
            endpoint = "hf_daily"
        elif url.path.startswith("/api/papers/"):
            endpoint = "hf_paper"
        else:
            return self._send(request, 404, "application/json", json.dumps({"error": "Not Found"}))
        fault = self._next_fault(endpoint)
        if fault and self._apply_fault(request, endpoint, fault):
            return
        if endpoint == "arxiv":
            return self._arxiv(request, params, fault)
        if endpoint == "hf_daily":
            return self._hf_daily(request, params, fault)
        return self._hf_paper(request, url.path.removeprefix("/api/papers/"), fault)

    def _apply_fault(self, request, endpoint: str, fault: str) -> bool:
        """Act out a fault; True when the request has been fully answered (or dropped)."""
        kind, _, value = fault.partition(":")
        if kind in ("429", "503"):
            headers = {"Retry-After": value} if value else {}
            body = "Rate exceeded." if endpoint == "arxiv" and kind == "429" else json.dumps({"error": "slow down"})
            self._send(request, int(kind), "text/plain" if endpoint == "arxiv" else "application/json", body, headers)
            return True
        if kind == "slow":
            time.sleep(float(value))
            return False
        if kind == "drop":
            request.close_connection = True
            request.connection.shutdown(socket.SHUT_RDWR)
            return True
        if kind == "malformed":
            body = "<feed><entry><title>cut" if endpoint == "arxiv" else '{"not": "closed"'
            self._send(request, 200, "application/atom+xml" if endpoint == "arxiv" else "application/json", body)
            return True
        if kind == "xml_bomb":
            self._send(request, 200, "application/atom+xml", XML_BOMB)
            return True
        if kind == "xxe":
            self._send(request, 200, "application/atom+xml", XXE)
            return True
        return False  # "truncate" and "empty" shape the normal answer

    def _send(self, request, status: int, content_type: str, body: str, headers: dict | None = None, truncate: bool = False) -> None:
        data = body.encode("utf-8")
        request.send_response(status)
        request.send_header("Content-Type", f"{content_type}; charset=utf-8")
        request.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.end_headers()
        if truncate:
            request.wfile.write(data[: len(data) // 2])
            request.wfile.flush()
            request.close_connection = True
            request.connection.shutdown(socket.SHUT_RDWR)
            return
        request.wfile.write(data)

    def _arxiv(self, request, params: dict, fault: str | None) -> None:
        ids = [i for i in (params.get("id_list", [""])[0]).split(",") if i]
        with self._lock:
            self.asked_ids.append(ids)
        bad = next((i for i in ids if not WELL_FORMED.match(i) or i in self.rejected_arxiv), None)
        if bad is not None:
            return self._send(request, 400, "application/atom+xml", error_feed(bad))
        max_results = int(params.get("max_results", ["10"])[0])
        ids = ids[:max_results]  # the API's default of 10 truncates silently
        missing = set(ids) if fault == "empty" else self.missing_arxiv
        title = f"search_query=&id_list={','.join(ids)}&start=0&max_results={max_results}"
        self._send(request, 200, "application/atom+xml", atom_feed(ids, title, missing), truncate=fault == "truncate")

    def _hf_item(self, fact: dict) -> dict:
        paper = hf_paper(fact["arxiv_id"], fact.get("org"), fact.get("upvotes"), fact.get("stars"))
        org = paper.pop("_org", None)
        item = {"paper": paper, "title": paper["title"], "publishedAt": paper["publishedAt"],
                "numComments": (int(fact["arxiv_id"][-2:]) % 7) if fact["arxiv_id"][-2:].isdigit() else 0,
                "submittedBy": {"name": "synthetic-user", "fullname": "Synthetic User"}, "isAuthorParticipating": False}
        if org:
            item["organization"] = org
        return item

    def _hf_daily(self, request, params: dict, fault: str | None) -> None:
        try:
            day = dt.date.fromisoformat(params.get("date", [""])[0])
        except ValueError:
            return self._send(request, 400, "application/json", json.dumps({"error": "Invalid date"}))
        page, limit = int(params.get("p", ["0"])[0]), int(params.get("limit", ["50"])[0])
        facts = [f for f in self.daily.get(day, []) if f["arxiv_id"] not in self.missing_hf]
        items = [self._hf_item(f) for f in facts[page * limit : (page + 1) * limit]]
        self._send(request, 200, "application/json", json.dumps(items), truncate=fault == "truncate")

    def _hf_paper(self, request, arxiv_id: str, fault: str | None) -> None:
        if arxiv_id in self.missing_hf or not WELL_FORMED.match(arxiv_id):
            return self._send(request, 404, "application/json", json.dumps({"error": "Paper not found"}))
        item = self._hf_item({"arxiv_id": arxiv_id})
        paper = {**item["paper"], "organization": item.get("organization")} if item.get("organization") else item["paper"]
        self._send(request, 200, "application/json", json.dumps(paper), truncate=fault == "truncate")
