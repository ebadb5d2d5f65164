"""With the broker (Redis) unreachable: pages still serve, a report request is kept, queued, and
says so; the beat sends it once the broker answers again, and it is generated once."""

import datetime as dt

import pytest
from django.urls import reverse

from config.celery_app import app
from organizations.models import Role
from reporting.models import ReportArtifact, ReportRun, RunStatus
from reporting.tasks import requeue_waiting
from tests.organizations.factories import member
from tests.reporting.factories import plan_year

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _publish_to(url: str, *, eager: bool) -> None:
    app.conf.broker_url = url
    app.conf.broker_write_url = url  # a write URL set earlier would otherwise win
    app.conf.task_always_eager = eager
    app._pool = None  # connections and producers to the old URL are dropped
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """The Celery app publishing to a closed port (nothing listens on port 1)."""
    old = (app.conf.broker_url, app.conf.task_always_eager)
    _publish_to("redis://127.0.0.1:1/0", eager=False)
    yield
    _publish_to(old[0], eager=old[1])


def test_request_is_kept_queued_and_sent_when_the_broker_is_back(client, broker_down):
    plan = plan_year(code="plan-down", counties=2, credits=2)
    client.force_login(member(Role.PLAN_COMPLIANCE, plan))
    # pages still serve
    assert client.get(reverse("reporting:compliance", args=[plan.code])).status_code == 200
    response = client.post(reverse("reporting:report_new", args=[plan.code]), {"year": "2024"}, follow=True)
    assert response.status_code == 200
    assert "The report queue is unavailable right now" in response.content.decode()
    run = ReportRun.objects.get()
    assert run.status == RunStatus.QUEUED and run.attempts == 0
    # the broker answers again (eager: the task runs here, as a worker would); the beat's sweep
    # leaves a fresh request alone, then sends the one that has waited
    _publish_to("redis://127.0.0.1:1/0", eager=True)
    assert requeue_waiting() == 0
    ReportRun.objects.filter(pk=run.pk).update(created_at=run.created_at - dt.timedelta(minutes=5))
    assert requeue_waiting() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and ReportArtifact.objects.count() == 1
    assert requeue_waiting() == 0  # nothing left waiting; the artifact is not made twice
    assert ReportArtifact.objects.count() == 1
