"""Celery task generating a report run (pass the run's primary key; see services.report_generate)."""

from __future__ import annotations

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError

from config.celery_app import TRANSIENT_ERRORS, TransientTask, app
from organizations.actors import BEAT, WORKER

from .services import filings_check_data, report_generate, report_run_fail, runs_requeue_waiting

SOFT_TIME_LIMIT = 15 * 60  # seconds: the run is marked failed
TIME_LIMIT = 16 * 60  # seconds: the worker process is killed


def _message(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return f"{type(exc).__name__}: {exc}"


@app.task(base=TransientTask, bind=True, name="reporting.generate", acks_late=True,
          soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT)
def report_run_execute(self, run_id: int) -> int | None:  # type: ignore[no-untyped-def]
    """Generate run ``run_id``; transient errors retry with backoff, others fail the run."""
    try:
        return report_generate(actor=WORKER, run_id=run_id).pk
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            report_run_fail(actor=WORKER, run_id=run_id, error=f"Gave up after {self.request.retries + 1} attempts: "
                                                 f"{_message(exc)}")
        raise
    except SoftTimeLimitExceeded:
        report_run_fail(actor=WORKER, run_id=run_id, error=f"Time limit of {SOFT_TIME_LIMIT} seconds exceeded.")
        return None
    except ValidationError as exc:
        report_run_fail(actor=WORKER, run_id=run_id, error=_message(exc))
        return None
    except Exception as exc:
        report_run_fail(actor=WORKER, run_id=run_id, error=_message(exc))
        raise


@app.task(name="reporting.requeue_waiting")
def requeue_waiting() -> int:
    """Send again the runs still queued after REPORT_REQUEUE_AFTER seconds (their sending failed
    while the broker was unreachable); run by the beat every minute."""
    import datetime as dt

    from django.conf import settings

    return runs_requeue_waiting(older_than=dt.timedelta(seconds=settings.REPORT_REQUEUE_AFTER))


@app.task(name="reporting.check_filed_data")
def check_filed_data() -> int:
    """Flag filed reports whose data changed since filing (run by the beat every hour)."""
    return len(filings_check_data(actor=BEAT))
