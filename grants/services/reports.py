"""Grantee reports: drafts, submission, review and resubmission.

A report is scheduled at award time (``ReportSchedule``); its content is a
``GranteeReport`` with expenditures by approved budget line, the template's
metrics, and people served by demographic dimension.

Rules:

* CBO staff of the grantee save a draft at any time while the report is *due* or
  *returned*; a submitted or accepted report cannot be edited. Counts are whole
  numbers of people, never negative or fractional; money is Decimal to the cent.
* Expenditures: the period's spending on a line plus what earlier reports of the
  award spent on it never exceeds the line's (amended) budget. Spending adds up
  across reports: the final report records what was spent since the last progress
  report, while its people served cover the whole award period (each person once). Spending above a line
  needs a budget amendment first (``grants.services.amendments``).
* People served are counted by county and by every dimension of the equity taxonomy in
  force on the report's period end (``community.EquityTaxonomy``: race, detailed ethnicity,
  language, disability, sexual orientation, gender identity, sex, age band); a category
  outside that taxonomy is refused and nothing is written. "not_reported" (nothing was
  collected) and "declined" (the person chose not to answer) are categories of their own.
* Submission validates: the narrative, the total served, every dimension present and adding
  up to the total (exactly; at least the total where one person may be in several categories,
  as for race under the 2024 federal standard), and an actual for every metric the template
  asks for (``submission_errors``, by field).
* The fund administrator accepts or returns the report with comments; a returned
  report is edited and submitted again. Every submission and review is a
  ``ReportEvent`` (submissions keep a frozen copy), so the history stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit.services import record, snapshot
from community.selectors import taxonomy_in_force
from money import format_usd, parse_amount
from notifications.models import InboxKind
from notifications.services import inbox_notify, members
from organizations.actors import Actor
from organizations.models import County, Role

from .. import states
from ..models import (
    COUNTY_DIMENSION,
    AwardStatus,
    GranteeReport,
    PeopleServed,
    ReportEvent,
    ReportEventKind,
    ReportExpenditure,
    ReportMetric,
    ReportSchedule,
    ReportStatus,
)
from ._common import error, locked, require_cbo_staff, require_fund_admin, user_or_none

ZERO = Decimal("0.00")
NOT_REPORTED = "not_reported"
EDITABLE = (ReportStatus.DUE, ReportStatus.RETURNED)


def count_value(value: Any, *, field: str) -> int:
    """A whole, non-negative number of people from an int or a string of digits."""
    if isinstance(value, bool) or isinstance(value, float):
        raise error(field, _("“%(value)s” is not a whole number of people.") % {"value": value})
    if isinstance(value, int):
        number = value
    else:
        try:
            parsed = Decimal(str(value).strip())
        except (InvalidOperation, ValueError) as exc:
            raise error(field, _("“%(value)s” is not a number of people.") % {"value": value}) from exc
        if not parsed.is_finite() or parsed != parsed.to_integral_value():
            raise error(field, _("“%(value)s” is not a whole number of people (no fractions).") % {"value": value})
        number = int(parsed)
    if number < 0:
        raise error(field, _("“%(value)s”: a number of people is never negative.") % {"value": value})
    return number


def _people_rows(people: Mapping[str, Mapping[str, Any]], *, on: dt.date) -> list[tuple[str, str, int]]:
    """The cells to store, each category checked against the equity taxonomy in force ``on``
    (``community.selectors``); counties are FIPS codes of known counties, or ``not_reported``."""
    rows: list[tuple[str, str, int]] = []
    fips_wanted: set[str] = set()
    taxonomy = taxonomy_in_force(on)
    dimensions = {d.code: d for d in taxonomy.dimensions.all()}
    for dimension, cells in people.items():
        if dimension != COUNTY_DIMENSION and dimension not in dimensions:
            raise error("people", _("“%(d)s” is not a dimension of %(t)s.") % {"d": dimension, "t": taxonomy})
        for category, raw in cells.items():
            n = count_value(raw, field="people")
            if dimension == COUNTY_DIMENSION:
                if category != NOT_REPORTED:
                    fips_wanted.add(category)
            elif not any(c.code == category for c in dimensions[dimension].categories.all()):
                raise error("people", _("“%(c)s” is not a category of %(d)s in %(t)s, in force on %(day)s.")
                            % {"c": category, "d": dimensions[dimension].name, "t": taxonomy,
                               "day": formats.date_format(on)})
            rows.append((dimension, category, n))
    if fips_wanted:
        known = set(County.objects.filter(fips__in=fips_wanted).values_list("fips", flat=True))
        unknown = sorted(fips_wanted - known)
        if unknown:
            raise error("people", _("County %(c)s is not a known county code.") % {"c": unknown[0]})
    return rows


def spent_before(report: GranteeReport | None, schedule: ReportSchedule) -> dict[int, Decimal]:
    """Per award budget line id: spending in the award's other submitted or accepted reports."""
    qs = ReportExpenditure.objects.filter(
        report__schedule__award_id=schedule.award_id,
        report__schedule__status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED],
    )
    if report is not None:
        qs = qs.exclude(report=report)
    return {row["budget_line_id"]: row["s"] for row in qs.values("budget_line_id").annotate(s=Sum("amount")).order_by()}


