"""The one clock: every "what time / what day is it" in papertrend and its test fakes asks here.

``now()`` is the wall clock in UTC, or the instant in ``PAPERTREND_NOW`` (ISO 8601 with an offset,
e.g. ``2026-11-30T00:30:00Z``) when that is set: a pinned, frozen clock that the CLI, the Dagster
code location, run workers and the tests' fake APIs all read, in-process or in a subprocess.

Days are always named in an explicit zone, never the machine's local one (``TZ`` changes nothing):

- Dagster partitions and digest days: the UTC calendar (``today_utc``).
- GitHub star-history buckets: the America/Los_Angeles calendar (``today_pacific``).

Elapsed time (timeouts, request pacing, rate-limit waits against a server's epoch) is not "now":
it uses ``time.monotonic()`` / ``time.time()`` and is not pinned, so pacing stays real.
"""

import datetime as dt
import os
from zoneinfo import ZoneInfo

ENV_NOW = "PAPERTREND_NOW"
UTC = dt.UTC
PACIFIC = ZoneInfo("America/Los_Angeles")


def parse_instant(value: str) -> dt.datetime:
    """An ISO 8601 instant with an explicit offset (``Z`` or ``+hh:mm``), as an aware UTC datetime."""
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{ENV_NOW}={value!r} is not an ISO 8601 instant such as 2026-11-30T00:30:00Z") from None
    if moment.tzinfo is None:
        raise ValueError(f"{ENV_NOW}={value!r} has no UTC offset: add Z or +hh:mm (the local zone is never assumed)")
    return moment.astimezone(UTC)


def pinned() -> dt.datetime | None:
    """The instant ``PAPERTREND_NOW`` pins the clock to, or None when the clock runs."""
    value = os.environ.get(ENV_NOW)
    return parse_instant(value) if value else None


def now() -> dt.datetime:
    """The current instant, aware, in UTC."""
    return pinned() or dt.datetime.now(UTC)


def days_ahead_of_wall_clock() -> int:
    """Whole UTC days the pinned clock is ahead of the wall clock (0 when it runs or lags)."""
    moment = pinned()
    return max(0, (moment.date() - dt.datetime.now(UTC).date()).days) if moment else 0


def today_utc() -> dt.date:
    """Today on the UTC calendar: the calendar of Dagster partitions and digest days."""
    return now().date()


def yesterday_utc() -> dt.date:
    """The last UTC day that has ended: the newest day a digest can cover."""
    return today_utc() - dt.timedelta(days=1)


def today_pacific() -> dt.date:
    """Today on the America/Los_Angeles calendar, which GitHub's star-history days follow."""
    return now().astimezone(PACIFIC).date()
