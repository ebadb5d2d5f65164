"""Applications by CBOs: draft, attach, submit, withdraw.

* A draft saves at any time with whatever is filled in (only each value's own
  shape is checked); only CBO staff of the applicant may write it.
* ``application_submit`` validates everything at once (contact, amounts, the
  budget adding up to the request, the award range, counties and domains
  within the call, eligibility answers) and locks the application; it is
  refused outside the call's open window (``opens_at <= now < closes_at``).
* Attachments are accepted by content (``grants.files``), within the call's
  size limit, and only on drafts.
* Withdrawal is possible until the board decides (``grants.states.APPLICATION``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from audit.services import record, snapshot
from money import format_usd, parse_amount
from notifications.models import InboxKind
from notifications.services import inbox_notify, members
from organizations.actors import Actor
from organizations.dates import moment_words
from organizations.models import County, Organization, OrganizationKind, Role

from .. import files, states
from ..models import (
    Application,
    ApplicationStatus,
    Attachment,
    BudgetCategory,
    BudgetLine,
    FundingOpportunity,
    OpportunityStatus,
)
from ._common import error, locked, require_cbo_staff, user_or_none
from .opportunities import validate_domains

DRAFT_FIELDS = (
    "contact_name", "contact_email", "contact_phone", "project_title", "project_summary",
    "requested_amount", "period_start", "period_end", "domains", "target_populations",
    "eligibility_answers",
)
CATEGORIES = {c.value for c in BudgetCategory}


def _budget_lines(specs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    lines = []
    for n, spec in enumerate(specs, start=1):
        category = str(spec.get("category", ""))
        description = str(spec.get("description", "")).strip()
        if category not in CATEGORIES:
            raise error("budget_lines", gettext("Line %(n)s: unknown category “%(category)s”.")
                        % {"n": n, "category": category})
        if not description:
            raise error("budget_lines", gettext("Line %(n)s: describe the cost.") % {"n": n})
        amount = parse_amount(spec.get("amount"), field="budget_lines")
        lines.append({"number": n, "category": category, "description": description, "amount": amount})
    return lines


def _clean_draft_values(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(DRAFT_FIELDS)
    if unknown:
        raise error("__all__", gettext("Unknown application field(s): %(fields)s.")
                    % {"fields": ", ".join(sorted(unknown))})
    clean = dict(values)
    if clean.get("requested_amount") is not None:
        clean["requested_amount"] = parse_amount(clean["requested_amount"], field="requested_amount")
    if "domains" in clean:
        clean["domains"] = validate_domains(clean["domains"] or [])
    if "eligibility_answers" in clean:
        answers = clean["eligibility_answers"] or {}
        if not isinstance(answers, Mapping):
            raise error("eligibility_answers", gettext("Give the answers as question number -> answer."))
        clean["eligibility_answers"] = {str(k): str(v) for k, v in answers.items()}
    for name in ("period_start", "period_end"):
        if clean.get(name) is not None and not isinstance(clean[name], dt.date):
            raise error(name, gettext("Give a date."))
    return clean


def _apply_draft(
    *, application: Application, values: Mapping[str, Any], counties: Iterable[County] | None,
    budget_lines: Sequence[Mapping[str, Any]] | None,
) -> dict[str, Any]:
    """Write draft values; returns the audit 'after' extras. Runs inside the caller's transaction."""
    clean = _clean_draft_values(values)
    lines = _budget_lines(budget_lines) if budget_lines is not None else None
    for name, value in clean.items():
        setattr(application, name, value)
    application.full_clean(exclude=["opportunity", "applicant"])
    application.save()
    extras: dict[str, Any] = {}
    if counties is not None:
        county_list = list(counties)
        application.counties.set(county_list)
        extras["counties"] = sorted(c.fips for c in county_list)
    if lines is not None:
        application.budget_lines.all().delete()
        BudgetLine.objects.bulk_create([BudgetLine(application=application, **line) for line in lines])
        extras["budget_lines"] = lines
    return extras