def _check_editable(actor: Actor, schedule: ReportSchedule) -> None:
    require_cbo_staff(actor, schedule.award.grantee)
    if schedule.award.status != AwardStatus.ACCEPTED:
        raise error("award", _("The award is %(status)s: reports are written for accepted awards.")
                    % {"status": schedule.award.get_status_display().lower()})


def report_save_draft(
    *,
    actor: Actor,
    schedule: ReportSchedule,
    progress: str | None = None,
    successes: str | None = None,
    challenges: str | None = None,
    total_served: Any = None,
    expenditures: Mapping[int, Any] | None = None,
    metrics: Mapping[str, Mapping[str, Any]] | None = None,
    people: Mapping[str, Mapping[str, Any]] | None = None,
) -> GranteeReport:
    """Save what is given (None leaves a part unchanged; a mapping replaces that part).

    ``expenditures``: {budget line number: amount spent in the period};
    ``metrics``: {code: {"actual": ..., "target": ...}} for codes of the template;
    ``people``: {dimension: {category: count}}.
    """
    _check_editable(actor, schedule)
    award = schedule.award
    total = None if total_served is None else count_value(total_served, field="total_served")
    people_rows = _people_rows(people, on=schedule.period_end) if people is not None else None
    lines = {ln.number: ln for ln in award.budget_lines.all()}
    spend: dict[int, Decimal] | None = None
    if expenditures is not None:
        spend = {}
        for number, raw in expenditures.items():
            if int(number) not in lines:
                raise error("expenditures", _("The award has no budget line %(number)s.") % {"number": number})
            spend[int(number)] = parse_amount(raw, field="expenditures", allow_zero=True)
    template_metrics = {m["code"]: m for m in award.application.opportunity.reporting_template.metrics}
    metric_rows: dict[str, dict[str, Decimal | None]] | None = None
    if metrics is not None:
        metric_rows = {}
        for code, values in metrics.items():
            if code not in template_metrics:
                raise error("metrics", _("The reporting template asks for no metric “%(code)s”.") % {"code": code})
            parsed: dict[str, Decimal | None] = {}
            for key in ("target", "actual"):
                raw = values.get(key)
                parsed[key] = None if raw in (None, "") else parse_amount(raw, field="metrics", allow_zero=True)
            metric_rows[code] = parsed
    with transaction.atomic():
        schedule = locked(schedule)
        if schedule.status not in EDITABLE:
            raise error("status", _("The report is %(status)s: a submitted or accepted report cannot be edited.")
                        % {"status": schedule.get_status_display().lower()})
        report, created = GranteeReport.objects.get_or_create(schedule=schedule)
        if spend is not None:
            earlier = spent_before(report, schedule)
            for number, value in spend.items():
                line = lines[number]
                to_date = earlier.get(line.pk, ZERO) + value
                if to_date > line.amount.amount:
                    # ``params["line"]`` lets a page show the message beside that line's field.
                    raise ValidationError({"expenditures": ValidationError(
                        _("Line %(line)s (%(description)s): %(to_date)s spent to date is more than its budget of "
                          "%(budget)s; amend the budget first."), code="over_budget",
                        params={"line": number, "description": line.description, "to_date": format_usd(to_date),
                                "budget": format_usd(line.amount.amount)})})
        fields = ["progress", "successes", "challenges", "total_served"]
        before = snapshot(report, fields) | {"parts": _parts(report)} if not created else None
        for name, text in (("progress", progress), ("successes", successes), ("challenges", challenges)):
            if text is not None:
                setattr(report, name, text.strip())
        if total is not None:
            report.total_served = total
        report.save()
        if spend is not None:
            report.expenditures.all().delete()
            ReportExpenditure.objects.bulk_create([
                ReportExpenditure(report=report, budget_line=lines[n], amount=v) for n, v in sorted(spend.items())
            ])
        if metric_rows is not None:
            report.metrics.all().delete()
            ReportMetric.objects.bulk_create([
                ReportMetric(report=report, code=code, label=template_metrics[code].get("label", code),
                             unit=template_metrics[code].get("unit", ""), target=v["target"], actual=v["actual"])
                for code, v in sorted(metric_rows.items())
            ])
        if people_rows is not None:
            report.people.all().delete()
            PeopleServed.objects.bulk_create([
                PeopleServed(report=report, dimension=d, category=c, count=n) for d, c, n in people_rows
            ])
        record(actor=actor, action="grants.report.save_draft", obj=report, before=before,
               after=snapshot(report, fields) | {"parts": _parts(report)}, organization=award.grantee)
    return report


