"""How far a run has got, told through Dagster's own event log, so it works whatever process runs the steps.

``digest_day`` logs a line as it writes days (about twenty a run, whatever its length); the CLI follows the run's
event log and reads those lines and each step's end. The UI shows the same lines in the run's log.
"""

import math
import re

_DAYS = re.compile(r"^(\d+) of (\d+) days written$")


def days_written(done: int, total: int) -> str | None:
    """The line to log after ``done`` of ``total`` days, or None between the ~20 lines a run logs."""
    every = max(1, math.ceil(total / 20))
    return f"{done} of {total} days written" if done == total or done % every == 0 else None


def read_days_written(message: str) -> tuple[int, int] | None:
    """(done, total) from a line ``days_written`` made, else None."""
    found = _DAYS.match(message)
    return (int(found.group(1)), int(found.group(2))) if found else None