def application_start(
    *,
    actor: Actor,
    opportunity: FundingOpportunity,
    applicant: Organization,
    counties: Iterable[County] | None = None,
    budget_lines: Sequence[Mapping[str, Any]] | None = None,
    **values: Any,
) -> Application:
    """Start a draft application of ``applicant`` to an open call (any fields may be given now or later)."""
    require_cbo_staff(actor, applicant)
    if applicant.kind != OrganizationKind.CBO:
        raise error("applicant", gettext("Only a community-based organization can apply."))
    if opportunity.status != OpportunityStatus.OPEN or timezone.now() >= opportunity.closes_at:
        raise error("opportunity", gettext("This call for proposals is not open for applications."))
    with transaction.atomic():
        application = Application(opportunity=opportunity, applicant=applicant,
                                  created_by=user_or_none(actor))
        extras = _apply_draft(application=application, values=values, counties=counties,
                              budget_lines=budget_lines)
        record(actor=actor, action="grants.application.start", obj=application,
               after=snapshot(application) | extras, organization=applicant)
    return application


def application_save_draft(
    *,
    actor: Actor,
    application: Application,
    counties: Iterable[County] | None = None,
    budget_lines: Sequence[Mapping[str, Any]] | None = None,
    **values: Any,
) -> Application:
    """Save changes to a draft; ``budget_lines`` (if given) replaces all lines."""
    require_cbo_staff(actor, application.applicant)
    with transaction.atomic():
        current = locked(application)
        if current.status != ApplicationStatus.DRAFT:
            raise error("status", gettext("A %(status)s application can no longer be edited.")
                        % {"status": current.get_status_display().lower()})
        names = list(values) + ["requested_amount"]
        before = snapshot(current, names) | {
            "counties": sorted(current.counties.values_list("fips", flat=True)),
            "budget_lines": list(current.budget_lines.values("number", "category", "description", "amount")),
        }
        extras = _apply_draft(application=current, values=values, counties=counties, budget_lines=budget_lines)
        record(actor=actor, action="grants.application.save_draft", obj=current, before=before,
               after=snapshot(current, names) | extras, organization=current.applicant)
    return current


