"""Report reminders to grantees and the fund administrator's weekly digest.

Offsets are data (``ReminderPolicy``: the fund's newest version, else the newest
default). For each report not yet submitted (*due* or *returned*) of an accepted
award, on a given day:

* before the due date, the reminder of the smallest ``days_before_due`` offset
  already reached is queued (offset ``-d``);
* after the due date, the reminder of the largest ``days_after_due`` offset
  already reached is queued (offset ``+d``).

An offset passed while nothing ran is superseded by the next one, so a grantee
never receives a burst of stale reminders. Each notification has the key
``grants.report-reminder:<report id>:<offset>`` (digest:
``grants.digest:<fund id>:<ISO year>-W<week>:<user id>``), so queuing it again, from
a second beat run or a restarted worker, finds the existing row and sends nothing
(``notifications.services.notification_queue``). The beat runs them as ``BEAT``; the outbox
refuses anyone but the system and a site administrator.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from notifications.services import notification_queue
from organizations.access import require_site_admin
from organizations.actors import Actor
from organizations.models import Membership, Role
from wellness_fund.models import WellnessFund

from ..models import (
    AwardStatus,
    ReminderPolicy,
    ReportSchedule,
    ReportStatus,
    Tranche,
    TrancheStatus,
)

OPEN = (ReportStatus.DUE, ReportStatus.RETURNED)


def reminder_policy(*, fund_id: int) -> ReminderPolicy:
    """The reminder offsets in force for a fund (its newest version, else the newest default)."""
    own = ReminderPolicy.objects.filter(fund_id=fund_id).order_by("-version").first()
    if own is not None:
        return own
    default = ReminderPolicy.objects.filter(fund__isnull=True).order_by("-version").first()
    if default is None:
        raise ReminderPolicy.DoesNotExist("No reminder policy: migration 0005 seeds the default.")
    return default


def offset_due(*, due_on: dt.date, today: dt.date, policy: ReminderPolicy) -> int | None:
    """The offset (days, negative before the due date) whose reminder applies today, if any."""
    if today < due_on:
        reached = [int(d) for d in policy.days_before_due if due_on - dt.timedelta(days=int(d)) <= today]
        return -min(reached) if reached else None
    reached = [int(d) for d in policy.days_after_due if due_on + dt.timedelta(days=int(d)) <= today]
    return max(reached) if reached else None


def _recipient(report: ReportSchedule, staff_emails: dict[int, str]) -> str:
    return report.award.application.contact_email or staff_emails.get(report.award.grantee_id, "")


def report_reminders_send(*, actor: Actor, today: dt.date | None = None) -> int:
    """Queue today's reminders of unsubmitted reports; returns how many were queued now."""
    require_site_admin(actor)
    today = today or timezone.localdate()
    reports = list(
        ReportSchedule.objects.filter(status__in=OPEN, award__status=AwardStatus.ACCEPTED)
        .select_related("award__grantee", "award__application", "award__fund").order_by("due_on", "id")
    )
    staff_emails: dict[int, str] = {}
    for org_id, email in (Membership.objects.filter(
            organization_id__in={r.award.grantee_id for r in reports}, role=Role.CBO_STAFF, is_active=True)
            .exclude(user__email="").order_by("organization_id", "id").values_list("organization_id", "user__email")):
        staff_emails.setdefault(org_id, email)
    policies: dict[int, ReminderPolicy] = {}
    queued = 0
    for report in reports:
        policy = policies.get(report.award.fund_id) or reminder_policy(fund_id=report.award.fund_id)
        policies[report.award.fund_id] = policy
        offset = offset_due(due_on=report.due_on, today=today, policy=policy)
        recipient = _recipient(report, staff_emails)
        if offset is None or not recipient:
            continue
        when = (f"is due in {-offset} day(s), on {report.due_on}" if offset < 0
                else f"was due on {report.due_on} and is {offset} day(s) overdue")
        _, created = notification_queue(
            actor=actor,
            key=f"grants.report-reminder:{report.pk}:{offset:+d}",
            recipient=recipient,
            subject=f"{report.get_kind_display()} for {report.award.application.project_title or report.award}"[:255],
            body=(f"Your {report.get_kind_display().lower()} for the period {report.period_start} to "
                  f"{report.period_end} under the {report.award.fund.name} grant {when}.\n"
                  "Sign in to save a draft or submit it."),
            organization=report.award.grantee,
        )
        queued += int(created)
    return queued


def digest_send(*, actor: Actor, today: dt.date | None = None) -> int:
    """Queue the weekly digest for each fund administrator on the policy's weekday; returns how many."""
    require_site_admin(actor)
    today = today or timezone.localdate()
    year, week, _ = today.isocalendar()
    reports = list(
        ReportSchedule.objects.filter(award__status=AwardStatus.ACCEPTED)
        .filter(Q(status=ReportStatus.SUBMITTED) | Q(status__in=OPEN, due_on__lt=today))
        .select_related("award__grantee").order_by("due_on", "id")
    )
    released = list(Tranche.objects.filter(status=TrancheStatus.RELEASED).select_related("award__grantee"))
    queued = 0
    for fund in WellnessFund.objects.filter(is_active=True).order_by("pk"):
        if reminder_policy(fund_id=fund.pk).digest_weekday != today.weekday():
            continue
        lines = []
        for r in reports:
            if r.award.fund_id != fund.pk:
                continue
            state = "awaiting review" if r.status == ReportStatus.SUBMITTED else f"overdue since {r.due_on}"
            lines.append(f"- {r.award.grantee}: {r.get_kind_display().lower()} {r.number} {state}")
        for t in released:
            if t.award.fund_id == fund.pk:
                lines.append(f"- {t.award.grantee}: tranche {t.number} ({t.amount.amount}) released, not yet paid")
        admins = (Membership.objects.filter(organization_id=fund.ach_id, role=Role.FUND_ADMIN, is_active=True)
                  .exclude(user__email="").select_related("user").order_by("id"))
        for m in admins:
            _, created = notification_queue(
                actor=actor,
                key=f"grants.digest:{fund.pk}:{year}-W{week:02d}:{m.user_id}",
                recipient=m.user.email,
                subject=f"{fund.name}: grants this week",
                body="\n".join([f"Grants of {fund.name} needing attention, week {year}-W{week:02d}:",
                                *(lines or ["- Nothing is overdue or waiting for review."])]),
                organization=fund.ach,
            )
            queued += int(created)
    return queued
