"""Fund-administrator pages for a fund's board and its awards after acceptance.

* Board: schedule a meeting of the ACH's governing body; list its seats and seat a member.
* Award: amendments (budget reallocation, no-cost extension, amount change with the board's
  passed motion when increasing), the award's history, and close-out.

Every form is once-only and calls one service; the service decides, and its refusal is shown
beside the form that sent the input (status 400), with nothing written.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations import access
from organizations.models import Membership, Role, User
from reporting.document_pages import document_panel
from reporting.models import ReportKind
from web.actions import submit_form
from web.forms import field_of
from web.money import MoneyAmountField
from web.once import OnceOnlyFormMixin
from web.requests import AuthenticatedRequest

from .. import selectors, services
from ..models import (
    AgendaItem,
    AmendmentKind,
    Award,
    GoverningBody,
    ReportStatus,
    TrancheStatus,
    VoteOutcome,
)
from ._common import choice_label
from .forms import DateInput, DateTimeInput

BOARD_ROLES = (Role.BOARD_MEMBER, Role.BOARD_CHAIR)

#: Service error keys the amendment forms show as the form's general error, as written (the budget,
#: the award as a whole).
GENERAL = ("lines", "award")


# --------------------------------------------------------------------------- forms


class MeetingForm(OnceOnlyFormMixin, forms.Form):
    prefix = "meeting"
    title = forms.CharField(label=gettext_lazy("Title"), max_length=255)
    scheduled_at = forms.DateTimeField(label=gettext_lazy("Date and time"), widget=DateTimeInput,
                                       input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    location = forms.CharField(label=gettext_lazy("Location"), max_length=255, required=False)


class SeatForm(OnceOnlyFormMixin, forms.Form):
    prefix = "seat"
    member = forms.TypedChoiceField(label=gettext_lazy("Member"), coerce=int)
    title = forms.CharField(label=gettext_lazy("Title on the board"), max_length=120, required=False)
    seated_on = forms.DateField(label=gettext_lazy("Seated on"), widget=DateInput)
    is_chair = forms.BooleanField(label=gettext_lazy("Chair"), required=False)
    is_voting = forms.BooleanField(label=gettext_lazy("Votes"), required=False, initial=True)

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "member", forms.ChoiceField).choices = [("", "—"), *members]


class _LinesMixin:
    """One amount field per budget line of the award (``line_<number>``), the current amount first."""

    def add_lines(self, award: Award) -> None:
        self.lines = list(award.budget_lines.order_by("number"))
        for line in self.lines:
            self.fields[f"line_{line.number}"] = MoneyAmountField(  # type: ignore[attr-defined]
                label=_("Line %(n)s: %(d)s (USD)") % {"n": line.number, "d": line.description},
                allow_zero=True, initial=line.amount.amount)

    def line_values(self) -> dict[int, Any]:
        return {line.number: self.cleaned_data[f"line_{line.number}"]  # type: ignore[attr-defined]
                for line in self.lines}


class ReallocateForm(_LinesMixin, OnceOnlyFormMixin, forms.Form):
    prefix = "reallocate"
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, award: Award, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_lines(award)
        self.order_fields([*(f"line_{ln.number}" for ln in self.lines), "reason"])


class ExtendForm(OnceOnlyFormMixin, forms.Form):
    prefix = "extend"
    period_end = forms.DateField(label=gettext_lazy("New end of the award period"), widget=DateInput)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AmountForm(_LinesMixin, OnceOnlyFormMixin, forms.Form):
    prefix = "amount"
    amount = MoneyAmountField(label=gettext_lazy("New award amount (USD)"))
    board_item = forms.TypedChoiceField(
        label=gettext_lazy("Board motion approving an increase"), coerce=int, required=False, empty_value=None,
        help_text=gettext_lazy("Needed when the amount goes up."))
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, award: Award, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_lines(award)
        self.fields["amount"].initial = award.amount.amount
        items = (AgendaItem.objects.filter(meeting__body__ach_id=award.fund.ach_id, outcome=VoteOutcome.PASSED)
                 .select_related("meeting").order_by("-meeting__scheduled_at", "number"))
        choices = [(i.pk, f"{i.meeting}, {i.number}. {i.title}")
                   for i in items]
        field_of(self, "board_item", forms.ChoiceField).choices = [("", "—"), *choices]
        self.order_fields(["amount", *(f"line_{ln.number}" for ln in self.lines), "board_item", "reason"])


class CloseoutForm(OnceOnlyFormMixin, forms.Form):
    prefix = "closeout"


# --------------------------------------------------------------------------- board


def _body(request: AuthenticatedRequest, pk: int) -> GoverningBody:
    return access.get_object_or_404(request.user, "change", GoverningBody.objects.select_related("ach"), pk=pk)


def _board_members(body: GoverningBody) -> list[tuple[int, str]]:
    members = (Membership.objects.filter(organization_id=body.ach_id, role__in=BOARD_ROLES, is_active=True)
               .select_related("user").order_by("user__last_name", "user_id"))
    seen: dict[int, str] = {}
    for m in members:
        seen.setdefault(m.user_id, str(m.user))
    return list(seen.items())


def bodies_to_manage(request: AuthenticatedRequest) -> list[GoverningBody]:
    """The governing bodies the person administers (links on the meetings list); no query for others."""
    if not (access.is_site_admin(request.user) or access.organizations_with_role(request.user, Role.FUND_ADMIN)):
        return []
    return list(access.scoped(request.user, "change", GoverningBody.objects.order_by("name")))


@login_required
@require_GET
def body_list(request: AuthenticatedRequest) -> HttpResponse:
    """The governing bodies the fund administrator manages, with their seats and meetings."""
    return render(request, "grants/body_list.html", {"bodies": bodies_to_manage(request)})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Schedule a meeting of a governing body (the fund administrator of its ACH)."""
    body = _body(request, pk)
    status = 200
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            def action() -> str:
                meeting = services.meeting_schedule(actor=request.user, body=body, **{
                    k: form.cleaned_data[k] for k in ("title", "scheduled_at", "location")})
                return reverse("grants:meeting_detail", args=[meeting.pk])

            response = submit_form(request, form, action)
            if response is not None:
                return response
        status = 400
    else:
        form = MeetingForm()
    return render(request, "grants/meeting_form.html", {"body": body, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def seat_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The seats of a governing body, and a form to seat a member."""
    body = _body(request, pk)
    members = _board_members(body)
    status = 200
    if request.method == "POST":
        form = SeatForm(request.POST, members=members)
        if form.is_valid():
            member = User.objects.get(pk=form.cleaned_data["member"])

            def action() -> str:
                d = form.cleaned_data
                services.seat_add(actor=request.user, body=body, member=member, seated_on=d["seated_on"],
                                  is_chair=d["is_chair"], is_voting=d["is_voting"], title=d["title"])
                return reverse("grants:seat_list", args=[body.pk])

            response = submit_form(request, form, action)
            if response is not None:
                return response
        status = 400
    else:
        form = SeatForm(members=members)
    seats = body.seats.select_related("member")
    return render(request, "grants/seat_list.html", {"body": body, "seats": seats, "form": form}, status=status)


# --------------------------------------------------------------------------- awards


def award_manage_context(request: AuthenticatedRequest, award: Award, **forms_: Any) -> dict[str, Any]:
    """Amendment and close-out forms and the history, for the fund administrator of the award's ACH."""
    if not access.can(request.user, "change", award):
        return {}
    history = selectors.award_history(user=request.user, pk=award.pk)
    labels = {"award": _("Awarded"), "payment": _("Payment"), "closed": _("Closed out")}
    for event in history:
        kind = event["kind"]
        event["label"] = (choice_label(AmendmentKind.choices, kind.split(":", 1)[1]) if kind.startswith("amendment:")
                          else labels.get(kind, kind))
    context: dict[str, Any] = {"history": history}
    if award.status == "accepted":
        context |= {
            "reallocate_form": forms_.get("reallocate_form") or ReallocateForm(award=award),
            "extend_form": forms_.get("extend_form") or ExtendForm(),
            "amount_form": forms_.get("amount_form") or AmountForm(award=award),
            "closeout_form": forms_.get("closeout_form") or CloseoutForm(),
        }
    return context


def award_page_context(request: AuthenticatedRequest, award: Award, **forms_: Any) -> dict[str, Any]:
    """Everything the award page shows (its status codes with their labels)."""
    from .postaward import award_admin_context
    from .priorities import award_voice_context

    detail = selectors.award_with_schedule(award=award)
    for t in detail.get("tranches", []):
        t["status_label"] = choice_label(TrancheStatus.choices, t["status"])
    reports = selectors.reports_visible(user=request.user, award=award)
    for r in reports:
        r["status_label"] = choice_label(ReportStatus.choices, r["status"])
    return ({"award": award, "detail": detail, "form": None, "reports": reports,
             "letter": document_panel(request, kind=ReportKind.AWARD_LETTER, subject=award)}
            | award_admin_context(request, award) | award_manage_context(request, award, **forms_)
            | award_voice_context(request, award, forms_.get("meeting_form")))


def _managed_award(request: AuthenticatedRequest, pk: int) -> Award:
    return access.get_object_or_404(request.user, "change", Award.objects.select_related("grantee", "fund"), pk=pk)


def _award_back(award: Award) -> str:
    return reverse("grants:award_detail", args=[award.pk])


def _award_errors(request: AuthenticatedRequest, award: Award, **forms_: Any) -> HttpResponse:
    award.refresh_from_db()
    return render(request, "grants/award_detail.html", award_page_context(request, award, **forms_), status=400)


@login_required
@require_POST
def award_reallocate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    award = _managed_award(request, pk)
    form = ReallocateForm(request.POST, award=award)
    if form.is_valid():
        def action() -> str:
            services.amendment_reallocate(actor=request.user, award=award, lines=form.line_values(),
                                          reason=form.cleaned_data["reason"])
            return _award_back(award)

        response = submit_form(request, form, action, general=GENERAL)
        if response is not None:
            return response
    return _award_errors(request, award, reallocate_form=form)


@login_required
@require_POST
def award_extend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    award = _managed_award(request, pk)
    form = ExtendForm(request.POST)
    if form.is_valid():
        def action() -> str:
            services.amendment_extend(actor=request.user, award=award, period_end=form.cleaned_data["period_end"],
                                      reason=form.cleaned_data["reason"])
            return _award_back(award)

        response = submit_form(request, form, action, general=GENERAL)
        if response is not None:
            return response
    return _award_errors(request, award, extend_form=form)


@login_required
@require_POST
def award_change_amount(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    award = _managed_award(request, pk)
    form = AmountForm(request.POST, award=award)
    if form.is_valid():
        item_pk = form.cleaned_data["board_item"]

        def action() -> str:
            item = AgendaItem.objects.get(pk=item_pk) if item_pk else None
            services.amendment_change_amount(actor=request.user, award=award, amount=form.cleaned_data["amount"],
                                             lines=form.line_values(), reason=form.cleaned_data["reason"],
                                             board_item=item)
            return _award_back(award)

        response = submit_form(request, form, action, general=GENERAL)
        if response is not None:
            return response
    return _award_errors(request, award, amount_form=form)


@login_required
@require_POST
def award_closeout(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Close the award out; the service refuses (shown beside the button) until the final report is accepted."""
    award = _managed_award(request, pk)
    form = CloseoutForm(request.POST)
    if form.is_valid():
        def action() -> str:
            services.award_closeout(actor=request.user, award=award)
            return _award_back(award)

        response = submit_form(request, form, action, general=GENERAL)
        if response is not None:
            return response
    return _award_errors(request, award, closeout_form=form)
