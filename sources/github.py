"""GitHub client: repositories, current star counts, star histories (docs/external-apis.md §2).

- ``repo``: ``GET /repos/{owner}/{name}``; renames and transfers answer 301 and are followed; the
  repository's numeric id is its key; 404 is "missing", not an error.
- ``star_counts``: GraphQL, up to 100 repositories per query as aliases ``r0..r99`` whose owner and
  name are bound as variables (nothing user-supplied is spliced into the query text); a missing
  repository is a per-alias NOT_FOUND and the others still count.
- ``star_history``: ``/stargazers/history`` (30 weeks a page, newest first): a full walk follows
  ``Link: rel="next"`` back to creation; a refresh asks page 1 with ``If-None-Match`` (a 304 costs
  no rate limit and carries no Link, so the caller keeps the cached one).
- Limits: ``x-ratelimit-remaining: 0`` waits until ``x-ratelimit-reset``; ``retry-after`` is obeyed;
  a secondary-limit 403 waits; GraphQL's HTTP-200 ``RATE_LIMITED`` waits until ``resetAt``; any other
  403 is a permission answer, reported once and not retried. One request at a time per token.
- The token goes only into the Authorization header of the session; no reason, log or record
  carries headers.
"""

import datetime as dt
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

import requests

from .http import (
    ClientError,
    MalformedResponse,
    PermissionDenied,
    RateLimiter,
    RetryPolicy,
    ServiceClient,
    ServiceUnreachable,
    Throttled,
    retry_after_seconds,
)

DEFAULT_URL = "https://api.github.com"
GRAPHQL_BATCH = 100
HISTORY_PAGE = 30
MAX_STARGAZER_PAGES = 400  # GitHub serves pages 1-400 only (40,000 stars); past that 422 or []
_NOT_FOUND = object()
COUNTS_FIELDS = "databaseId nameWithOwner stargazerCount"


@dataclass
class History:
    """Weekly rows ``{week, total, days[7]}`` newest first, as the endpoint gives them."""

    weeks: list[dict] = field(default_factory=list)
    etag: str | None = None
    link: str | None = None
    not_modified: bool = False
    pages: int = 0


def _json(response: requests.Response):
    try:
        return response.json()
    except ValueError as exc:
        raise MalformedResponse(f"malformed JSON: {exc}") from None


