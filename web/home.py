"""What the home page shows each role: tasks with due dates, key figures and one chart.

Each app adds what it knows in its ``home`` module (imported when the web kit starts, like
``admin`` modules) with ``register(roles, provider)``. A provider takes the user and one
organization where the user holds one of ``roles`` and returns a ``Part``; the home page
gathers the parts of every membership, tasks soonest due first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from web.charts import BarChart


@dataclass(frozen=True)
class Task:
    """Something that needs the user: a sentence, the page where it is done, and when it is due."""

    title: str
    href: str
    due: dt.date | None = None
    detail: str = ""


@dataclass(frozen=True)
class Figure:
    """A key figure: its label, its value already formatted for people, and an optional note."""

    label: str
    value: str
    note: str = ""
    href: str = ""


@dataclass
class Part:
    tasks: list[Task] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    charts: list[BarChart] = field(default_factory=list)

    def extend(self, other: Part) -> None:
        self.tasks.extend(other.tasks)
        self.figures.extend(other.figures)
        self.charts.extend(other.charts)


Provider = Callable[[Any, Any], Part]


@dataclass(frozen=True)
class _Entry:
    key: str
    roles: frozenset[str]
    provider: Provider
    order: int


_providers: dict[str, _Entry] = {}


def register(key: str, roles: Iterable[str], provider: Provider, order: int = 100) -> None:
    """Add (or replace, by ``key``) what ``roles`` see on the home page for one organization."""
    _providers[key] = _Entry(key, frozenset(roles), provider, order)


def part_for(user: Any, organization: Any, roles: set[str]) -> Part:
    """Everything the providers of ``roles`` say about ``organization`` for ``user``."""
    part = Part()
    for entry in sorted(_providers.values(), key=lambda e: (e.order, e.key)):
        if entry.roles & roles:
            part.extend(entry.provider(user, organization))
    return part


def by_due(tasks: list[Task]) -> list[Task]:
    """Tasks with a due date first, soonest first; then the rest in the order given."""
    far = dt.date.max
    return sorted(tasks, key=lambda t: t.due or far)
