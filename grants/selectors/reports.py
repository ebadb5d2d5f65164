"""Grantee reports, disbursements and award history, as plain data for pages and reports.

* **Late**: a report is late when it was first submitted after its due date, or
  when it is still not submitted after its due date (then it is also *overdue*).
* **Budget table** of a report, per approved budget line: ``budget`` (amended),
  ``spent_period`` (this report), ``spent_to_date`` (this report and the award's
  other submitted or accepted reports), ``remaining`` = budget - spent to date,
  ``percent_spent`` = 100 x spent to date / budget (2 places, half up), and
  ``variance`` = spent to date - the budget share expected by the end of the
  report's period (budget x elapsed days / days of the award period, in cents):
  positive means ahead of plan.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone

from money import round_cents
from organizations import access

from ..models import (
    Award,
    GranteeReport,
    ReportEvent,
    ReportEventKind,
    ReportExpenditure,
    ReportSchedule,
    ReportStatus,
)

ZERO = Decimal("0.00")
NOT_SUBMITTED = (ReportStatus.DUE, ReportStatus.RETURNED)


def first_submitted_at(report: GranteeReport | None) -> dt.datetime | None:
    if report is None:
        return None
    times = [e.at for e in report.events.all() if e.kind == ReportEventKind.SUBMITTED]
    return min(times) if times else None


def lateness(schedule: ReportSchedule, report: GranteeReport | None, today: dt.date) -> dict[str, bool]:
    """``late`` (submitted after the due date, or not yet and past it) and ``overdue`` (not yet and past it)."""
    first = first_submitted_at(report)
    overdue = schedule.status in NOT_SUBMITTED and first is None and today > schedule.due_on
    late = overdue or (first is not None and timezone.localdate(first) > schedule.due_on)
    return {"late": late, "overdue": overdue}


def _reports_qs() -> QuerySet[ReportSchedule]:
    return ReportSchedule.objects.select_related("award__grantee", "award__fund", "award__application",
                                                 "content").prefetch_related(
        Prefetch("content__events", queryset=ReportEvent.objects.order_by("at", "id")))


def reports_visible(*, user: Any, award: Award | None = None, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Scheduled reports the user may see, with their late flags. 3 queries: memberships, reports
    (joined with award, grantee, fund, application and content), events."""
    today = today or timezone.localdate()
    qs = access.scoped(user, "view", _reports_qs())
    if award is not None:
        qs = qs.filter(award=award)
    rows = []
    for s in qs.order_by("due_on", "id"):
        content = getattr(s, "content", None)
        rows.append({
            "report_id": s.pk, "award_id": s.award_id, "grantee": str(s.award.grantee), "fund": s.award.fund.code,
            "project_title": s.award.application.project_title, "number": s.number, "kind": s.kind,
            "period_start": s.period_start, "period_end": s.period_end, "due_on": s.due_on, "status": s.status,
            "submitted_at": content.submitted_at if content else None,
            **lateness(s, content, today),
        })
    return rows


def report_get(*, user: Any, pk: Any) -> ReportSchedule:
    """One scheduled report, or 404 outside the user's scope."""
    return access.get_object_or_404(user, "view", _reports_qs(), pk=pk)


def budget_table(schedule: ReportSchedule, report: GranteeReport | None) -> list[dict[str, Any]]:
    award = schedule.award
    lines = list(award.budget_lines.order_by("number"))
    mine = {e.budget_line_id: e.amount.amount for e in (report.expenditures.all() if report else [])}
    others_qs = ReportExpenditure.objects.filter(
        report__schedule__award=award, report__schedule__status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED])
    if report is not None:
        others_qs = others_qs.exclude(report=report)
    others = {r["budget_line_id"]: r["s"] for r in others_qs.values("budget_line_id").annotate(s=Sum("amount")).order_by()}
    days = Decimal((award.period_end - award.period_start).days + 1)
    elapsed = Decimal(min(max((schedule.period_end - award.period_start).days + 1, 0), int(days)))
    rows = []
    for ln in lines:
        budget = ln.amount.amount
        period = mine.get(ln.pk, ZERO)
        to_date = others.get(ln.pk, ZERO) + period
        expected = round_cents(budget * elapsed / days)
        rows.append({
            "number": ln.number, "category": ln.category, "description": ln.description, "budget": budget,
            "spent_period": period, "spent_to_date": to_date, "remaining": budget - to_date,
            "percent_spent": round_cents(to_date * 100 / budget) if budget else ZERO,
            "variance": to_date - expected,
        })
    return rows


def report_detail(*, user: Any, pk: Any, today: dt.date | None = None) -> dict[str, Any]:
    """One report with its narrative, budget table, metrics, people served and history (404 outside scope)."""
    today = today or timezone.localdate()
    schedule = report_get(user=user, pk=pk)
    report = getattr(schedule, "content", None)
    template = schedule.award.application.opportunity.reporting_template
    metrics = {m.code: m for m in (report.metrics.all() if report else [])}
    people: dict[str, list[dict[str, Any]]] = {}
    for p in (report.people.order_by("dimension", "category") if report else []):
        people.setdefault(p.dimension, []).append({"category": p.category, "count": p.count})
    return {
        "report_id": schedule.pk, "award_id": schedule.award_id, "grantee": str(schedule.award.grantee),
        "number": schedule.number, "kind": schedule.kind, "status": schedule.status,
        "period_start": schedule.period_start, "period_end": schedule.period_end, "due_on": schedule.due_on,
        **lateness(schedule, report, today),
        "progress": report.progress if report else "", "successes": report.successes if report else "",
        "challenges": report.challenges if report else "",
        "total_served": report.total_served if report else None,
        "review_comment": report.review_comment if report else "",
        "budget": budget_table(schedule, report),
        "metrics": [{"code": m["code"], "label": m.get("label", m["code"]), "unit": m.get("unit", ""),
                     "target": metrics[m["code"]].target if m["code"] in metrics else None,
                     "actual": metrics[m["code"]].actual if m["code"] in metrics else None}
                    for m in template.metrics],
        "people": people,
        "history": [{"kind": e.kind, "at": e.at, "actor": e.actor.get_username() if e.actor else None,
                     "comment": e.comment, "content": e.content}
                    for e in (report.events.select_related("actor").order_by("at", "id") if report else [])],
    }


def award_history(*, user: Any, pk: Any) -> list[dict[str, Any]]:
    """Amendments, payments and close-out of an award, oldest first (404 outside scope). 4 queries."""
    award = access.get_object_or_404(user, "view", Award.objects.all(), pk=pk)
    events: list[dict[str, Any]] = []
    for a in award.amendments.order_by("number"):
        events.append({"kind": f"amendment:{a.kind}", "on": a.effective_on, "text": a.reason,
                       "amount_change": a.amount_change.amount, "before": a.before, "after": a.after})
    for d in award.disbursements.select_related("tranche").order_by("paid_on", "id"):
        events.append({"kind": "payment", "on": d.paid_on, "text": f"Tranche {d.tranche.number} paid",
                       "amount": d.amount.amount, "reference": d.payment_reference})
    if award.closed_at:
        events.append({"kind": "closed", "on": timezone.localdate(award.closed_at), "text": "Closed out"})
    first = {"kind": "award", "on": award.committed_on, "text": f"Awarded {award.amount.amount}"}
    return [first, *sorted(events, key=lambda e: e["on"])]