def _parts(report: GranteeReport) -> dict[str, Any]:
    """Expenditures, metrics and people of a report as plain data (for audit and history)."""
    return {
        "expenditures": {str(e.budget_line.number): str(e.amount.amount)
                         for e in report.expenditures.select_related("budget_line")},
        "metrics": {m.code: {"target": None if m.target is None else str(m.target),
                             "actual": None if m.actual is None else str(m.actual)} for m in report.metrics.all()},
        "people": [[p.dimension, p.category, p.count] for p in report.people.all()],
    }


def submission_errors(report: GranteeReport) -> dict[str, list[str]]:
    """Why ``report`` cannot be submitted yet, by field (empty when it can).

    Keys: ``progress``, ``total_served``, ``people__<dimension>`` (``county`` and every
    dimension of the equity taxonomy in force on the period end) and ``metric_<code>``. A
    dimension where one person may be in several categories (``multiple``, e.g. race) adds up
    to at least the people served; any other adds up to exactly that number.
    """
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if not report.progress.strip():
        add("progress", _("Describe progress toward the objectives."))
    if report.total_served is None:
        add("total_served", _("Give the number of people served."))
    sums: dict[str, int] = {}
    for p in report.people.all():
        sums[p.dimension] = sums.get(p.dimension, 0) + p.count
    wanted: list[tuple[str, str, bool]] = [(COUNTY_DIMENSION, _("County"), False)]
    try:
        taxonomy = taxonomy_in_force(report.schedule.period_end)
    except ValidationError as exc:
        add("people", " ".join(exc.messages))
    else:
        wanted += [(d.code, _(d.name), d.multiple) for d in taxonomy.dimensions.all()]
    total = report.total_served
    for code, name, multiple in wanted:
        field = f"people__{code}"
        if code not in sums:
            add(field, _("%(d)s: give the people served in each category (use “Not reported” where the answer "
                         "was not collected).") % {"d": name})
        elif total is not None and multiple and sums[code] < total:
            add(field, _("%(d)s: the breakdown adds up to %(sum)d, fewer than the %(total)d served; count each "
                         "person at least once.") % {"d": name, "sum": sums[code], "total": total})
        elif total is not None and not multiple and sums[code] != total:
            add(field, _("%(d)s: the breakdown adds up to %(sum)d, not the %(total)d served.")
                % {"d": name, "sum": sums[code], "total": total})
    template = report.schedule.award.application.opportunity.reporting_template
    actuals = {m.code: m.actual for m in report.metrics.all()}
    for m in template.metrics:
        if actuals.get(m["code"]) is None:
            add(f"metric_{m['code']}", _("Give the actual for %(m)s.") % {"m": m.get("label", m["code"])})
    return problems


