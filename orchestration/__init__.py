"""Dagster definitions and the ``papertrend`` command line: the orchestration face of each step."""
