import datetime as dt

import dagster as dg

from ..schemas import DIGEST_FILES
from ..transforms import clock
from ..warehouse import Lake
from . import settings


def partitions_start(lake: Lake) -> dt.date:
    """The first day: PAPERTREND_PARTITIONS_START (default 2026-01-01), or the earliest day already in the lake.

    Whatever `papertrend run` backfilled, however far back, is a partition of every later process (the UI,
    the daemon, the next run) without anyone setting anything: the lake, not a process's environment, says
    which days have data.
    """
    loaded = lake.partition_dates(DIGEST_FILES)
    configured = settings.partitions_start()
    return min(configured, loaded[0]) if loaded else configured


def daily_partitions(lake: Lake, start: dt.date | None = None) -> dg.DailyPartitionsDefinition:
    """One partition per digest date (UTC days), from the first day (see partitions_start) up to yesterday.

    A digest for day D is written the morning after D, so D's partition opens when D ends. Dagster
    reads its own clock to find the last partition; when ``PAPERTREND_NOW`` pins papertrend's clock,
    the set ends at the pinned day instead, so the CLI, the sensor, the schedule and the UI agree on
    "yesterday" with the rest of papertrend.
    """
    first = min(start, partitions_start(lake)) if start else partitions_start(lake)
    if clock.pinned() is None:
        return dg.DailyPartitionsDefinition(start_date=first.isoformat())
    # end_date is exclusive; Dagster also caps the set at its own "now" unless end_offset reaches past it
    return dg.DailyPartitionsDefinition(
        start_date=first.isoformat(),
        end_date=clock.today_utc().isoformat(),
        end_offset=clock.days_ahead_of_wall_clock(),
    )


SINGLE_RUN = dg.BackfillPolicy.single_run()
