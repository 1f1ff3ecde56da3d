"""Hugging Face papers API client, following docs/external-apis.md section 3.

Fields are read from where they live: ``numComments`` and (usually) ``organization`` on the outer
daily-list item; ``id``, ``title``, ``upvotes``, ``githubRepo``, ``githubStars``, ``ai_keywords`` on ``paper``.
A single paper (``/api/papers/{id}``) carries the paper fields at its top level.
"""

import datetime as dt
import json

import requests

from .http import FetchError, MalformedResponse, ServiceClient

DEFAULT_URL = "https://huggingface.co"
PAGE_SIZE = 100
_NOT_FOUND = object()


def _json(response: requests.Response):
    try:
        return response.json()
    except (json.JSONDecodeError, ValueError) as exc:
        raise MalformedResponse(f"malformed JSON: {exc}") from None


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _organization(*candidates) -> tuple[str | None, str | None]:
    for org in candidates:
        if isinstance(org, dict) and (org.get("name") or org.get("fullname")):
            return org.get("name"), org.get("fullname")
    return None, None


def _title(value) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _keywords(value) -> list[str]:
    return [k for k in value if isinstance(k, str)] if isinstance(value, list) else []


def _record(paper: dict, organizations: tuple, num_comments: int | None, api_source: str) -> dict:
    name, fullname = _organization(*organizations)
    return {
        "arxiv_id": paper["id"],
        "title": _title(paper.get("title")),
        "upvotes": _int(paper.get("upvotes")),
        "num_comments": num_comments,
        "github_repo": paper.get("githubRepo") or None,
        "github_stars": _int(paper.get("githubStars")),
        "organization_name": name,
        "organization_fullname": fullname,
        "ai_keywords": _keywords(paper.get("ai_keywords")),
        "api_source": api_source,
    }


def daily_item_record(item: dict) -> dict:
    """One item of /api/daily_papers as a stg_hf_daily_papers row (without date and fetch time)."""
    paper = item.get("paper")
    if not isinstance(paper, dict) or not isinstance(paper.get("id"), str):
        raise MalformedResponse("daily-papers item without paper.id")
    return _record(
        paper, (item.get("organization"), paper.get("organization")), _int(item.get("numComments")), "daily_papers"
    )


def paper_record(paper: dict) -> dict:
    """/api/papers/{id} as a stg_hf_daily_papers row: no comment count there, so it stays null."""
    if not isinstance(paper.get("id"), str):
        raise MalformedResponse("paper without id")
    return _record(paper, (paper.get("organization"),), None, "paper")


class HuggingFaceClient(ServiceClient):
    service = "Hugging Face"

    def on_client_error(self, response: requests.Response, attempt: int):
        if response.status_code == 404:
            return _NOT_FOUND
        return super().on_client_error(response, attempt)

    def daily_papers(self, day: dt.date) -> list[dict]:
        """Every item listed for ``day`` (all pages), as stg_hf_daily_papers rows."""

        def parse(response: requests.Response) -> list[dict]:
            body = _json(response)
            if not isinstance(body, list):
                raise MalformedResponse(f"expected a JSON list, got {type(body).__name__}")
            return [daily_item_record(item) for item in body if isinstance(item, dict)]

        rows: list[dict] = []
        page = 0
        while True:
            params = {"date": day.isoformat(), "p": page, "limit": PAGE_SIZE}
            batch = self.call("GET", f"{self.base_url}/api/daily_papers", parse, params=params)
            if batch is _NOT_FOUND:
                raise FetchError(f"no daily list for {day} (HTTP 404)", permanent=True)
            rows += batch
            if len(batch) < PAGE_SIZE:
                return rows
            page += 1

    def paper(self, arxiv_id: str) -> dict | None:
        """One paper as a stg_hf_daily_papers row, or None when Hugging Face does not know it."""
        found = self.call("GET", f"{self.base_url}/api/papers/{arxiv_id}", lambda r: paper_record(_json(r)))
        return None if found is _NOT_FOUND else found
