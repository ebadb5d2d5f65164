"""Helpers shared by the grants pages (not business rules)."""

from __future__ import annotations

from typing import Any


def choice_label(choices: Any, value: str) -> str:
    return str(dict(choices).get(value, value))
