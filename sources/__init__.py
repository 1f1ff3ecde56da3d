"""HTTP clients for the services papertrend enriches from: arXiv, Hugging Face (and GitHub).

Kept apart from ``transforms/`` (pure functions) and ``orchestration/`` (Dagster), so each client is
a plain object tested against a local fake server speaking the services' documented formats.
"""

__version__ = "0.1.0"
