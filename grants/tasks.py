"""Celery tasks of the grants app (run by beat; see CELERY_BEAT_SCHEDULE).

Each task calls a service whose notifications carry unique keys, so running it
twice, or after a worker restart, sends nothing twice.
"""

from config.celery_app import TransientTask, app
from organizations.actors import BEAT

from .services.reminders import digest_send, report_reminders_send


@app.task(base=TransientTask, name="grants.send_report_reminders")
def send_report_reminders() -> int:
    """Queue the report reminders due today; returns how many were queued."""
    return report_reminders_send(actor=BEAT)


@app.task(base=TransientTask, name="grants.send_fund_admin_digest")
def send_fund_admin_digest() -> int:
    """Queue the weekly digest for fund administrators (on the policy's weekday)."""
    return digest_send(actor=BEAT)
