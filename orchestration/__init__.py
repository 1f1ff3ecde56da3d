"""Dagster definitions and the ``papertrend`` command line: the orchestration face of each step."""

import warnings

import dagster as dg

# Two Dagster features this project relies on are marked preview/beta in 1.13, and Dagster warns on
# every definition that uses them (17 warnings on each start of the UI or a run):
# - per-day asset checks: `AssetCheckSpec(partitions_def=...)` (preview), which lets each day's check
#   result show against that day's partition;
# - `backfill_policy=BackfillPolicy.single_run()` on assets (beta), which runs a range backfill as one run.
# Only those two warnings are silenced; any other preview/beta feature still warns.
warnings.filterwarnings("ignore", r"Specifying a partitions_def on an AssetCheckSpec", dg.PreviewWarning)
warnings.filterwarnings("ignore", r"Parameter `backfill_policy` of function `(multi_)?asset`", dg.BetaWarning)
