"""Plausible dates for money that moved: the one window every service checks.

A payment, receipt, disbursement, investment or award period dated 0001-01-01 or
9999-12-31 is a typing or import error, not a fact; accepted, it would land in a
regulator's report. The window is settings data: from 1 January of
``PLAUSIBLE_DATE_MIN_YEAR`` to 31 December of the current year plus
``PLAUSIBLE_DATE_MAX_YEARS_AHEAD``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _


def plausible_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last date accepted (``today`` defaults to the local date)."""
    today = today or timezone.localdate()
    return (dt.date(settings.PLAUSIBLE_DATE_MIN_YEAR, 1, 1),
            dt.date(today.year + settings.PLAUSIBLE_DATE_MAX_YEARS_AHEAD, 12, 31))


def plausible_date_check(value: object, *, field: str, today: dt.date | None = None) -> dt.date:
    """``value`` when it is a date inside the plausible window; a ``ValidationError`` on ``field``
    otherwise (no query)."""
    if not isinstance(value, dt.date):
        raise ValidationError({field: _("A date is required.")})
    day = value.date() if isinstance(value, dt.datetime) else value
    first, last = plausible_window(today)
    if not first <= day <= last:
        raise ValidationError({field: _("%(day)s is not a plausible date: give a date between %(first)s and "
                                        "%(last)s.") % {"day": date_words(day), "first": date_words(first),
                                                         "last": date_words(last)}})
    return value


def date_words(day: dt.date) -> str:
    """``day`` as people write it in the active language (``Jan. 31, 2027``, ``31 de enero de 2027``)."""
    return formats.date_format(day, "DATE_FORMAT")


def moment_words(value: dt.datetime) -> str:
    """An aware date-time in the current time zone, written in the active language."""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
