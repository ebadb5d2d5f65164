"""Awards a user may see, and one award with its tranches and report schedule."""

from __future__ import annotations

from typing import Any

from organizations import access

from ..models import Award


def awards_visible(*, user: Any) -> list[Award]:
    """Awards the user may see (grantee staff: their own; ACH staff: their funds'). One query."""
    return list(
        access.scoped(user, "view", Award.objects.all())
        .select_related("grantee", "fund", "restriction", "application__opportunity").order_by("-created_at", "id")
    )


def award_with_schedule(*, award: Award) -> dict[str, Any]:
    """An award with its tranches and report schedule, as plain data (3 queries)."""
    award = Award.objects.select_related(
        "grantee", "fund", "restriction", "application__opportunity", "decision__item__meeting", "accepted_by"
    ).get(pk=award.pk)
    reports = list(award.reports.order_by("number"))
    tranches = list(award.tranches.order_by("number"))
    number_of = {r.pk: r.number for r in reports}
    return {
        "award_id": award.pk,
        "reference": award.commitment_reference,
        "grantee": str(award.grantee),
        "fund": award.fund.code,
        "restriction": award.restriction.code,
        "opportunity": award.application.opportunity.title,
        "project_title": award.application.project_title,
        "amount": award.amount.amount,
        "currency": str(award.amount.currency),
        "approved_amount": award.decision.approved_amount.amount,
        "approved_at_meeting": str(award.decision.item.meeting),
        "period_start": award.period_start,
        "period_end": award.period_end,
        "conditions": award.conditions,
        "status": award.status,
        "committed_on": award.committed_on,
        "accepted": {"name": award.accepted_name, "title": award.accepted_title, "at": award.accepted_at}
        if award.accepted_at else None,
        "tranches": [
            {"number": t.number, "basis": t.basis, "percent": t.percent, "amount": t.amount.amount,
             "due_on": t.due_on, "status": t.status,
             "requires_report": (number_of.get(t.requires_report_id)
                                 if t.requires_report_id is not None else None)}
            for t in tranches
        ],
        "reports": [
            {"number": r.number, "kind": r.kind, "period_start": r.period_start, "period_end": r.period_end,
             "due_on": r.due_on, "status": r.status}
            for r in reports
        ],
    }
