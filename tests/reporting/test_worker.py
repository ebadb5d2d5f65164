"""A report generated end to end by a real Celery worker process on the Redis broker."""

import hashlib

import pytest
from django.db import transaction

from organizations.actors import SETUP
from reporting.models import ReportArtifact, ReportRun, RunStatus
from reporting.services import report_request
from tests.helpers import wait_until
from tests.reporting import pdf_text
from tests.reporting.factories import plan_year


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the seeded policies
def test_real_worker_generates_the_report_once(celery_worker_process):
    plan = plan_year(code="plan-worker", counties=3, credits=3)
    with transaction.atomic():
        run = report_request(actor=SETUP, kind="community-reinvestment", params={"plan": plan.code, "year": 2024})
    done = wait_until(lambda: ReportRun.objects.filter(pk=run.pk, status__in=[RunStatus.DONE, RunStatus.FAILED])
                      .first(), 120)
    assert done is not None, "the worker did not finish the run"
    assert done.status == RunStatus.DONE, done.error
    artifact = done.artifact
    with artifact.file.open("rb") as fh:
        pdf = fh.read()
    assert hashlib.sha256(pdf).hexdigest() == artifact.sha256
    assert f"Plan {plan.code}" in pdf_text.text(pdf)
    assert ReportArtifact.objects.count() == 1
