"""Applications a user may see: access rules, minus those the user has a review conflict on."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from organizations import access

from ..models import Application, FundingOpportunity


def applications_scope(*, user: Any) -> QuerySet[Application]:
    """Applications ``user`` may view: access rules, minus those where the user has a review conflict
    (the conflict rule is registered with the access rules in ``grants.access``)."""
    return access.scoped(user, "view", Application.objects.all())


def applications_visible(*, user: Any, opportunity: FundingOpportunity | None = None) -> list[Application]:
    """Applications with applicant, opportunity, counties and budget lines. 3 queries:
    applications (joined with applicant and opportunity), counties, budget lines."""
    qs = applications_scope(user=user)
    if opportunity is not None:
        qs = qs.filter(opportunity=opportunity)
    return list(
        qs.select_related("applicant", "opportunity").prefetch_related("counties", "budget_lines")
        .order_by("opportunity_id", "id")
    )


def application_get(*, user: Any, pk: Any) -> Application:
    """One application, or 404 when out of scope, unknown, or the user has a review conflict on it."""
    return access.get_object_or_404(
        user, "view", applications_scope(user=user).select_related("applicant", "opportunity__fund"), pk=pk
    )


def application_detail(*, user: Any, pk: Any) -> dict[str, Any]:
    """One application with its budget lines, counties and attachments, as plain data.

    404 when out of scope or the user has a review conflict on it. 5 queries:
    memberships, application (+applicant, opportunity), counties, budget lines, attachments.
    """
    app = access.get_object_or_404(
        user, "view",
        applications_scope(user=user).select_related("applicant", "opportunity")
        .prefetch_related("counties", "budget_lines", "attachments"),
        pk=pk,
    )
    return {
        "application_id": app.pk,
        "opportunity": app.opportunity.title,
        "applicant": str(app.applicant),
        "status": app.status,
        "contact": {"name": app.contact_name, "email": app.contact_email, "phone": app.contact_phone},
        "project_title": app.project_title,
        "project_summary": app.project_summary,
        "requested_amount": app.requested_amount.amount if app.requested_amount is not None else None,
        "period_start": app.period_start,
        "period_end": app.period_end,
        "counties": [c.name for c in app.counties.all()],
        "domains": list(app.domains),
        "target_populations": app.target_populations,
        "eligibility_answers": dict(app.eligibility_answers),
        "budget_lines": [
            {"number": b.number, "category": b.category, "category_label": b.get_category_display(),
             "description": b.description, "amount": b.amount.amount}
            for b in app.budget_lines.all()
        ],
        "budget_total": sum((b.amount.amount for b in app.budget_lines.all()), Decimal("0.00")),
        "attachments": [
            {"id": a.pk, "label": a.label, "name": a.original_name, "type": a.file_type, "size_bytes": a.size_bytes}
            for a in app.attachments.all()
        ],
        "submitted_at": app.submitted_at,
    }
