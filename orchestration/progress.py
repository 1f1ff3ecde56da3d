"""A side channel from asset bodies to the CLI's progress display (a no-op under the UI)."""

from collections.abc import Callable
from contextlib import contextmanager

_listeners: list[Callable[[str, str], None]] = []


def report(step: str, partition_key: str) -> None:
    for listener in list(_listeners):
        listener(step, partition_key)


@contextmanager
def listening(callback: Callable[[str, str], None]):
    _listeners.append(callback)
    try:
        yield
    finally:
        _listeners.remove(callback)
