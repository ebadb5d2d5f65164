"""Demo data (idempotent): one Community Reinvestment Report for demo-plan, income year 2024.

Generated synchronously (no worker needed) when the plan's 2024 obligation exists.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from organizations.actors import DEMO

from .kinds import document_kind, params_key
from .models import ReportRun, RunStatus
from .services import report_generate, report_request

KIND = "community-reinvestment"
PARAMS = {"plan": "demo-plan", "year": 2024}


def load() -> dict[str, Any]:
    dk = document_kind(KIND)
    try:
        clean = dk.normalize(PARAMS)
        dk.resolve(clean)
        clean = dk.completed(clean)  # runs are stored with their policy and line of business
    except ValidationError:  # the plan or its 2024 obligation is not loaded
        return {}
    existing = ReportRun.objects.filter(kind=KIND, params_key=params_key(clean),
                                        status=RunStatus.DONE).first()
    if existing is not None:
        return {"report_run": existing.pk}
    try:
        run = report_request(actor=DEMO, kind=KIND, params=PARAMS, enqueue=False)
    except ValidationError:  # the plan or its 2024 obligation is not loaded
        return {}
    artifact = report_generate(actor=DEMO, run_id=run.pk)
    return {"report_run": run.pk, "artifact": artifact.pk}
