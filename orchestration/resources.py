import os

import dagster as dg

from orchestration import settings
from transforms.discovery import discover_digests
from warehouse import DataDir


def _from_env(name: str, default: str):
    """An EnvVar when the variable is set (the UI then shows where the value came from), else the default."""
    return dg.EnvVar(name) if os.environ.get(name) else default


class PapertrendConfig(dg.ConfigurableResource):
    """Where digests are read from and where the lake, warehouse and Dagster instance live."""

    digests_dir: str
    data_dir: str

    @property
    def data(self) -> DataDir:
        return DataDir(self.data_dir)

    def discover(self) -> dict:
        return discover_digests(self.digests_dir)


def config_from_env() -> PapertrendConfig:
    return PapertrendConfig(
        digests_dir=_from_env(settings.ENV_DIGESTS_DIR, str(settings.digests_dir())),
        data_dir=_from_env(settings.ENV_DATA_DIR, str(settings.data_dir())),
    )
