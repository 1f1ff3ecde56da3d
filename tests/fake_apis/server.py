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
import math
import random
import re
import socket
import threading
import time
from collections import Counter, defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape, quoteattr

from papertrend.transforms import clock
from tests.fake_apis.seed import arxiv_entry, hf_paper

WELL_FORMED = re.compile(r"^(\d{4}\.\d{4,5}|[a-z][a-z\-]*(\.[A-Z]{2})?/\d{7})(v\d+)?$")
FEED_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
    'xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
)
XML_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
    '<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol3;</title></feed>'
)
XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    '<feed xmlns="http://www.w3.org/2005/Atom"><title>&xxe;</title></feed>'
)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(ids: list[str], query_title: str, missing: set[str]) -> str:
    parts = [
        FEED_HEAD,
        f"  <id>https://arxiv.org/api/fake</id>\n  <title>arXiv Query: {escape(query_title)}</title>\n",
        f"  <updated>{_iso(clock.now())}</updated>\n",
    ]
    found = [i for i in ids if i not in missing]
    parts.append(
        f"  <opensearch:totalResults>{len(found)}</opensearch:totalResults>\n"
        "  <opensearch:startIndex>0</opensearch:startIndex>\n"
        f"  <opensearch:itemsPerPage>{len(ids)}</opensearch:itemsPerPage>\n"
    )
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
    return (
        FEED_HEAD + "  <id>https://arxiv.org/</id>\n  <title>arXiv Search Results</title>\n"
        "  <opensearch:totalResults>1</opensearch:totalResults>\n  <entry>\n"
        f"    <id>https://arxiv.org/api/errors#incorrect_id_format_for_{escape(bad_id)}</id>\n"
        "    <title>Error</title>\n"
        f"    <summary>incorrect id format for {escape(bad_id)}</summary>\n"
        "    <author><name>arXiv api core</name></author>\n  </entry>\n</feed>\n"
    )


class FakeApis:
    def __init__(
        self,
        daily: dict[dt.date, list[dict]] | None = None,
        missing_arxiv: set[str] | None = None,
        missing_hf: set[str] | None = None,
        rejected_arxiv: set[str] | None = None,
    ):
        """``daily``: date -> list of {arxiv_id, org, upvotes, stars[, comments, title]} the HF daily list holds."""
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
        self.github = FakeGitHub()
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()

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
            # Headers and body go out in separate writes; with Nagle's algorithm on, a keep-alive
            # client's delayed ACK holds the body back ~40 ms per response. Real servers do not.
            disable_nagle_algorithm = True

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
        raw = ""
        if method == "POST":
            raw = request.rfile.read(int(request.headers.get("Content-Length") or 0)).decode()
            if url.path != "/graphql":
                params.update(parse_qs(raw))
        if url.path == "/graphql" or url.path.startswith(("/repos/", "/repositories/")):
            return self._github(request, method, url, params, json.loads(raw) if raw else None)
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

    def _github(self, request, method: str, url, params: dict, body: dict | None) -> None:
        endpoint = (
            "gh_graphql"
            if url.path == "/graphql"
            else "gh_history"
            if url.path.endswith("/stargazers/history")
            else "gh_repo"
        )
        with self._lock:
            self.in_flight[endpoint[:2]] += 1
            self.max_in_flight[endpoint[:2]] = max(self.max_in_flight[endpoint[:2]], self.in_flight[endpoint[:2]])
        try:
            fault = self._next_fault(endpoint)
            if fault and self._apply_fault(request, endpoint, fault):
                return
            status, headers, payload = self.github.answer(method, url, params, body, request.headers, fault)
            if status == 304:
                request.send_response(304)
                for key, value in headers.items():
                    request.send_header(key, value)
                request.send_header("Content-Length", "0")
                request.end_headers()
                return
            self._send(request, status, "application/json", json.dumps(payload), headers)
        finally:
            with self._lock:
                self.in_flight[endpoint[:2]] -= 1

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

    def _send(
        self, request, status: int, content_type: str, body: str, headers: dict | None = None, truncate: bool = False
    ) -> None:
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
        paper = hf_paper(fact["arxiv_id"], fact.get("org"), fact.get("upvotes"), fact.get("stars"), fact.get("title"))
        org = paper.pop("_org", None)
        synthetic_comments = int(fact["arxiv_id"][-2:]) % 7 if fact["arxiv_id"][-2:].isdigit() else 0
        item = {
            "paper": paper,
            "title": paper["title"],
            "publishedAt": paper["publishedAt"],
            "numComments": fact.get("comments", synthetic_comments),
            "submittedBy": {"name": "synthetic-user", "fullname": "Synthetic User"},
            "isAuthorParticipating": False,
        }
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
        paper = (
            {**item["paper"], "organization": item.get("organization")} if item.get("organization") else item["paper"]
        )
        self._send(request, 200, "application/json", json.dumps(paper), truncate=fault == "truncate")


