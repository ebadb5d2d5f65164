"""Member months by county and month, imported from CSV: all rows or none.

CSV columns (header required): ``plan, county, month, member_months`` and, optionally,
``line_of_business`` last.

* ``plan``: the plan's code; must be the plan being imported for;
* ``county``: a 5-digit FIPS code or a county name (in the plan's state);
* ``month``: ``YYYY-MM`` or ``YYYY-MM-DD`` (the first of the month), within the income year;
* ``member_months``: a whole number, zero or more;
* ``line_of_business``: the code of a line of business the plan may keep figures for
  (``medi-cal``, ``covered-california``...); empty or left out = the import's line of business
  (by default the plan's Medicaid line). Each line's counts are kept apart, so a line's county
  allocation weighs only its own members.

Every row is checked and reported (line number, OK or the problem). If any row is bad
nothing is written. Otherwise the rows replace the plan's counts for those county-months
(one audit event with before/after), and the open obligations of the year are recomputed.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from audit.services import record
from organizations.actors import Actor
from organizations.models import County, Organization, OrganizationKind

from ..applicability import lines_of_business_for
from ..models import FinancialYearStatus, LineOfBusiness, MemberMonth, PlanFinancialYear
from ._access import require_plan_finance
from .financials import line_of_business_for
from .obligations import obligations_recompute_for_plan_year

COLUMNS = ("plan", "county", "month", "member_months")
OPTIONAL_COLUMNS = ("line_of_business",)


@dataclass
class RowReport:
    line: int
    ok: bool
    message: str


@dataclass
class ImportReport:
    rows: list[RowReport] = field(default_factory=list)
    written: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.rows) and all(r.ok for r in self.rows)

    @property
    def errors(self) -> list[RowReport]:
        return [r for r in self.rows if not r.ok]

    def lines(self) -> list[str]:
        return [f"line {r.line}: {'OK' if r.ok else 'ERROR'} {r.message}".rstrip() for r in self.rows]


class MemberMonthImportError(ValidationError):
    """Some rows are bad; ``report`` lists each row's outcome. Nothing was written."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__([gettext("line %(n)s: %(message)s") % {"n": r.line, "message": r.message}
                          for r in report.errors] or [gettext("The file has no rows.")])


def _parse_month(text: str, year: int) -> datetime.date:
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text.strip())
    if not m:
        raise ValueError(gettext("month %(text)s is not YYYY-MM") % {"text": repr(text)})
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    if not 1 <= mo <= 12:
        raise ValueError(gettext("month %(text)s has no month %(month)s") % {"text": repr(text), "month": mo})
    if d != 1:
        raise ValueError(gettext("month %(text)s must be the first day of the month") % {"text": repr(text)})
    if y != year:
        raise ValueError(gettext("month %(text)s is not in income year %(year)s") % {"text": repr(text), "year": year})
    return datetime.date(y, mo, 1)


def _parse_count(text: str) -> int:
    value = text.strip().replace(",", "")
    if not re.fullmatch(r"-?\d+(\.0*)?", value):
        raise ValueError(gettext("member months %(text)s is not a whole number") % {"text": repr(text)})
    count = int(value.split(".")[0])
    if count < 0:
        raise ValueError(gettext("member months %(text)s is negative") % {"text": repr(text)})
    return count


def read_csv(data: str | bytes) -> list[dict[str, str]]:
    """The rows of a member-month CSV (ValidationError when the header is wrong)."""
    if isinstance(data, bytes):
        data = data.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(data))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if header not in (list(COLUMNS), [*COLUMNS, *OPTIONAL_COLUMNS]):
        raise ValidationError({"file": (
            gettext("The header must be %(columns)s (optionally followed by %(optional)s); found %(found)s.")
            % {"columns": ",".join(COLUMNS), "optional": ",".join(OPTIONAL_COLUMNS),
               "found": ",".join(header) or gettext("nothing")})})
    return [{k.strip().lower(): (v or "") for k, v in row.items() if k} for row in reader]


