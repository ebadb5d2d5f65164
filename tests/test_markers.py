"""The collection check: a test that starts a worker carries the worker's marker."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.conftest import unmarked_process_tests


@dataclass
class _Item:
    nodeid: str
    fixturenames: tuple[str, ...]
    markers: set[str] = field(default_factory=set)

    def get_closest_marker(self, name: str) -> object | None:
        return name if name in self.markers else None


def test_a_worker_test_without_the_marker_is_named():
    items = [
        _Item("a.py::marked", ("db", "celery_worker_process"), {"celery_worker"}),
        _Item("b.py::unmarked", ("celery_worker_process",)),
        _Item("c.py::no_worker", ("db",), {"slow"}),
    ]
    assert unmarked_process_tests(items) == [  # type: ignore[arg-type]
        "b.py::unmarked uses celery_worker_process but is not marked @pytest.mark.celery_worker"
    ]

