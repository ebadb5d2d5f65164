"""A Celery worker killed (SIGKILL) in the middle of a report: the task, acknowledged late, is
delivered again to the next worker and the report ends with exactly one artifact."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection, transaction

from config.celery_app import app
from organizations.actors import SETUP
from reporting.models import ReportArtifact, ReportRun, RunStatus
from reporting.services import report_request
from tests.helpers import wait_until
from tests.reporting.factories import plan_year

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY = 3  # seconds before an unacknowledged task is delivered again


def _worker(queue: str, log: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
    }
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1", "-Q", queue,
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "INFO"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    if not wait_until(lambda: "ready." in log.read_text() or proc.poll() is not None, 90):
        proc.kill()
        raise RuntimeError(f"worker did not start:\n{log.read_text()}")
    return proc


@pytest.mark.slow
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_report_survives_a_worker_killed_mid_report():
    plan = plan_year(code="plan-killed", counties=20, credits=60)
    queue = f"test-{uuid.uuid4().hex[:10]}"
    logs = [ROOT / "var" / f"worker-{queue}-{n}.log" for n in (1, 2)]
    logs[0].parent.mkdir(parents=True, exist_ok=True)
    old = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    workers: list[subprocess.Popen] = []
    try:
        workers.append(_worker(queue, logs[0]))
        with transaction.atomic():
            run = report_request(actor=SETUP, kind="community-reinvestment",
                                 params={"plan": plan.code, "year": 2024})
        started = wait_until(lambda: ReportRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).exists(),
                             60, interval=0.02)
        assert started, logs[0].read_text()
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)
        if ReportArtifact.objects.exists():  # pragma: no cover - the report finished before the kill
            pytest.fail("the report finished before the worker was killed; make it larger")
        time.sleep(VISIBILITY)
        workers.append(_worker(queue, logs[1]))
        done = wait_until(lambda: ReportRun.objects.filter(pk=run.pk, status__in=[RunStatus.DONE, RunStatus.FAILED])
                          .first(), 120)
        assert done is not None, logs[1].read_text()
        assert done.status == RunStatus.DONE, done.error
        assert done.attempts == 2  # started by the killed worker, then by the next one
        assert ReportArtifact.objects.count() == 1
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = old
        for proc in workers:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