def member_months_import(
    *, actor: Actor, plan: Organization, year: int, rows: Iterable[dict[str, str]],
    line_of_business: LineOfBusiness | str | None = None,
) -> ImportReport:
    """Check every row, then write all of them or none (see the module docstring).

    ``line_of_business`` (an object or its code) is the line of rows that name none; by default
    the plan's Medicaid line. Raises ``MemberMonthImportError`` (a ValidationError carrying the
    report) when a row is bad.
    """
    require_plan_finance(actor, plan)
    if plan.kind != OrganizationKind.PLAN:
        raise ValidationError({"plan": gettext("%(plan)s is not a health plan.") % {"plan": plan.code}})
    default_line = line_of_business_for(plan, line_of_business)
    plan_lines = {line.code: line for line in lines_of_business_for(plan)}
    counties = list(County.objects.all())
    by_fips = {c.fips: c for c in counties}
    state = plan.jurisdiction or "CA"
    by_name = {c.name.lower(): c for c in counties if c.state == state}
    report = ImportReport()
    parsed: dict[tuple[int, int, datetime.date], tuple[LineOfBusiness, County, int]] = {}
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        try:
            if (row.get("plan") or "").strip() != plan.code:
                raise ValueError(gettext("plan %(given)s is not %(plan)s") % {"given": repr(row.get("plan")), "plan": plan.code})
            key = (row.get("county") or "").strip()
            county = by_fips.get(key) or by_name.get(key.lower())
            if county is None:
                raise ValueError(gettext("unknown county %(county)s") % {"county": repr(key)})
            month = _parse_month(row.get("month") or "", year)
            count = _parse_count(row.get("member_months") or "")
            code = (row.get("line_of_business") or "").strip()
            lob = plan_lines.get(code) if code else default_line
            if lob is None:
                raise ValueError(gettext("line of business %(code)s is not one %(plan)s keeps figures for")
                                 % {"code": repr(code), "plan": plan.code})
            if (lob.pk, county.pk, month) in parsed:
                raise ValueError(gettext("duplicate row for %(county)s %(month)s (%(line)s)")
                                 % {"county": county.name, "month": f"{month:%Y-%m}", "line": lob.name})
        except ValueError as exc:
            report.rows.append(RowReport(line, False, str(exc)))
            continue
        parsed[(lob.pk, county.pk, month)] = (lob, county, count)
        named = "" if lob.pk == default_line.pk else f" ({lob.name})"
        report.rows.append(RowReport(line, True, f"{county.name} {month:%Y-%m}{named}: {count}"))
    if not report.ok:
        raise MemberMonthImportError(report)
    with transaction.atomic():
        lines = {lob.pk: lob for lob, _, _ in parsed.values()}
        locked = (PlanFinancialYear.objects.filter(
            plan=plan, income_year=year, status=FinancialYearStatus.LOCKED, line_of_business__in=list(lines))
            .select_related("line_of_business").order_by("line_of_business__position").first())
        if locked:
            raise ValidationError({"year": gettext("Income year %(year)s (%(line)s) is locked: amend it before "
                                                   "changing its member months.")
                                   % {"year": year, "line": locked.line_of_business}})
        existing = {
            (m.line_of_business_id, m.county_id, m.month): m
            for m in MemberMonth.objects.select_for_update().filter(plan=plan, month__year=year)
        }
        before: dict[str, int] = {}
        after: dict[str, int] = {}
        to_create = []
        for where, (lob, county, count) in sorted(parsed.items(),
                                                  key=lambda kv: (kv[1][0].position, kv[0][2], kv[1][1].name)):
            month = where[2]
            label = f"{county.fips} {month:%Y-%m}" + ("" if lob.pk == default_line.pk else f" {lob.code}")
            current = existing.get(where)
            if current is None:
                to_create.append(MemberMonth(plan=plan, line_of_business=lob, county=county, month=month,
                                             member_months=count))
            elif current.member_months != count:
                before[label] = current.member_months
                current.member_months = count
                current.save(update_fields=["member_months"])
            else:
                continue
            after[label] = count
        MemberMonth.objects.bulk_create(to_create)
        report.written = len(after)
        record(actor=actor, action="reinvestment.member_months.import", obj=plan, before=before, after=after,
               reason=f"income year {year}: {len(parsed)} rows, {len(after)} changed", organization=plan)
        obligations_recompute_for_plan_year(actor=actor, plan=plan, income_year=year)
    return report