class FakeGitHub:
    """SYNTHETIC GitHub: repositories with deterministic daily stars since creation.

    ``add(full_name, created, ...)`` registers a repository; ``rename(old, new)`` makes the old name
    answer 301; ``forbidden`` names answer a permission 403; ``remaining`` and ``reset_in_s`` model
    the primary rate limit (remaining None = unlimited).

    Like GitHub, it reads papertrend's one clock (``transforms.clock``, pinned by PAPERTREND_NOW)
    and buckets star days by the America/Los_Angeles calendar: "today" is the Pacific day, days
    after it are zero-filled, and a star given at 17:00 PT on a Sunday (01:00 UTC Monday) counts
    for that Sunday. Rate-limit resets are epochs of real elapsed time, as the real API's are.
    """

    def __init__(self):
        self.repos: dict[str, dict] = {}
        self.renamed: dict[str, str] = {}
        self.forbidden: set[str] = set()
        self.admin: set[str] = set()  # repositories whose stargazers the token may list
        self.remaining: int | None = None
        self.reset_in_s = 2.0
        self._reset_at: float | None = None
        self.secondary_limit_once = False
        self.graphql_limited_once = False
        self.authorization: list[str | None] = []

    @property
    def today(self) -> dt.date:
        """The Pacific calendar day at the clock's instant: GitHub's "today" for star histories."""
        return clock.today_pacific()

    def add(self, full_name: str, created: dt.date, language: str = "Python", license: str | None = "MIT") -> None:
        repo_id = 1000 + len(self.repos)
        self.repos[full_name] = {
            "id": repo_id,
            "full_name": full_name,
            "created": created,
            "language": language,
            "license": license,
            "extra": Counter(),
            "extra_at": [],
        }

    def rename(self, old: str, new: str) -> None:
        self.repos[new] = {**self.repos.pop(old), "full_name": new}
        self.renamed[old] = new

    def add_star(self, full_name: str, at: dt.datetime | None = None) -> None:
        """One more star, given at ``at`` (default: the clock's now), counted on its Pacific day."""
        moment = at or clock.now()
        repo = self.repos[full_name]
        repo["extra"][moment.astimezone(clock.PACIFIC).date()] += 1
        repo["extra_at"].append(moment)

    def daily(self, repo: dict, day: dt.date) -> int:
        if day < repo["created"] or day > self.today:
            return 0
        seed = int(hashlib_sha(f"{repo['id']}:{day}"), 16)
        return (seed % 5) + repo["extra"][day]

    def total(self, repo: dict) -> int:
        days = (self.today - repo["created"]).days + 1
        return sum(self.daily(repo, repo["created"] + dt.timedelta(days=i)) for i in range(days))

    def weeks(self, repo: dict) -> list[dict]:
        """Newest first; Sunday-labelled weeks; future days zero-filled, like the real endpoint."""
        first = repo["created"] - dt.timedelta(days=(repo["created"].weekday() + 1) % 7)
        sunday = self.today - dt.timedelta(days=(self.today.weekday() + 1) % 7)
        rows = []
        while sunday >= first:
            days = [self.daily(repo, sunday + dt.timedelta(days=i)) for i in range(7)]
            label = int(dt.datetime(sunday.year, sunday.month, sunday.day, tzinfo=dt.UTC).timestamp())
            rows.append({"week": label, "total": sum(days), "days": days})
            sunday -= dt.timedelta(days=7)
        return rows

    def _resolve(self, full_name: str) -> dict | None:
        return self.repos.get(self.renamed.get(full_name, full_name))

    def _rest_json(self, repo: dict) -> dict:
        return {
            "id": repo["id"],
            "full_name": repo["full_name"],
            "created_at": f"{repo['created']}T08:00:00Z",
            "language": repo["language"],
            "license": {"spdx_id": repo["license"]} if repo["license"] else None,
            "stargazers_count": self.total(repo),
            "description": "SYNTHETIC repository",
        }

    def _limit_headers(self) -> dict:
        if self.remaining is None:
            return {
                "x-ratelimit-limit": "5000",
                "x-ratelimit-remaining": "4999",
                "x-ratelimit-reset": str(int(time.time()) + 3600),
            }
        return {
            "x-ratelimit-limit": "60",
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-reset": str(int(self._reset_at or time.time() + self.reset_in_s)),
        }

    def answer(self, method, url, params, body, headers, fault) -> tuple[int, dict, object]:
        self.authorization.append(headers.get("Authorization"))
        if self.remaining is not None:
            now = time.time()
            if self._reset_at is not None and now >= self._reset_at:
                self.remaining, self._reset_at = 60, None
            if self.remaining <= 0:
                self._reset_at = self._reset_at or math.ceil(now + self.reset_in_s)
                return (
                    403,
                    {**self._limit_headers(), "x-ratelimit-remaining": "0"},
                    {"message": "API rate limit exceeded for 127.0.0.1."},
                )
            self.remaining -= 1
            if self.remaining == 0:
                self._reset_at = math.ceil(now + self.reset_in_s)  # GitHub resets on whole epoch seconds
        if self.secondary_limit_once:
            self.secondary_limit_once = False
            return (
                403,
                {},
                {
                    "message": (
                        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
                    )
                },
            )
        if url.path == "/graphql":
            return self._graphql(body)
        match = re.match(r"^/repositories/(\d+)$", url.path)
        if match:
            repo = next((r for r in self.repos.values() if r["id"] == int(match.group(1))), None)
            return (200, self._limit_headers(), self._rest_json(repo)) if repo else (404, {}, {"message": "Not Found"})
        match = re.match(r"^/repos/([^/]+/[^/]+)/stargazers$", url.path)
        if match:
            return self._stargazers(match.group(1), params, headers)
        match = re.match(r"^/repos/([^/]+/[^/]+)(/stargazers/history)?$", url.path)
        if not match:
            return 404, {}, {"message": "Not Found"}
        full_name, history = match.group(1), match.group(2)
        if full_name in self.forbidden:
            return 403, self._limit_headers(), {"message": "Resource not accessible by personal access token"}
        if full_name in self.renamed and not history:
            repo = self.repos[self.renamed[full_name]]
            return (
                301,
                {"Location": f"http://{headers.get('Host')}/repositories/{repo['id']}"},
                {"message": "Moved Permanently"},
            )
        repo = self._resolve(full_name)
        if repo is None:
            return 404, self._limit_headers(), {"message": "Not Found"}
        if not history:
            return 200, self._limit_headers(), self._rest_json(repo)
        weeks = self.weeks(repo)
        per_page = min(30, int(params.get("per_page", ["30"])[0]))
        page = int(params.get("page", ["1"])[0])
        pages = max(1, -(-len(weeks) // per_page))
        rows = weeks[(page - 1) * per_page : page * per_page]
        etag = '"' + hashlib_sha(json.dumps(rows))[:20] + '"'
        if page == 1 and headers.get("If-None-Match") == etag:
            return (
                304,
                {"ETag": etag, **{k: v for k, v in self._limit_headers().items() if k != "x-ratelimit-remaining"}},
                None,
            )
        base = f"http://{headers.get('Host')}/repos/{full_name}/stargazers/history?per_page={per_page}"
        links = []
        if page < pages:
            links.append(f'<{base}&page={page + 1}>; rel="next"')
            links.append(f'<{base}&page={pages}>; rel="last"')
        result_headers = {**self._limit_headers(), "ETag": etag}
        if links:
            result_headers["Link"] = ", ".join(links)
        return 200, result_headers, rows

    def _stargazers(self, full_name: str, params: dict, headers) -> tuple[int, dict, object]:
        repo = self._resolve(full_name)
        if repo is None or full_name not in self.admin:
            return 404, self._limit_headers(), {"message": "Not Found"}  # the 2026 restriction, as observed
        moments = []
        for i in range((self.today - repo["created"]).days + 1):
            day = repo["created"] + dt.timedelta(days=i)
            noon_pacific = dt.datetime(day.year, day.month, day.day, 12, tzinfo=clock.PACIFIC)
            moments += [
                noon_pacific + dt.timedelta(minutes=n) for n in range(self.daily(repo, day) - repo["extra"][day])
            ]
        moments = sorted(moments + [m for m in repo["extra_at"] if m.astimezone(clock.PACIFIC).date() <= self.today])
        stars = [{"starred_at": _iso(m), "user": {"login": f"synthetic-user-{n}"}} for n, m in enumerate(moments)]
        per_page, page = int(params.get("per_page", ["30"])[0]), int(params.get("page", ["1"])[0])
        if page > 400:
            return (
                422,
                {},
                {"message": "In order to keep the API fast for everyone, pagination is limited for this resource."},
            )
        pages = max(1, -(-len(stars) // per_page))
        result_headers = self._limit_headers()
        if page < pages:
            base = f"http://{headers.get('Host')}/repos/{full_name}/stargazers?per_page={per_page}"
            result_headers["Link"] = f'<{base}&page={page + 1}>; rel="next", <{base}&page={pages}>; rel="last"'
        return 200, result_headers, stars[(page - 1) * per_page : page * per_page]

    def _graphql(self, body) -> tuple[int, dict, object]:
        if self.graphql_limited_once:
            self.graphql_limited_once = False
            reset = dt.datetime.fromtimestamp(time.time() + self.reset_in_s, dt.UTC)  # elapsed time, not the clock
            return (
                200,
                {"x-ratelimit-remaining": "0"},
                {
                    "data": {"rateLimit": {"cost": 1, "remaining": 0, "resetAt": reset.strftime("%Y-%m-%dT%H:%M:%SZ")}},
                    "errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded"}],
                },
            )
        variables = body.get("variables") or {}
        data, errors = {}, []
        for alias in re.findall(r"\b(r\d+):\s*repository", body.get("query", "")):
            i = alias[1:]
            full_name = f"{variables.get('o' + i)}/{variables.get('n' + i)}"
            repo = self._resolve(full_name)
            if repo is None:
                data[alias] = None
                errors.append(
                    {
                        "type": "NOT_FOUND",
                        "path": [alias],
                        "message": f"Could not resolve to a Repository with the name '{full_name}'.",
                    }
                )
            else:
                data[alias] = {
                    "databaseId": repo["id"],
                    "nameWithOwner": repo["full_name"],
                    "stargazerCount": self.total(repo),
                }
        data["rateLimit"] = {"cost": 1, "remaining": 4999, "resetAt": "2099-01-01T00:00:00Z"}
        answer = {"data": data}
        if errors:
            answer["errors"] = errors
        return 200, self._limit_headers(), answer


def hashlib_sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()
