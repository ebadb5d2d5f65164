"""What compliance officers and regulators see on the home page (see web.home)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Organization, Role
from web import charts, home

from .selectors.archive import artifact_history, awaiting_attestation, superseded_filings


def compliance(user: Any, organization: Organization) -> home.Part:
    """Draft reports waiting for the officer's attestation."""
    part = home.Part()
    for artifact in superseded_filings(user=user, organization=organization):
        part.tasks.append(home.Task(
            _("%(report)s was superseded by new data: attest and file an amended version")
            % {"report": artifact.report_id},
            reverse("reporting:artifact", args=[artifact.pk])))
    for artifact in awaiting_attestation(user=user, organization=organization):
        part.tasks.append(home.Task(
            _("Review and attest %(report)s") % {"report": artifact.report_id},
            reverse("reporting:artifact", args=[artifact.pk]),
            detail=_("Version %(version)s") % {"version": artifact.version}))
    return part


def regulator(user: Any, organization: Organization) -> home.Part:
    """Reports filed in the last 30 days, to read."""
    part = home.Part()
    since = timezone.now() - dt.timedelta(days=30)
    filed = artifact_history(user=user).filter(filing__isnull=False)
    recent = list(filed.filter(filing__filed_at__gte=since))
    for artifact in superseded_filings(user=user):
        part.tasks.append(home.Task(
            _("%(report)s, filed by %(plan)s, was superseded by new data")
            % {"report": artifact.report_id, "plan": artifact.organization},
            reverse("reporting:artifact", args=[artifact.pk])))
    for artifact in recent:
        part.tasks.append(home.Task(
            _("Read %(report)s, filed by %(plan)s") % {"report": artifact.report_id, "plan": artifact.organization},
            reverse("reporting:artifact", args=[artifact.pk])))
    part.figures.append(home.Figure(_("Reports filed"), str(filed.count()), href=reverse("reporting:filed")))
    part.figures.append(home.Figure(_("Filed in the last 30 days"), str(len(recent))))
    by_plan = Counter(str(a.organization) for a in filed)
    if by_plan:
        part.charts.append(charts.bar_chart(_("Reports filed by plan"), sorted(by_plan.items()), kind="number",
                                            chart_id="filed-chart"))
    return part


home.register("reporting.compliance", {Role.PLAN_COMPLIANCE}, compliance, order=40)
home.register("reporting.regulator", {Role.REGULATOR}, regulator, order=40)