def application_submission_errors(application: Application) -> dict[str, list[str]]:
    """Every problem that stops ``application`` being submitted, by field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    opportunity = application.opportunity
    now = timezone.now()
    if opportunity.status != OpportunityStatus.OPEN or now >= opportunity.closes_at:
        add("opportunity", gettext("The call closed at %(when)s; submissions are refused.")
            % {"when": moment_words(opportunity.closes_at)})
    elif now < opportunity.opens_at:
        add("opportunity", gettext("The call opens at %(when)s.") % {"when": moment_words(opportunity.opens_at)})
    for name in ("contact_name", "contact_email", "project_title", "project_summary", "target_populations"):
        if not getattr(application, name):
            add(name, gettext("This field is required to submit."))
    requested = application.requested_amount.amount if application.requested_amount is not None else None
    if requested is None:
        add("requested_amount", gettext("Give the amount requested."))
    elif not opportunity.award_min.amount <= requested <= opportunity.award_max.amount:
        add("requested_amount",
            gettext("The request (%(requested)s) must be between %(low)s and %(high)s.")
            % {"requested": format_usd(requested), "low": format_usd(opportunity.award_min.amount),
               "high": format_usd(opportunity.award_max.amount)})
    if application.period_start is None or application.period_end is None:
        add("period_start", gettext("Give the project period."))
    lines = list(application.budget_lines.all())
    if not lines:
        add("budget_lines", gettext("Give at least one budget line."))
    elif requested is not None:
        total = sum((line.amount.amount for line in lines), Decimal("0.00"))
        if total != requested:
            add("budget_lines", gettext("Budget lines add up to %(total)s, but the request is %(requested)s.")
                % {"total": format_usd(total), "requested": format_usd(requested)})
    counties = {c.pk: c for c in application.counties.all()}
    allowed = {c.pk for c in opportunity.counties.all()}
    if not counties:
        add("counties", gettext("Name at least one county served."))
    elif allowed and not set(counties) <= allowed:
        outside = sorted(str(counties[pk]) for pk in set(counties) - allowed)
        add("counties", gettext("Outside the counties of this call: %(counties)s.") % {"counties": ", ".join(outside)})
    if not application.domains:
        add("domains", gettext("Name at least one social-driver domain."))
    elif opportunity.domains and not set(application.domains) <= set(opportunity.domains):
        add("domains", gettext("Outside the domains of this call: %(domains)s.")
            % {"domains": ", ".join(sorted(set(application.domains) - set(opportunity.domains)))})
    answers = application.eligibility_answers or {}
    for question in opportunity.eligibility_questions.all():
        answer = answers.get(str(question.number))
        if answer is None or answer == "":
            add("eligibility_answers", gettext("Answer question %(n)s: %(text)s")
                % {"n": question.number, "text": question.text})
        elif answer not in question.answer_choices:
            add("eligibility_answers", gettext("Question %(n)s: “%(answer)s” is not one of: %(choices)s.")
                % {"n": question.number, "answer": answer, "choices": ", ".join(map(str, question.answer_choices))})
        elif answer in question.disqualifying_answers:
            add("eligibility_answers",
                gettext("Question %(n)s (%(text)s): the answer “%(answer)s” makes the applicant ineligible.")
                % {"n": question.number, "text": question.text, "answer": answer})
    return errors


def application_submit(*, actor: Actor, application: Application) -> Application:
    """Validate everything and submit; the application is then locked for the applicant."""
    require_cbo_staff(actor, application.applicant)
    with transaction.atomic():
        current = locked(application)
        states.require_transition(states.APPLICATION, current.status, ApplicationStatus.SUBMITTED)
        errors = application_submission_errors(current)
        if errors:
            raise ValidationError(errors)
        before = snapshot(current, ["status", "submitted_at"])
        current.status = ApplicationStatus.SUBMITTED
        current.submitted_at = timezone.now()
        current.submitted_by = user_or_none(actor)
        current.save(update_fields=["status", "submitted_at", "submitted_by"])
        record(actor=actor, action="grants.application.submit", obj=current, before=before,
               after=snapshot(current, ["status", "submitted_at", "submitted_by"]),
               organization=current.applicant)
        inbox_notify(actor=actor, kind=InboxKind.APPLICATION_SUBMITTED, about=current,
                     link=reverse("grants:application_detail", args=[current.pk]),
                     recipients=members(current.opportunity.fund.ach_id, Role.FUND_ADMIN),
                     params={"applicant": str(current.applicant), "title": current.project_title,
                             "opportunity": current.opportunity.title}, organization=current.applicant)
    application.status, application.submitted_at = current.status, current.submitted_at
    return current


def application_withdraw(*, actor: Actor, application: Application, reason: str = "") -> Application:
    """Withdraw an application before the board has decided on it."""
    require_cbo_staff(actor, application.applicant)
    with transaction.atomic():
        current = locked(application)
        states.require_transition(states.APPLICATION, current.status, ApplicationStatus.WITHDRAWN)
        before = snapshot(current, ["status", "withdrawn_at"])
        current.status = ApplicationStatus.WITHDRAWN
        current.withdrawn_at = timezone.now()
        current.save(update_fields=["status", "withdrawn_at"])
        record(actor=actor, action="grants.application.withdraw", obj=current, before=before,
               after=snapshot(current, ["status", "withdrawn_at"]), reason=reason,
               organization=current.applicant)
    application.status = current.status
    return current


def application_attach(
    *, actor: Actor, application: Application, label: str, filename: str, content: bytes
) -> Attachment:
    """Attach a file to a draft: PDF, DOCX, XLSX, PNG or JPEG, checked by content, within the size limit."""
    require_cbo_staff(actor, application.applicant)
    if not label.strip():
        raise error("label", gettext("Say what the attachment is."))
    limit = application.opportunity.attachment_max_bytes
    if len(content) == 0:
        raise error("file", gettext("The file is empty."))
    if len(content) > limit:
        raise error("file", gettext("The file is %(size)s bytes; the limit is %(limit)s bytes.")
                    % {"size": len(content), "limit": limit})
    claimed = files.claimed_type(filename)
    if claimed is None:
        raise error("file", gettext("%(name)s: only PDF, DOCX, XLSX, PNG and JPEG files are accepted.")
                    % {"name": repr(filename)})
    actual = files.detect_type(content)
    if actual != claimed:
        found = actual.upper() if actual else gettext("not an accepted type")
        raise error("file", gettext("%(name)s claims to be %(claimed)s but its content is %(found)s.")
                    % {"name": repr(filename), "claimed": claimed.upper(), "found": found})
    with transaction.atomic():
        current = locked(application)
        if current.status != ApplicationStatus.DRAFT:
            raise error("status", gettext("Attachments can only be added to a draft."))
        attachment = Attachment(
            application=current, label=label.strip(), original_name=filename[:255], file_type=actual,
            size_bytes=len(content), sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=user_or_none(actor),
        )
        attachment.file.save(filename, ContentFile(content), save=False)
        attachment.save()
        record(actor=actor, action="grants.application.attach", obj=attachment,
               after=snapshot(attachment), organization=current.applicant)
    return attachment
