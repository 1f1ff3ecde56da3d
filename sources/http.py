"""What every HTTP client of papertrend shares: pacing, retries, and knowing when to stop.

- ``RateLimiter``: at most one request per interval for a service, across every thread of the process
  AND every process using the same data directory (a lock file plus a timestamp file), or every
  machine sharing a PostgreSQL database, because the services' limits are per client, not per worker.
- ``ServiceClient.call``: retries 429, 5xx, timeouts, dropped connections and bodies that do not
  parse, with exponential backoff and full jitter; honours ``Retry-After``; gives up with a
  ``FetchError`` that says why after ``max_attempts``.
- A circuit breaker: after consecutive connection-level failures (no network, DNS failure) the
  client stops sending for the rest of the run and raises ``ServiceUnreachable`` at once, so an
  offline run records what it could not fetch in seconds instead of retrying every batch.
"""

import email.utils
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import requests
import urllib3
from filelock import FileLock

from . import __version__

USER_AGENT = f"papertrend/{__version__} (daily-digest enrichment; python-requests)"
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER_S = 300.0


class FetchError(Exception):
    """A request that failed for good (after retries, or at once for a permanent error)."""

    def __init__(self, reason: str, attempts: int = 1, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.attempts = attempts
        self.permanent = permanent


class ServiceUnreachable(FetchError):
    """The service cannot be reached at all (no network, DNS failure, refused connections)."""


class ClientError(FetchError):
    """The service refused the request for good (HTTP 4xx other than a rate limit): ``status`` says how."""

    def __init__(self, reason: str, attempts: int, status: int):
        super().__init__(reason, attempts, permanent=True)
        self.status = status


class PermissionDenied(ClientError):
    """HTTP 403 that is not a rate limit: the token may not see this resource."""


class MalformedResponse(Exception):
    """The body arrived but does not parse as what the service documents."""


class RetryableResponse(Exception):
    """The body parsed but says "try again" (e.g. arXiv's spurious empty feed)."""


class Throttled(Exception):
    """The body says the rate limit is exhausted (GraphQL does so with HTTP 200): wait ``delay_s``."""

    def __init__(self, reason: str, delay_s: float):
        super().__init__(reason)
        self.delay_s = delay_s


class RateLimiter:
    """At most one request per ``interval_s`` for one service, across threads, processes and machines.

    The ledger says when the next request may go, for everyone who calls the service: the process
    alone (no ledger), every process of one machine (``FileLedger``, the default with a state folder),
    or every machine of a team (``PostgresLedger``, sources/pacing.py).
    """

    def __init__(self, name: str, interval_s: float, state_dir: Path | None = None, *, ledger: "Ledger | None" = None):
        self.name = name
        self.interval_s = max(0.0, interval_s)
        self._thread_lock = threading.Lock()
        self._ledger: Ledger = ledger or (FileLedger(state_dir) if state_dir else ProcessLedger())

    def wait(self) -> None:
        with self._thread_lock:
            if self.interval_s > 0:
                self._ledger.wait_turn(self.name, self.interval_s)


class Ledger(Protocol):
    def wait_turn(self, service: str, interval_s: float) -> None:
        """Return when a request to ``service`` may go: ``interval_s`` after the previous one, or later."""
        ...


class ProcessLedger:
    def __init__(self):
        self._last: dict[str, float] = {}

    def wait_turn(self, service: str, interval_s: float) -> None:
        delay = self._last.get(service, -interval_s) + interval_s - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self._last[service] = time.monotonic()  # when it actually went: a late wake-up moves the next on


class FileLedger:
    """The last request's time in a file, under a lock file: every process of one machine (wall clock
    seconds, as elapsed time between processes, not papertrend's clock)."""

    def __init__(self, state_dir: Path):
        self.state_dir = Path(state_dir)

    def wait_turn(self, service: str, interval_s: float) -> None:
        state = self.state_dir / f"ratelimit-{service}"
        state.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(f"{state}.lock", thread_local=False):
            try:
                last = float(state.read_text() or 0)
            except (FileNotFoundError, ValueError):
                last = 0.0
            delay = last + interval_s - time.time()
            if delay > 0:
                time.sleep(delay)
            state.write_text(repr(time.time()))


_limiters: dict[tuple, RateLimiter] = {}
_limiters_lock = threading.Lock()


def shared_limiter(name: str, interval_s: float, state_dir: Path | None, ledger: Ledger | None = None) -> RateLimiter:
    """The one limiter of this process for a service (and ledger)."""
    key = (name, interval_s, str(state_dir) if state_dir else None, id(ledger) if ledger else None)
    with _limiters_lock:
        if key not in _limiters:
            _limiters[key] = RateLimiter(name, interval_s, state_dir, ledger=ledger)
        return _limiters[key]


@dataclass
class RetryPolicy:
    max_attempts: int = 5
    backoff_base_s: float = 3.0
    backoff_cap_s: float = 60.0
    timeout_s: float = 30.0
    breaker_threshold: int = 2  # consecutive connection failures before the service counts as unreachable

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2^(attempt-1))], never below a tenth of the base."""
        ceiling = min(self.backoff_cap_s, self.backoff_base_s * 2 ** (attempt - 1))
        return max(self.backoff_base_s / 10, random.uniform(0, ceiling))


def retry_after_seconds(response: requests.Response, cap_s: float = MAX_RETRY_AFTER_S) -> float | None:
    """``Retry-After`` as seconds to wait, capped; None when absent or unreadable.

    RFC 9110 allows delay-seconds or an HTTP-date; the standard library parses the date.
    """
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        # elapsed time against the server's clock, like a rate-limit reset epoch: not papertrend's clock
        seconds = when.timestamp() - time.time()
    return min(cap_s, max(0.0, seconds))


class ServiceClient:
    """One service's session, limiter, retry policy and breaker. Subclasses add endpoints."""

    service = "http"
    one_request_at_a_time = False  # True where the service forbids concurrent requests (GitHub, per token)

    def __init__(
        self,
        base_url: str,
        limiter: RateLimiter,
        policy: RetryPolicy | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.base_url = base_url.rstrip("/")
        self.limiter = limiter
        self.policy = policy or RetryPolicy()
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.sleep = sleep
        self.requests_sent = 0
        self._connection_failures = 0
        self._unreachable: str | None = None
        self._lock = threading.Lock()
        self._local = threading.local()
        self._in_flight = threading.Lock()

    @property
    def last_call_attempts(self) -> int:
        """Requests the calling thread's last ``call`` sent (retries included)."""
        return getattr(self._local, "attempts", 0)

    def call(self, method: str, url: str, parse: Callable[[requests.Response], Any], **kwargs) -> Any:
        """Send with retries; ``parse`` turns a 2xx response into a value or raises MalformedResponse."""
        last_reason = "no attempt made"
        self._local.attempts = 0
        for attempt in range(1, self.policy.max_attempts + 1):
            if self._unreachable:
                raise ServiceUnreachable(f"{self.service} unreachable: {self._unreachable}", attempt - 1)
            self.limiter.wait()
            self._local.attempts = attempt
            with self._lock:
                self.requests_sent += 1
            delay = None
            response: requests.Response | None = None  # stays None when the request got no answer
            try:
                response = self._send(method, url, **kwargs)
            except requests.Timeout:
                last_reason = f"timed out after {self.policy.timeout_s:g} s"
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                last_reason = f"connection failed: {_root_cause(exc)}"
                if _never_connected(exc):
                    if self._count_connection_failure(last_reason):
                        raise ServiceUnreachable(f"{self.service} unreachable: {last_reason}", attempt) from None
                    delay = min(1.0, self.policy.backoff_base_s)  # no connection at all: confirm quickly
            if response is not None:
                self._connection_failures = 0
                throttle = self.throttle_delay(response)
                if throttle is not None:
                    last_reason = f"HTTP {response.status_code}: rate limited"
                    delay = throttle
                elif response.status_code in RETRY_STATUSES:
                    last_reason = f"HTTP {response.status_code}"
                    delay = retry_after_seconds(response)
                elif response.status_code >= 400:
                    return self.on_client_error(response, attempt)
                else:
                    try:
                        return parse(response)
                    except Throttled as exc:
                        last_reason, delay = str(exc), exc.delay_s
                    except (MalformedResponse, RetryableResponse, requests.exceptions.ChunkedEncodingError) as exc:
                        last_reason = str(exc) or type(exc).__name__
            if attempt < self.policy.max_attempts:
                self.sleep(delay if delay is not None else self.policy.backoff(attempt))
        raise FetchError(f"{last_reason} (after {self.policy.max_attempts} attempts)", self.policy.max_attempts)

    def throttle_delay(self, response: requests.Response) -> float | None:
        """Seconds to wait when ``response`` says the rate limit is exhausted; None otherwise."""
        return None

    def _send(self, method: str, url: str, **kwargs) -> requests.Response:
        if not self.one_request_at_a_time:
            return self.session.request(method, url, timeout=self.policy.timeout_s, **kwargs)
        with self._in_flight:
            return self.session.request(method, url, timeout=self.policy.timeout_s, **kwargs)

    def on_client_error(self, response: requests.Response, attempt: int) -> Any:
        raise ClientError(f"HTTP {response.status_code}: {_short(response.text)}", attempt, response.status_code)

    def _count_connection_failure(self, reason: str) -> bool:
        with self._lock:
            self._connection_failures += 1
            if self._connection_failures >= self.policy.breaker_threshold:
                self._unreachable = reason
                return True
        return False


def _never_connected(exc: Exception) -> bool:
    """True when no connection was made (DNS, refused, no route), not when one broke mid-response."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # requests wraps urllib3's MaxRetryError
    return isinstance(reason, urllib3.exceptions.NewConnectionError)  # includes NameResolutionError


def _root_cause(exc: Exception) -> str:
    """The innermost reason of a requests/urllib3 error, without the wrapper's repetition."""
    reason = exc.args[0] if exc.args else exc
    reason = getattr(reason, "reason", reason)
    text = str(reason)
    if isinstance(reason, urllib3.exceptions.NewConnectionError) and "): " in text:
        text = text.split("): ", 1)[1]  # drop "HTTPSConnection(host=..., port=...)"
    return _short(f"{type(reason).__name__}: {text}" if isinstance(reason, Exception) else text)


def _short(value: object, limit: int = 160) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
