"""Celery application.

Conventions (https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html):

* tasks receive primary keys, never model instances, and fetch what they need;
* tasks are enqueued with ``delay_on_commit`` so a worker never sees a row that
  was rolled back;
* ``TransientTask`` retries with exponential backoff on the named transient
  errors below and on nothing else: a bug must fail loudly, not loop;
* JSON serializer and time limits are set in ``config/settings/base.py``.
"""

import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("reinvestment")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

#: Errors worth retrying: lost database or broker connections, timeouts.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    BrokerOperationalError,
    TimeoutError,
    ConnectionError,
)


class TransientTask(DjangoTask):
    """Base task: retried with exponential backoff (seconds) on transient errors only."""

    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 5
