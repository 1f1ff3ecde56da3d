"""Dagster instance storage tuned for single-run backfills of many partitions.

Dagster's stock SQLite event log builds a new SQLAlchemy engine for every event it stores. An
engine owns SQLAlchemy's compiled-statement cache, so every insert is compiled from scratch: about
20 ms per event, and a backfill of years of days records tens of thousands of events (planned,
materialized and one check evaluation per partition). Keeping the engines of recently used shards
keeps that cache warm. Each engine also keeps its SQLite connection open between transactions
(a small QueuePool instead of Dagster's NullPool): opening a connection for every transaction took 31%
of a 92-day run (22.8 s, now 15.8 s), mostly for check evaluations. SQLite's own locking
still governs concurrent writers from other processes (the UI, a second run).

It also writes event batches in one transaction per database. Dagster hands the storage batches
(the "planned" events of a run and the materializations of a multi-partition output) only when
DAGSTER_EVENT_BATCH_SIZE is set, so importing this module sets a default for it; the stock SQLite
storage would then loop over the batch, one transaction per event.

Selected in ``dagster.yaml`` (written by ``papertrend``) as ``event_log_storage``.
"""

import os
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from contextlib import contextmanager

from dagster._core.events import ASSET_EVENTS
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlalchemy_compat import db_result
from sqlalchemy import create_engine
from sqlalchemy.pool import QueuePool

SQLITE_BUSY_TIMEOUT_SECONDS = 30
MAX_CACHED_ENGINES = 32  # the index shard plus recent run shards; a webserver reads many runs

os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", "1000")


class CachedEngineSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage that reuses one SQLAlchemy engine per shard (run or index database)."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, object] = OrderedDict()
        self._engines_lock = threading.Lock()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str):
        with self._engines_lock:
            engine = self._engines.pop(shard, None)
            if engine is None:
                engine = create_engine(
                    self.conn_string_for_shard(shard),
                    poolclass=QueuePool,
                    pool_size=1,
                    max_overflow=4,
                    # a pooled connection may serve another thread (the UI's), one at a time
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
                )
            self._engines[shard] = engine
            while len(self._engines) > MAX_CACHED_ENGINES:
                self._engines.popitem(last=False)[1].dispose()
            return engine

    @contextmanager
    def _connect(self, shard: str):
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn:
                with conn.begin():
                    yield conn

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """Store plain and asset events in one transaction per shard; anything else one by one."""

        def batchable(event: EventLogEntry) -> bool:
            return not event.is_dagster_event or event.dagster_event_type in ASSET_EVENTS

        if not all(batchable(event) for event in events):
            super().store_event_batch(events)
            return
        # Serialising an event is most of its cost: do it once for both databases, as store_event does.
        inserts = [self.prepare_insert_event(event) for event in events]
        by_run: dict[str, list] = defaultdict(list)
        for event, insert in zip(events, inserts, strict=True):
            by_run[event.run_id].append(insert)
        for run_id, run_inserts in by_run.items():
            with self.run_connection(run_id) as conn:
                for insert in run_inserts:
                    conn.execute(insert)
        mirrored = [(event, insert) for event, insert in zip(events, inserts, strict=True) if event.is_dagster_event]
        if mirrored:
            # mirrored into the cross-run index shard, as store_event does for each asset event
            with self.index_transaction() as conn:
                asset_events, event_ids = [], []
                for event, insert in mirrored:
                    with db_result(conn, insert) as result:
                        event_ids.append(result.inserted_primary_key[0])
                    asset_events.append(event)
                # One multi-row insert for the batch's tags (the stock code checks the table exists per event).
                self._store_asset_event_tags(conn, asset_events, event_ids)
                # The asset_keys row keeps, per column, the value of the last event setting it, and
                # events of one type set the same columns: the last event of each (asset, type)
                # leaves the row exactly as storing all of them in order would.
                last: dict[tuple, int] = {}
                for index, event in enumerate(asset_events):
                    last[(event.dagster_event.asset_key, event.dagster_event_type)] = index
                for index in sorted(last.values()):
                    self._store_asset_event(conn, asset_events[index], event_ids[index])

    def dispose(self) -> None:
        with self._engines_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()
        super().dispose()
