"""Calendar-month arithmetic on dates (no money here), shared by contributions and grants.

* ``add_months_clamped``: the same day of the month ``months`` later, or that month's last
  day when it is shorter (Jan 31 + 1 month = Feb 28): award periods and report schedules.
* ``first_day_months_later``: the first day of the month ``months`` after ``day``'s month
  (any day in March + 1 = April 1): contribution periods, which start on the first.
"""

from __future__ import annotations

import calendar
import datetime as dt


def _year_month(day: dt.date, months: int) -> tuple[int, int]:
    index = day.month - 1 + months
    return day.year + index // 12, index % 12 + 1


def add_months_clamped(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months (clamped to the month's last day)."""
    year, month = _year_month(day, months)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_day_months_later(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after the month of ``day``."""
    year, month = _year_month(day, months)
    return dt.date(year, month, 1)