class GitHubClient(ServiceClient):
    service = "GitHub"
    one_request_at_a_time = True

    def __init__(
        self,
        base_url: str,
        limiter: RateLimiter,
        policy: RetryPolicy | None = None,
        token: str | None = None,
        secondary_wait_s: float = 60.0,
        max_wait_s: float = 120.0,
        **kwargs,
    ):
        super().__init__(base_url, limiter, policy, **kwargs)
        self.session.headers.update({"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"})
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.authenticated = bool(token)
        self.secondary_wait_s = secondary_wait_s
        self.max_wait_s = max_wait_s

    # --- limits ----------------------------------------------------------------------------------
    def _until_reset(self, reset_epoch: float) -> float:
        """Seconds to the reset; a reset further away than ``max_wait_s`` ends the run's GitHub work:
        what is left is recorded pending (a run never blocks for an hour on an anonymous limit)."""
        wait = max(0.0, reset_epoch - time.time()) + 0.5
        if wait > self.max_wait_s:
            until = dt.datetime.fromtimestamp(reset_epoch, dt.UTC).strftime("%H:%M UTC")
            hint = "" if self.authenticated else "; set GITHUB_TOKEN for 5,000 requests an hour"
            raise ServiceUnreachable(f"GitHub rate limit exhausted until {until}{hint}")
        return wait

    def throttle_delay(self, response: requests.Response) -> float | None:
        if response.status_code not in (403, 429):
            return None
        retry_after = retry_after_seconds(response, cap_s=self.max_wait_s)
        if retry_after is not None:
            return retry_after
        if response.headers.get("x-ratelimit-remaining") == "0" and response.headers.get("x-ratelimit-reset"):
            return self._until_reset(float(response.headers["x-ratelimit-reset"]))
        if "secondary rate limit" in response.text.lower():
            return self.secondary_wait_s
        return None  # a 403 that is not about limits is a permission answer: on_client_error

    def on_client_error(self, response: requests.Response, attempt: int):
        if response.status_code == 404:
            return _NOT_FOUND
        message = ""
        try:
            message = str(response.json().get("message", ""))
        except ValueError:
            pass
        if response.status_code == 403:
            raise PermissionDenied(f"permission denied (HTTP 403): {message}", attempt, 403)
        raise ClientError(f"HTTP {response.status_code}: {message}", attempt, response.status_code)

    # --- endpoints -------------------------------------------------------------------------------
    def repo(self, full_name: str) -> dict | None:
        """Repository metadata under its current name (renames followed), or None when missing."""

        def parse(response: requests.Response) -> dict:
            body = _json(response)
            if not isinstance(body, dict) or "id" not in body:
                raise MalformedResponse("repository without id")
            license_info = body.get("license") or {}
            return {
                "repo_id": body["id"],
                "full_name": body.get("full_name"),
                "created_at": dt.datetime.fromisoformat(body["created_at"].replace("Z", "+00:00"))
                if body.get("created_at")
                else None,
                "language": body.get("language"),
                "license": license_info.get("spdx_id") if isinstance(license_info, dict) else None,
                "stargazers_count": body.get("stargazers_count"),
                "renamed": any(r.status_code == 301 for r in response.history),
            }

        found = self.call("GET", f"{self.base_url}/repos/{full_name}", parse)
        return None if found is _NOT_FOUND else found

    def star_counts(self, full_names: list[str]) -> dict[str, dict | None]:
        """Current counts through GraphQL, 100 repositories a request; None for a missing one."""
        result: dict[str, dict | None] = {}
        names = list(dict.fromkeys(full_names))
        for start in range(0, len(names), GRAPHQL_BATCH):
            result.update(self._counts_batch(names[start : start + GRAPHQL_BATCH]))
        return result

    def _counts_batch(self, batch: list[str]) -> dict[str, dict | None]:
        variables: dict[str, str] = {}
        declarations, selections = [], []
        for i, full_name in enumerate(batch):
            owner, _, name = full_name.partition("/")
            variables[f"o{i}"], variables[f"n{i}"] = owner, name
            declarations.append(f"$o{i}: String!, $n{i}: String!")
            selections.append(f"r{i}: repository(owner: $o{i}, name: $n{i}) {{ {COUNTS_FIELDS} }}")
        query = f"query({', '.join(declarations)}) {{ {' '.join(selections)} rateLimit {{ cost remaining resetAt }} }}"

        def parse(response: requests.Response) -> dict[str, dict | None]:
            body = _json(response)
            if not isinstance(body, dict):
                raise MalformedResponse("GraphQL answer is not an object")
            errors = body.get("errors") or []
            limited = [e for e in errors if e.get("type") == "RATE_LIMITED"]
            if limited:
                reset = ((body.get("data") or {}).get("rateLimit") or {}).get("resetAt") or response.headers.get(
                    "x-ratelimit-reset"
                )
                reset_epoch = (
                    dt.datetime.fromisoformat(reset.replace("Z", "+00:00")).timestamp()
                    if isinstance(reset, str) and "T" in reset
                    else float(reset or 0)
                )
                raise Throttled("GraphQL RATE_LIMITED", self._until_reset(reset_epoch))
            unexpected = [e for e in errors if e.get("type") != "NOT_FOUND"]
            if unexpected or "data" not in body:
                raise MalformedResponse(f"GraphQL errors: {unexpected[:2] or 'no data'}")
            data = body["data"] or {}
            out: dict[str, dict | None] = {}
            for i, full_name in enumerate(batch):
                node = data.get(f"r{i}")
                out[full_name] = (
                    None
                    if node is None
                    else {
                        "repo_id": node.get("databaseId"),
                        "full_name": node.get("nameWithOwner"),
                        "stargazers_count": node.get("stargazerCount"),
                    }
                )
            return out

        return self.call("POST", f"{self.base_url}/graphql", parse, json={"query": query, "variables": variables})

    def star_history(self, full_name: str, etag: str | None = None, full_walk: bool = True) -> History | None:
        """Weekly star history. ``full_walk``: every page back to creation; else page 1 only (a refresh).

        With ``etag``, page 1 is asked conditionally; a 304 returns ``not_modified`` and no weeks.
        None when the repository is missing.
        """
        history = History()
        url = f"{self.base_url}/repos/{full_name}/stargazers/history?per_page={HISTORY_PAGE}"
        headers = {"If-None-Match": etag} if etag else {}

        def parse(response: requests.Response):
            if response.status_code == 304:
                return response, None
            body = _json(response)
            if not isinstance(body, list):
                raise MalformedResponse("history page is not a list")
            for row in body:
                if not (
                    isinstance(row, dict)
                    and isinstance(row.get("week"), int)
                    and isinstance(row.get("days"), list)
                    and len(row["days"]) == 7
                ):
                    raise MalformedResponse(f"history row not {{week, total, days[7]}}: {str(row)[:80]}")
            return response, body

        while url:
            answer = self.call("GET", url, parse, headers=headers)
            if answer is _NOT_FOUND:
                return None
            response, rows = answer
            history.pages += 1
            if rows is None:  # 304: unchanged, and no Link header to follow
                history.not_modified, history.etag = True, etag
                return history
            if history.pages == 1:
                history.etag, history.link = response.headers.get("ETag"), response.headers.get("Link")
            history.weeks += rows
            headers = {}
            following = response.links.get("next", {}).get("url") if full_walk else None
            if not following:
                break
            url = urljoin(response.url, following)
        return history

    def stargazers(self, full_name: str, max_pages: int = MAX_STARGAZER_PAGES) -> list[dt.datetime] | None:
        """``starred_at`` of every stargazer, oldest first: only for repositories the token administers.

        None when GitHub will not list them (403 or 404 since 2026-06-30 for everyone else's
        repositories): the caller records that once and does not ask again.
        """

        def parse(response: requests.Response):
            body = _json(response)
            if not isinstance(body, list):
                raise MalformedResponse("stargazers page is not a list")
            return response, [
                dt.datetime.fromisoformat(r["starred_at"].replace("Z", "+00:00"))
                for r in body
                if isinstance(r, dict) and r.get("starred_at")
            ]

        times: list[dt.datetime] = []
        url = f"{self.base_url}/repos/{full_name}/stargazers?per_page=100"
        headers = {"Accept": "application/vnd.github.star+json"}
        for _ in range(max_pages):
            try:
                answer = self.call("GET", url, parse, headers=headers)
            except PermissionDenied:
                return None
            except ClientError as exc:
                if exc.status == 422:
                    break  # past the pagination limit: the end of reachable data
                raise
            if answer is _NOT_FOUND:
                return None
            response, page_times = answer
            if not page_times:
                break
            times += page_times
            following = response.links.get("next", {}).get("url")
            if not following:
                break
            url = urljoin(response.url, following)
        return times
