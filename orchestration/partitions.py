import dagster as dg

from papertrend.orchestration import settings
from papertrend.transforms import clock


def daily_partitions() -> dg.DailyPartitionsDefinition:
    """One partition per digest date (UTC days), from PAPERTREND_PARTITIONS_START up to yesterday.

    A digest for day D is written the morning after D, so D's partition opens when D ends. Dagster
    reads its own clock to find the last partition; when ``PAPERTREND_NOW`` pins papertrend's clock,
    the set ends at the pinned day instead, so the CLI, the sensor, the schedule and the UI agree on
    "yesterday" with the rest of papertrend.
    """
    start = settings.partitions_start().isoformat()
    if clock.pinned() is None:
        return dg.DailyPartitionsDefinition(start_date=start)
    # end_date is exclusive; Dagster also caps the set at its own "now" unless end_offset reaches past it
    return dg.DailyPartitionsDefinition(
        start_date=start, end_date=clock.today_utc().isoformat(), end_offset=clock.days_ahead_of_wall_clock()
    )


SINGLE_RUN = dg.BackfillPolicy.single_run()
