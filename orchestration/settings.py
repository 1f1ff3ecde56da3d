"""Settings shared by the CLI and the Dagster code location, read from the environment.

The code location reads them when it loads (the UI, the daemon: ``papertrend ui`` passes its options to
them as these variables, and so does ``papertrend run`` to the code server it starts). ``papertrend run`` also
gives its run every resource field as run config (resources.run_settings), read from its options over the same
variables, so a run started from the command line and one launched in the UI agree, and a re-execution repeats it.
"""

import datetime as dt
import os
from importlib import resources
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent  # the checkout (or, installed from a wheel, the package folder)
# The bundled example digests ship with the package (papertrend.examples, package data), so a wheel installed
# anywhere runs `papertrend run` on them with no options; in a checkout they are examples/digests.
EXAMPLE_DIGESTS = Path(str(resources.files("papertrend.examples") / "digests"))
DEFAULT_PARTITIONS_START = "2026-01-01"
MODULE = "papertrend.orchestration.definitions"  # the code location, named after its module everywhere
JOB_NAME = "papertrend_job"  # its one job: every run papertrend starts is a run of it

ENV_DIGESTS_DIR = "PAPERTREND_DIGESTS_DIR"
ENV_DATA_DIR = "PAPERTREND_DATA_DIR"
ENV_PARTITIONS_START = "PAPERTREND_PARTITIONS_START"
ENV_OFFLINE = "PAPERTREND_OFFLINE"
ENV_REFRESH = "PAPERTREND_REFRESH"
ENV_OWNER = "PAPERTREND_OWNER"
DEFAULT_OWNER = "team:papertrend"


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    try:
        return float(value) if value else default
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a number") from None


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def env_flag(name: str, default: bool = False) -> bool:
    """A yes/no variable: 1/true/yes/on or 0/false/no/off (any case); unset or empty is ``default``.

    Anything else is an error naming the variable, never silently false.
    """
    value = (os.environ.get(name) or "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ValueError(f"{name}={os.environ[name]!r}: expected one of {', '.join(TRUE_WORDS + FALSE_WORDS)}")


def digests_source() -> str:
    """Where digests are read from: a folder (absolute), or a git repository's URL as given."""
    from ..sources.git import looks_like_git

    value = os.environ.get(ENV_DIGESTS_DIR) or str(EXAMPLE_DIGESTS)
    return value if looks_like_git(value) and not Path(value).is_dir() else str(Path(value).resolve())


def data_dir() -> Path:
    return Path(os.environ.get(ENV_DATA_DIR) or "data").resolve()


def lake_url() -> str | None:
    from ..warehouse import ENV_LAKE_URL  # the lake's own module names it; polars loads only here

    return os.environ.get(ENV_LAKE_URL) or None


def partitions_start() -> dt.date:
    value = os.environ.get(ENV_PARTITIONS_START) or DEFAULT_PARTITIONS_START
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{ENV_PARTITIONS_START}={value!r} is not a date YYYY-MM-DD") from None


def owner() -> str:
    """Who owns the assets, as the UI shows and filters by it: an e-mail address or ``team:NAME``."""
    value = os.environ.get(ENV_OWNER) or DEFAULT_OWNER
    if "@" not in value and not value.startswith("team:"):
        raise ValueError(f"{ENV_OWNER}={value!r}: give an e-mail address or team:NAME")
    return value
