"""Request pacing shared by machines: the next free slot of each service, held in PostgreSQL.

Runs of a team deployment execute on different machines that share only the Dagster instance's
PostgreSQL database, where a lock file on one disk covers nobody else. Each request reserves its slot
in one atomic statement (the row lock of ``INSERT … ON CONFLICT DO UPDATE`` orders concurrent callers),
timed by the database server's clock, so the machines' clocks need not agree.
"""

import threading

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
RETURNING greatest(0, extract(epoch FROM p.next_free - make_interval(secs => %(interval)s) - clock_timestamp()))
"""


class PostgresLedger:
    def __init__(self, url: str):
        self._url = url
        self._connection = None
        self._lock = threading.Lock()

    def _connect(self):
        import psycopg2

        connection = psycopg2.connect(self._url, application_name="papertrend-pacing")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(_TABLE)
        return connection

    def reserve(self, service: str, interval_s: float) -> float:
        import psycopg2

        with self._lock:
            for attempt in (1, 2):  # one reconnect: the server may have closed an idle connection
                try:
                    connection = self._connection
                    if connection is None or connection.closed:
                        connection = self._connection = self._connect()
                    with connection.cursor() as cursor:
                        cursor.execute(_RESERVE, {"service": service, "interval": interval_s})
                        row = cursor.fetchone()
                    return float(row[0]) if row else 0.0
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
