"""Demo data (idempotent): one Community Reinvestment Report for demo-plan, income year 2024.

Generated synchronously (no worker needed) when the plan's 2024 obligation exists.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from organizations.actors import DEMO

from .kinds import params_key
from .models import ReportRun, RunStatus
from .services import report_generate, report_request

PARAMS = {"plan": "demo-plan", "year": 2024}


def load() -> dict[str, Any]:
    existing = ReportRun.objects.filter(kind="community-reinvestment", params_key=params_key(PARAMS),
                                        status=RunStatus.DONE).first()
    if existing is not None:
        return {"report_run": existing.pk}
    try:
        run = report_request(actor=DEMO, kind="community-reinvestment", params=PARAMS, enqueue=False)
    except ValidationError:  # the plan or its 2024 obligation is not loaded
        return {}
    artifact = report_generate(actor=DEMO, run_id=run.pk)
    return {"report_run": run.pk, "artifact": artifact.pk}
