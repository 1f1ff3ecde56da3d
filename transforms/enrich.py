"""Pure bookkeeping of enrichment: what to fetch, and how results merge into the tables.

The tables are the cache: a paper with a fresh ``dim_paper`` row, or one arXiv answered
not_found / invalid for recently, is not asked again, so a second run of the same days sends no
request. Everything else that lacks metadata (pending: offline or service unreachable; error:
failed after retries) is asked again on the next run: that is how a later run fills the gaps.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import polars as pl

from ..schemas import DIM_PAPER, ENRICHMENT_STATUS_HF, STG_HF_DAILY_PAPERS, TableContract
from ..sources.arxiv import ArxivResult
from ..sources.http import FetchError, ServiceUnreachable


def arxiv_ids_to_fetch(
    ids: list[str],
    dim_paper: pl.DataFrame,
    status: pl.DataFrame,
    now: dt.datetime,
    max_age: dt.timedelta,
    refresh: bool,
) -> list[str]:
    """The ids among ``ids`` that need a request, in first-seen order."""
    wanted = list(dict.fromkeys(ids))
    if refresh:
        return wanted
    fresh = set(dim_paper.filter(pl.col("fetched_at") > now - max_age).get_column("arxiv_id").to_list())
    settled = set(
        status.filter(
            (pl.col("source") == "arxiv")
            & pl.col("status").is_in(["not_found", "invalid"])
            & (pl.col("last_attempt_at") > now - max_age)
        )
        .get_column("key")
        .to_list()
    )
    return [i for i in wanted if i not in fresh and i not in settled]


def upsert(existing: pl.DataFrame, new: pl.DataFrame, table: TableContract, keys: list[str]) -> pl.DataFrame:
    """Rows of ``new`` replace the rows of ``existing`` with the same keys; every other row stays."""
    kept = existing.join(new.select(keys).unique(), on=keys, how="anti")
    return table.conform(pl.concat([table.conform(kept), table.conform(new)]).sort(list(table.order_by)))


def merge_dim_paper(existing: pl.DataFrame, records: dict[str, dict], fetched_at: dt.datetime) -> pl.DataFrame:
    """Upsert fetched records (newest wins), keep every other paper as it was."""
    new = pl.DataFrame([{**r, "fetched_at": fetched_at} for r in records.values()], schema=DIM_PAPER.polars_schema)
    return upsert(existing, new, DIM_PAPER, ["arxiv_id"])


def arxiv_status_rows(result: ArxivResult, now: dt.datetime) -> list[dict]:
    rows = [dict(key=i, status="ok", reason=None, attempts=1) for i in result.records]
    rows += [
        dict(key=i, status="not_found", reason=f"no entry after {n} requests", attempts=n)
        for i, n in result.not_found.items()
    ]
    rows += [dict(key=i, status="invalid", reason=reason, attempts=1) for i, reason in result.invalid.items()]
    rows += [dict(key=i, status="error", reason=reason, attempts=n) for i, (reason, n) in result.errors.items()]
    rows += [dict(key=i, status="pending", reason=reason, attempts=0) for i, reason in result.unfetched.items()]
    return [{"source": "arxiv", **row, "last_attempt_at": now} for row in rows]


def merge_status(table: TableContract, existing: pl.DataFrame, rows: list[dict]) -> pl.DataFrame:
    """Replace the status of each (source, key) in ``rows`` of a status table; attempts add up over runs."""
    if not rows:
        return table.conform(existing)
    updates = pl.DataFrame(rows, schema=table.polars_schema)
    if existing.height == 0:  # nothing to add up or keep (a day's first status): the rows as they are
        return table.conform(updates.sort(list(table.order_by)))
    previous = existing.select("source", "key", pl.col("attempts").alias("previous_attempts"))
    updates = (
        updates.join(previous, on=["source", "key"], how="left")
        .with_columns((pl.col("attempts") + pl.col("previous_attempts").fill_null(0)).cast(pl.Int32).alias("attempts"))
        .drop("previous_attempts")
    )
    return upsert(existing, updates, table, ["source", "key"])


OFFLINE = "offline: no request sent"
T = TypeVar("T")


@dataclass
class Outcomes:
    """One service's calls in one run and the status rows they leave: the one place an outcome is recorded.

    Once the service is unreachable (or papertrend is offline), nothing more is asked of it in this run:
    every later key is recorded as pending with that reason, and a later run asks again.
    """

    source: str
    now: dt.datetime
    unreachable: str | None = None
    rows: list[dict] = field(default_factory=list)

    def record(self, key: str, status: str, reason: str | None, attempts: int, source: str | None = None) -> None:
        self.rows.append(
            dict(
                source=source or self.source,
                key=key,
                status=status,
                reason=reason,
                attempts=attempts,
                last_attempt_at=self.now,
            )
        )

    def call(
        self, key: str, fetch: Callable[[], T], source: str | None = None, refused: str = "error"
    ) -> tuple[bool, T | None]:
        """(True, answer) when the service answered; else (False, None) with the reason recorded for ``key``.

        A failure after retries is recorded as error, a permanent refusal as ``refused`` (GitHub look-ups pass
        restricted: the token may not see it, do not ask again), an unreachable service as pending.
        """
        if self.unreachable:
            self.record(key, "pending", self.unreachable, 0, source)
            return False, None
        try:
            return True, fetch()
        except ServiceUnreachable as exc:
            self.unreachable = exc.reason
            self.record(key, "pending", exc.reason, exc.attempts, source)
        except FetchError as exc:
            self.record(key, refused if exc.permanent else "error", exc.reason, exc.attempts, source)
        return False, None


def online(client: T | None) -> T:
    """The client a fetch given to ``Outcomes.call`` uses. An offline run has none, but its Outcomes is unreachable
    (OFFLINE) from the start and runs no fetch: None here is a bug, not a state to handle."""
    if client is None:
        raise RuntimeError("a fetch ran without a client: an offline run's Outcomes must start unreachable")
    return client


def list_has_titles(stored) -> bool:
    """False for a stored list written before papertrend kept ``title`` (papers, every title null): its
    left-out papers could get no topic, so it is fetched again like a list never stored."""
    return stored.height == 0 or stored.get_column("title").null_count() < stored.height


def hf_day_action(from_first_digest: bool, settled: bool, stored: bool, refresh: bool) -> str:
    """What to do about one day's Hugging Face list: 'none', 'keep' or 'fetch'.

    Every day from the first digest on has a list worth having, digest or not: a digest day's is
    audited against the digest, another day's selection is derived from it. A day before the first
    digest has 'none' (no lab tiers learned that early). Daily lists are snapshots: a list fetched
    once is kept, unless asked to refresh.
    """
    if not from_first_digest:
        return "none"
    if settled and stored and not refresh:
        return "keep"
    return "fetch"


def hf_day_tables(
    day: dt.date,
    action: str,
    stored: pl.DataFrame | None,
    previous: pl.DataFrame | None,
    fetched: pl.DataFrame | None,
    outcome: dict | None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The day's list and its status row after this run, from ``hf_day_action``'s answer.

    'none': both empty (a day before the first digest). 'keep': as stored. 'fetch': the fetched list, or
    when the fetch failed the list stored before (a failed refresh loses nothing), with ``outcome`` (the
    Outcomes row of the attempt) as the day's status.
    """
    if action == "none":
        return STG_HF_DAILY_PAPERS.empty(), ENRICHMENT_STATUS_HF.empty()
    if action == "keep" and stored is not None and previous is not None:
        return stored, previous
    if action != "fetch" or outcome is None:
        raise ValueError(f"{day}: {action!r} needs a stored list and status ('keep') or an attempt's outcome ('fetch')")
    frame = fetched if fetched is not None else stored if stored is not None else STG_HF_DAILY_PAPERS.empty()
    existing = previous if previous is not None else ENRICHMENT_STATUS_HF.empty()
    return frame, merge_status(ENRICHMENT_STATUS_HF, existing, [{**outcome, "digest_date": day}])
