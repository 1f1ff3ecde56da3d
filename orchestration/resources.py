import os
from pathlib import Path

import dagster as dg
from pydantic import Field

from ..sources import arxiv, github, huggingface
from ..sources.git import GitSource, looks_like_git
from ..sources.http import RateLimiter, RetryPolicy, shared_limiter
from ..sources.pacing import postgres_ledger
from ..transforms.discovery import SourceTree, discover_digests, scan_sources
from ..warehouse import DataDir
from . import settings
from .instance import ENV_POSTGRES_URL, record_worker


def _secret(name: str) -> str | None:
    """A secret: an EnvVar when the variable is set (the UI shows the variable's name, never the value), else None.
    Dagster resolves it in the run's process."""
    return dg.EnvVar(name) if os.environ.get(name) else None  # an EnvVar is a str: config resolves it later


def _value(name: str, default: str) -> str:
    """A setting that is no secret (a folder, a public URL): its value, which the UI's resource page shows."""
    return os.environ.get(name) or default


class PapertrendConfig(dg.ConfigurableResource):
    """Where digests are read from and where the lake, warehouse and Dagster instance live."""

    digests_dir: str = Field(
        description=(
            "Folder searched for digests (and the files beside them), or a git repository (a local clone or any "
            "URL git fetches), read through papertrend's own mirror under <data dir>/source."
        )
    )
    data_dir: str = Field(description="The lake, the analyst database, the report and the Dagster instance.")
    lake_url: str | None = Field(
        default=None, description="The lake in object storage (s3://bucket/prefix) instead of <data dir>/lake."
    )

    @property
    def data(self) -> DataDir:
        return DataDir(self.data_dir, self.lake_url)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # Once per run, in the run's own process: the dead-run monitor (orchestration/instance.py) reads it.
        record_worker(context.instance, context.run_id)

    def git(self) -> GitSource | None:
        """The repository's mirror when the digests come from git, else None (a plain folder)."""
        return GitSource(self.digests_dir, self.data.source_dir) if looks_like_git(self.digests_dir) else None

    def folder(self) -> Path:
        """The folder the per-day assets read: a plain folder as given, or the loaded commit's files."""
        source = self.git()
        if source is None:
            return Path(self.digests_dir)
        if source.checked_out() is None:  # never loaded here (a UI launch before any run): the head as fetched
            source.checkout(source.fetch().head)
        return source.tree

    def discover(self) -> dict:
        return discover_digests(self.folder())

    def scan(self) -> SourceTree:
        """Every source file under the digests folder, classified by content (digests among them)."""
        return scan_sources(self.folder())


def config_from_env(digests_dir: str | Path | None = None, data_dir: Path | None = None) -> PapertrendConfig:
    """Each folder from the option when given (the CLI), else its environment variable, else the default."""
    return PapertrendConfig(
        digests_dir=str(digests_dir) if digests_dir else settings.digests_source(),
        data_dir=str(data_dir) if data_dir else str(settings.data_dir()),
        lake_url=settings.lake_url(),
    )


