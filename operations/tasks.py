"""The worker heartbeat behind ``/readyz`` (see ``operations.health``)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import worker_ready

from .health import beat_now


@shared_task(name="operations.heartbeat", ignore_result=True)
def heartbeat() -> None:
    beat_now()


@worker_ready.connect
def _beat_on_start(**_: Any) -> None:
    beat_now()
