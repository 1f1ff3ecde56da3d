"""Yes/no settings are read one way everywhere (orchestration/settings.py: env_flag)."""

import os

import pytest

from papertrend.orchestration.resources import enrichment_from_env
from papertrend.orchestration.settings import env_flag, owner


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("on", True), ("YES", True), ("True", True), ("0", False), ("off", False), ("No", False), ("", None)],
)
def test_every_flag_reads_the_same_words(value, expected):
    os.environ["PAPERTREND_OFFLINE"] = value
    os.environ["PAPERTREND_GITHUB"] = value
    assert env_flag("PAPERTREND_OFFLINE") is (expected if expected is not None else False)
    # PAPERTREND_GITHUB defaults to on, and goes through the same parser
    assert enrichment_from_env().github_enabled is (expected if expected is not None else True)
    assert enrichment_from_env().offline is (expected if expected is not None else False)


def test_an_unknown_word_is_an_error_naming_the_variable():
    os.environ["PAPERTREND_OFFLINE"] = "offline-please"
    with pytest.raises(ValueError, match="PAPERTREND_OFFLINE='offline-please': expected one of 1, true, yes, on"):
        env_flag("PAPERTREND_OFFLINE")


def test_the_owner_is_a_team_or_an_address():
    assert owner() == "team:papertrend"
    os.environ["PAPERTREND_OWNER"] = "data@example.org"
    assert owner() == "data@example.org"
    os.environ["PAPERTREND_OWNER"] = "data engineers"
    with pytest.raises(ValueError, match="PAPERTREND_OWNER='data engineers': give an e-mail address or team:NAME"):
        owner()
