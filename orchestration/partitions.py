import dagster as dg

from orchestration import settings


def daily_partitions() -> dg.DailyPartitionsDefinition:
    """One partition per digest date, from PAPERTREND_PARTITIONS_START up to yesterday.

    A digest for day D is written the morning after D, so D's partition opens when D ends.
    """
    return dg.DailyPartitionsDefinition(start_date=settings.partitions_start().isoformat())


SINGLE_RUN = dg.BackfillPolicy.single_run()
