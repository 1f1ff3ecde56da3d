"""Request pacing shared by machines: the next free slot of each service, held in PostgreSQL.

Runs of a team deployment execute on different machines that share only the Dagster instance's
PostgreSQL database, where a lock file on one disk covers nobody else. Each request reserves its slot
in one atomic statement (the row lock of ``INSERT … ON CONFLICT DO UPDATE`` orders concurrent callers),
timed by the database server's clock, so the machines' clocks need not agree. A caller that wakes
late for its slot moves the next free slot on; a slot another machine took meanwhile is not moved,
so across machines a gap can shrink by a late wake-up (milliseconds). Within one process the
limiter's lock orders callers, as before.
"""

import threading
import time

_TABLE = """
CREATE TABLE IF NOT EXISTS papertrend_service_pacing (
    service   text PRIMARY KEY,
    next_free timestamptz NOT NULL
)
"""
# The slot taken is max(next_free, now); next_free moves one interval past it. Returns the seconds to wait.
_RESERVE = """
INSERT INTO papertrend_service_pacing AS p (service, next_free)
VALUES (%(service)s, clock_timestamp() + make_interval(secs => %(interval)s))
ON CONFLICT (service) DO UPDATE
    SET next_free = greatest(p.next_free, clock_timestamp()) + make_interval(secs => %(interval)s)
RETURNING
    greatest(0, extract(epoch FROM p.next_free - make_interval(secs => %(interval)s) - clock_timestamp())),
    extract(epoch FROM p.next_free - make_interval(secs => %(interval)s))
"""
_SENT = """
UPDATE papertrend_service_pacing
SET next_free = greatest(next_free, clock_timestamp() + make_interval(secs => %(interval)s))
WHERE service = %(service)s
"""


class PostgresLedger:
    def __init__(self, url: str):
        self._url = url
        self._connection = None
        self._lock = threading.Lock()

    def _connect(self):
        import psycopg2
        import psycopg2.errors

        connection = psycopg2.connect(self._url, application_name="papertrend-pacing")
        connection.autocommit = True
        with connection.cursor() as cursor:
            try:
                cursor.execute(_TABLE)
            except (psycopg2.errors.UniqueViolation, psycopg2.errors.DuplicateTable, psycopg2.errors.DuplicateObject):
                # another machine created it at the same moment (IF NOT EXISTS does not cover a race): the table,
                # or its row type first ('type "papertrend_service_pacing" already exists', seen through PgBouncer)
                pass
        return connection

    def wait_turn(self, service: str, interval_s: float) -> None:
        delay, _ = self.reserve(service, interval_s)
        if delay > 0:
            time.sleep(delay)
        self._execute(_SENT, {"service": service, "interval": interval_s})

    def reserve(self, service: str, interval_s: float) -> tuple[float, float]:
        """Take the next free slot of ``service``: the seconds until it, and its time (epoch, server clock)."""
        row = self._execute(_RESERVE, {"service": service, "interval": interval_s})
        if row is None:
            raise RuntimeError("the pacing ledger answered no slot")
        return float(row[0]), float(row[1])

    def _execute(self, sql: str, parameters: dict) -> tuple | None:
        import psycopg2

        with self._lock:
            for attempt in (1, 2):  # one reconnect: the server may have closed an idle connection
                try:
                    connection = self._connection
                    if connection is None or connection.closed:
                        connection = self._connection = self._connect()
                    with connection.cursor() as cursor:
                        cursor.execute(sql, parameters)
                        return cursor.fetchone() if cursor.description else None
                except psycopg2.OperationalError:
                    self._connection = None
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")


_ledgers: dict[str, PostgresLedger] = {}
_ledgers_lock = threading.Lock()


def postgres_ledger(url: str) -> PostgresLedger:
    """The one ledger of this process for a database."""
    with _ledgers_lock:
        return _ledgers.setdefault(url, PostgresLedger(url))