class EnrichmentConfig(dg.ConfigurableResource):
    """How to reach arXiv and Hugging Face, how politely, and whether to at all."""

    arxiv_url: str = Field(default=arxiv.DEFAULT_URL, description="arXiv's query endpoint (ARXIV_API_URL).")
    arxiv_min_interval_s: float = Field(
        default=3.0, description="Seconds between arXiv requests, shared by every run (ARXIV_MIN_INTERVAL_S)."
    )
    hf_url: str = Field(
        default=huggingface.DEFAULT_URL,
        description="Hugging Face base URL; /api/daily_papers and /api/papers/{id} under it (HF_API_URL).",
    )
    hf_min_interval_s: float = Field(
        default=0.6, description="Seconds between Hugging Face requests; its limit is 500 per 5 minutes."
    )
    github_enabled: bool = Field(
        default=True, description="False leaves the GitHub tables as they are (PAPERTREND_GITHUB=off)."
    )
    github_url: str = Field(
        default=github.DEFAULT_URL, description="GitHub REST base; GraphQL at <base>/graphql (GITHUB_API_URL)."
    )
    github_min_interval_s: float = Field(
        default=0.0, description="Seconds between GitHub requests (they never overlap anyway)."
    )
    offline: bool = Field(
        default=False, description="Send no request; record what is missing and why (--offline, PAPERTREND_OFFLINE)."
    )
    refresh: bool = Field(default=False, description="Fetch again even what is cached (--refresh, PAPERTREND_REFRESH).")
    arxiv_max_age_days: float = Field(
        default=90.0, description="arXiv records older than this are fetched again (PAPERTREND_ARXIV_MAX_AGE_DAYS)."
    )
    http_timeout_s: float = Field(default=30.0, description="Per-request timeout (PAPERTREND_HTTP_TIMEOUT_S).")
    backoff_base_s: float = Field(
        default=3.0,
        description="First retry waits up to this long, doubling each time, at most 60 s (PAPERTREND_BACKOFF_BASE_S).",
    )
    max_attempts: int = Field(
        default=5, description="Requests per batch before it counts as failed (PAPERTREND_MAX_ATTEMPTS)."
    )
    github_token: str | None = Field(
        default=None,
        description="GITHUB_TOKEN: 5,000 requests an hour instead of 60, and its own repositories' stargazer lists.",
    )
    pacing_database_url: str | None = Field(
        default=None,
        description=(
            "PAPERTREND_POSTGRES_URL: runs on other machines pace their requests through the team instance's database."
        ),
    )

    def _policy(self) -> RetryPolicy:
        return RetryPolicy(
            max_attempts=self.max_attempts, backoff_base_s=self.backoff_base_s, timeout_s=self.http_timeout_s
        )

    def _limiter(self, service: str, interval_s: float, state_dir: Path) -> RateLimiter:
        # Runs on other machines share only the team instance's database: pace there.
        url = self.pacing_database_url
        return shared_limiter(service, interval_s, state_dir, postgres_ledger(url) if url else None)

    def arxiv_client(self, state_dir: Path) -> arxiv.ArxivClient:
        limiter = self._limiter("arxiv", self.arxiv_min_interval_s, state_dir)
        return arxiv.ArxivClient(self.arxiv_url, limiter, self._policy())

    def github_client(self, state_dir: Path) -> github.GitHubClient:
        limiter = self._limiter("github", self.github_min_interval_s, state_dir)
        return github.GitHubClient(self.github_url, limiter, self._policy(), token=self.github_token or None)

    def hf_client(self, state_dir: Path) -> huggingface.HuggingFaceClient:
        limiter = self._limiter("huggingface", self.hf_min_interval_s, state_dir)
        return huggingface.HuggingFaceClient(self.hf_url, limiter, self._policy())


def enrichment_from_env(offline: bool = False, refresh: bool = False) -> EnrichmentConfig:
    """Settings from the environment; ``offline`` and ``refresh`` (the CLI's options) turn those on.

    Secrets (the GitHub token, the PostgreSQL URL with its password) are EnvVars: Dagster resolves them in
    the run's process and records only the variable's name.
    """
    return EnrichmentConfig(
        arxiv_url=_value("ARXIV_API_URL", arxiv.DEFAULT_URL),
        arxiv_min_interval_s=settings.env_float("ARXIV_MIN_INTERVAL_S", 3.0),
        hf_url=_value("HF_API_URL", huggingface.DEFAULT_URL),
        hf_min_interval_s=settings.env_float("HF_MIN_INTERVAL_S", 0.6),
        github_enabled=settings.env_flag("PAPERTREND_GITHUB", default=True),
        github_url=_value("GITHUB_API_URL", github.DEFAULT_URL),
        github_min_interval_s=settings.env_float("GITHUB_MIN_INTERVAL_S", 0.0),
        offline=offline or settings.env_flag(settings.ENV_OFFLINE),
        refresh=refresh or settings.env_flag(settings.ENV_REFRESH),
        arxiv_max_age_days=settings.env_float("PAPERTREND_ARXIV_MAX_AGE_DAYS", 90.0),
        http_timeout_s=settings.env_float("PAPERTREND_HTTP_TIMEOUT_S", 30.0),
        backoff_base_s=settings.env_float("PAPERTREND_BACKOFF_BASE_S", 3.0),
        max_attempts=int(settings.env_float("PAPERTREND_MAX_ATTEMPTS", 5)),
        github_token=_secret("GITHUB_TOKEN"),
        pacing_database_url=_secret(ENV_POSTGRES_URL),
    )


def _as_run_config(resource: dg.ConfigurableResource) -> dict:
    """Every field of a resource as run config (a secret as the variable's name: Dagster reads it in the run).

    Every field, not only the ones a command sets: run config that names some of a resource's fields gives the
    others their class defaults, not the values the code location was built with.
    """
    values = {name: getattr(resource, name) for name in type(resource).model_fields}
    return {
        "config": {
            name: {"env": value.env_var_name} if isinstance(value, dg.EnvVar) else value
            for name, value in values.items()
            if value is not None
        }
    }


def run_settings(
    digests_dir: str | Path | None = None, data_dir: Path | None = None, offline: bool = False, refresh: bool = False
) -> dict:
    """The settings a run is launched with, as run config: the Launchpad shows them, and a re-execution from the
    UI repeats them whichever code server executes it."""
    return {
        "papertrend": _as_run_config(config_from_env(digests_dir, data_dir)),
        "enrichment": _as_run_config(enrichment_from_env(offline, refresh)),
    }
