"""Small helpers shared by tests."""

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.2):  # type: ignore[no-untyped-def]
    """Poll ``predicate`` until it returns a truthy value or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def load_demo(*, through: str | None = None) -> None:
    """Run the demo loaders (``settings.DEMO_LOADERS``) in order, stopping after the first whose
    dotted path starts with ``through`` (all of them when None)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    for path in settings.DEMO_LOADERS:
        import_string(path)()
        if through is not None and path.startswith(through):
            break


def race(action: Callable[..., Any], calls: Sequence[tuple[Any, ...]], timeout: float = 60.0) -> list[Any]:
    """Run ``action(*args)`` for each ``args`` of ``calls`` in its own thread, all released together
    by a barrier; each thread closes its database connection. Returns, in the order of ``calls``,
    what each call returned or the exception it raised."""
    from django.db import connection

    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(i: int, args: tuple[Any, ...]) -> None:
        try:
            barrier.wait(timeout=timeout)
            outcomes[i] = action(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, args)) for i, args in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return outcomes