def report_submit(*, actor: Actor, schedule: ReportSchedule) -> ReportSchedule:
    """Submit a due or returned report after checking it is complete and consistent."""
    _check_editable(actor, schedule)
    with transaction.atomic():
        current = locked(schedule)
        states.require_transition(states.REPORT, current.status, ReportStatus.SUBMITTED)
        report = GranteeReport.objects.filter(schedule=current).first()
        if report is None:
            raise error("report", _("Nothing has been written yet: save the report first."))
        problems = submission_errors(report)
        if problems:
            raise ValidationError(problems)
        now = timezone.now()
        before = snapshot(current, ["status"])
        current.status = ReportStatus.SUBMITTED
        current.save(update_fields=["status"])
        report.submitted_at, report.submitted_by = now, user_or_none(actor)
        report.save(update_fields=["submitted_at", "submitted_by", "updated_at"])
        content = snapshot(report, ["progress", "successes", "challenges", "total_served"]) | _parts(report)
        ReportEvent.objects.create(report=report, kind=ReportEventKind.SUBMITTED, actor=user_or_none(actor), at=now,
                                   content=content)
        record(actor=actor, action="grants.report.submit", obj=current, before=before,
               after=snapshot(current, ["status"]) | {"content": content}, organization=current.award.grantee)
        inbox_notify(actor=actor, kind=InboxKind.GRANTEE_REPORT_SUBMITTED, about=current,
                     link=reverse("grants:report", args=[current.pk]),
                     recipients=members(current.award.fund.ach_id, Role.FUND_ADMIN),
                     params={"grantee": str(current.award.grantee), "number": current.number,
                             "title": current.award.application.project_title},
                     organization=current.award.grantee)
    return current


def _review(*, actor: Actor, schedule: ReportSchedule, target: str, comment: str) -> ReportSchedule:
    require_fund_admin(actor, schedule.award.fund.ach)
    kind = ReportEventKind.ACCEPTED if target == ReportStatus.ACCEPTED else ReportEventKind.RETURNED
    if kind == ReportEventKind.RETURNED and not comment.strip():
        raise error("comment", _("Say what needs to be revised."))
    with transaction.atomic():
        current = locked(schedule)
        states.require_transition(states.REPORT, current.status, target)
        report = GranteeReport.objects.get(schedule=current)
        now = timezone.now()
        before = snapshot(current, ["status"])
        current.status = target
        current.save(update_fields=["status"])
        report.reviewed_at, report.reviewed_by, report.review_comment = now, user_or_none(actor), comment.strip()
        report.save(update_fields=["reviewed_at", "reviewed_by", "review_comment", "updated_at"])
        ReportEvent.objects.create(report=report, kind=kind, actor=user_or_none(actor), at=now, comment=comment.strip())
        record(actor=actor, action=f"grants.report.{kind}", obj=current, before=before,
               after=snapshot(current, ["status"]), reason=comment.strip(), organization=current.award.fund.ach)
        inbox_notify(actor=actor, about=current, link=reverse("grants:report", args=[current.pk]),
                     kind=(InboxKind.GRANTEE_REPORT_ACCEPTED if kind == ReportEventKind.ACCEPTED
                           else InboxKind.GRANTEE_REPORT_RETURNED),
                     recipients=members(current.award.grantee_id, Role.CBO_STAFF),
                     params={"number": current.number, "title": current.award.application.project_title},
                     organization=current.award.fund.ach)
    return current


def report_accept(*, actor: Actor, schedule: ReportSchedule, comment: str = "") -> ReportSchedule:
    """The fund administrator accepts a submitted report."""
    return _review(actor=actor, schedule=schedule, target=ReportStatus.ACCEPTED, comment=comment)


def report_return(*, actor: Actor, schedule: ReportSchedule, comment: str) -> ReportSchedule:
    """The fund administrator returns a submitted report for revision, saying what to change."""
    return _review(actor=actor, schedule=schedule, target=ReportStatus.RETURNED, comment=comment)
