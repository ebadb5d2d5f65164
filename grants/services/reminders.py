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

Each e-mail is written in its recipient's language: the ``language`` of the person with that
e-mail address (blank, or no such person: ``settings.LANGUAGE_CODE``), with dates in words
and amounts through the money formatter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from money.formatting import format_usd
from notifications.services import notification_queue
from organizations.access import require_site_admin
from organizations.actors import Actor
from organizations.dates import date_words
from organizations.models import Membership, Role, User
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


def recipient_languages(emails: Iterable[str]) -> dict[str, str]:
    """E-mail address (lower case) -> the language its person chose (one query; only those set)."""
    wanted = {e.lower() for e in emails if e}
    if not wanted:
        return {}
    q = Q()
    for email in wanted:
        q |= Q(email__iexact=email)
    return {email.lower(): language
            for email, language in User.objects.filter(q).exclude(language="").values_list("email", "language")}


def _language(email: str, languages: dict[str, str]) -> str:
    return languages.get(email.lower()) or settings.LANGUAGE_CODE


def _reminder_text(report: ReportSchedule, today: dt.date) -> tuple[str, str]:
    """The subject and body of a reminder sent on ``today``, in the active language."""
    days = (report.due_on - today).days
    kind = str(report.get_kind_display())
    params = {"report": kind.lower(), "start": date_words(report.period_start),
              "end": date_words(report.period_end), "fund": report.award.fund.name,
              "due": date_words(report.due_on), "days": abs(days)}
    if days > 0:
        sentence = ngettext(
            "Your %(report)s for the period %(start)s to %(end)s under the %(fund)s grant is due in "
            "%(days)s day, on %(due)s.",
            "Your %(report)s for the period %(start)s to %(end)s under the %(fund)s grant is due in "
            "%(days)s days, on %(due)s.", days) % params
    else:
        sentence = ngettext(
            "Your %(report)s for the period %(start)s to %(end)s under the %(fund)s grant was due on "
            "%(due)s and is %(days)s day overdue.",
            "Your %(report)s for the period %(start)s to %(end)s under the %(fund)s grant was due on "
            "%(due)s and is %(days)s days overdue.", -days) % params
    subject = _("%(report)s for %(project)s") % {
        "report": kind, "project": report.award.application.project_title or str(report.award)}
    return subject[:255], "\n".join([sentence, _("Sign in to save a draft or submit it.")])


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
    languages = recipient_languages([_recipient(r, staff_emails) for r in reports])
    queued = 0
    for report in reports:
        policy = policies.get(report.award.fund_id) or reminder_policy(fund_id=report.award.fund_id)
        policies[report.award.fund_id] = policy
        offset = offset_due(due_on=report.due_on, today=today, policy=policy)
        recipient = _recipient(report, staff_emails)
        if offset is None or not recipient:
            continue
        with translation.override(_language(recipient, languages)):
            subject, body = _reminder_text(report, today)
        _n, created = notification_queue(
            actor=actor,
            key=f"grants.report-reminder:{report.pk}:{offset:+d}",
            recipient=recipient,
            subject=subject,
            body=body,
            organization=report.award.grantee,
        )
        queued += int(created)
    return queued


def digest_send(*, actor: Actor, today: dt.date | None = None) -> int:
    """Queue the weekly digest for each fund administrator on the policy's weekday; returns how many."""
    require_site_admin(actor)
    today = today or timezone.localdate()
    year, week, _day = today.isocalendar()
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
        admins = list(Membership.objects.filter(organization_id=fund.ach_id, role=Role.FUND_ADMIN, is_active=True)
                      .exclude(user__email="").select_related("user").order_by("id"))
        for m in admins:
            with translation.override(m.user.language or settings.LANGUAGE_CODE):
                subject, body = _digest_text(fund, f"{year}-W{week:02d}",
                                             [r for r in reports if r.award.fund_id == fund.pk],
                                             [t for t in released if t.award.fund_id == fund.pk])
            _n, created = notification_queue(
                actor=actor,
                key=f"grants.digest:{fund.pk}:{year}-W{week:02d}:{m.user_id}",
                recipient=m.user.email,
                subject=subject,
                body=body,
                organization=fund.ach,
            )
            queued += int(created)
    return queued


def _digest_text(fund: WellnessFund, week: str, reports: list[ReportSchedule],
                 released: list[Tranche]) -> tuple[str, str]:
    """The subject and body of a fund's weekly digest, in the active language."""
    lines = []
    for r in reports:
        state = (_("awaiting review") if r.status == ReportStatus.SUBMITTED
                 else _("overdue since %(date)s") % {"date": date_words(r.due_on)})
        lines.append(_("- %(grantee)s: %(report)s %(number)s %(state)s") % {
            "grantee": r.award.grantee, "report": str(r.get_kind_display()).lower(), "number": r.number,
            "state": state})
    for t in released:
        lines.append(_("- %(grantee)s: tranche %(number)s (%(amount)s) released, not yet paid") % {
            "grantee": t.award.grantee, "number": t.number, "amount": format_usd(t.amount.amount)})
    subject = _("%(fund)s: grants this week") % {"fund": fund.name}
    body = "\n".join([_("Grants of %(fund)s needing attention, week %(week)s:") % {"fund": fund.name, "week": week},
                      *(lines or [_("- Nothing is overdue or waiting for review.")])])
    return subject[:255], body
