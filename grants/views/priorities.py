"""The fund's staff pages for community health plan (CHIP) priorities and advisory meetings.

* ``opportunity_priorities`` / ``award_priorities``: the CHIP priorities a call for proposals or
  an award serves, with a form to tag one (only priorities of a CHIP covering a county the record
  serves are offered; the service refuses any other) and a button to remove each tag. Reached
  from the opportunity page and the award page; the fund's ACH staff see it, its fund
  administrators change it (``grants.services.priorities``).
* ``award_meetings``: the advisory meetings where an award was discussed, linked and unlinked from
  the award page (``grants.services.advisory``); a refusal is shown on the award page beside the
  field, nothing written.

A record outside the user's scope is a 404, the same as one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from community.forms import MeetingLinkForm, PriorityTagForm
from community.selectors import meetings_held_by, priorities_for_counties
from organizations import access
from web.actions import submit_form
from web.requests import AuthenticatedRequest
from web.scoping import posted_row

from ..access import ACH_READERS
from ..models import Award, AwardMeeting, FundingOpportunity, GrantPriorityTag
from ..services import advisory
from ..services import priorities as tagging


def _staff_only(request: AuthenticatedRequest, target: FundingOpportunity | Award) -> None:
    """The fund's ACH staff only (a grantee who sees its award, or anyone who sees an open call, does not)."""
    if not access.has_role(request.user, target.fund.ach, *ACH_READERS):
        raise Http404("Not found")


def _carrier() -> forms.Form:
    """An empty, valid form that only carries a service's refusal (buttons without fields)."""
    form = forms.Form(data={})
    form.is_valid()
    return form


def _priorities_page(request: AuthenticatedRequest, target: FundingOpportunity | Award, *, here: str,
                     back: str, heading: Any, tags: QuerySet[GrantPriorityTag]) -> HttpResponse:
    _staff_only(request, target)
    can_change = access.can(request.user, "change", target)
    removing = request.method == "POST" and request.POST.get("form") == "remove"
    form = PriorityTagForm(request.POST if request.method == "POST" and not removing else None,
                           priorities=priorities_for_counties(tagging.counties_served(target)))
    if request.method == "POST":
        if not can_change:
            raise Http404("Not found")
        if removing:
            tag = posted_row(request, "tag", tags)

            def untag() -> str:
                tagging.grant_priority_untag(actor=request.user, tag=tag)
                return here

            response = submit_form(request, _carrier(), untag, general=True, success=_("The priority was removed."))
            if response is not None:
                return response
        elif form.is_valid():
            priority = form.cleaned_data["priority"]

            def tag_it() -> str:
                if isinstance(target, Award):
                    tagging.award_priority_tag(actor=request.user, award=target, priority=priority)
                else:
                    tagging.opportunity_priority_tag(actor=request.user, opportunity=target, priority=priority)
                return here

            response = submit_form(request, form, tag_it, success=_("The priority was tagged."))
            if response is not None:
                return response
    return render(request, "grants/tag_priorities.html", {
        "subject": target, "heading": heading, "back": back, "can_change": can_change, "form": form,
        "tags": tags.select_related("priority__health_plan").order_by("priority__health_plan__title",
                                                                       "priority__position", "id"),
        "counties": tagging.counties_served(target)}, status=400 if form.is_bound and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_priorities(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    opportunity = access.get_object_or_404(request.user, "view", FundingOpportunity.objects.select_related("fund"),
                                           pk=pk)
    return _priorities_page(request, opportunity, here=reverse("grants:opportunity_priorities", args=[pk]),
                            back=reverse("grants:opportunity_detail", args=[pk]),
                            heading=_("CHIP priorities of a call for proposals"),
                            tags=GrantPriorityTag.objects.filter(opportunity=opportunity))


@login_required
@require_http_methods(["GET", "POST"])
def award_priorities(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    award = access.get_object_or_404(request.user, "view", Award.objects.select_related("fund", "grantee"), pk=pk)
    return _priorities_page(request, award, here=reverse("grants:award_priorities", args=[pk]),
                            back=reverse("grants:award_detail", args=[pk]), heading=_("CHIP priorities of an award"),
                            tags=GrantPriorityTag.objects.filter(award=award))


def award_voice_context(request: AuthenticatedRequest, award: Award,
                        meeting_form: MeetingLinkForm | None = None) -> dict[str, Any]:
    """The award page's "CHIP priorities" and "Discussed at" sections (the fund's ACH staff only)."""
    if not access.has_role(request.user, award.fund.ach, *ACH_READERS):
        return {}
    can_change = access.can(request.user, "change", award)
    if can_change and meeting_form is None:
        meeting_form = MeetingLinkForm(prefix="meeting", meetings=meetings_held_by(award.fund.ach))
    return {
        "chip_tags": GrantPriorityTag.objects.filter(award=award).select_related("priority__health_plan")
        .order_by("priority__health_plan__title", "priority__position", "id"),
        "opportunity_tags": GrantPriorityTag.objects.filter(opportunity_id=award.application.opportunity_id)
        .select_related("priority__health_plan").order_by("priority__health_plan__title", "priority__position"),
        "discussed_section": True, "can_link_meetings": can_change, "meeting_form": meeting_form,
        "discussed": AwardMeeting.objects.filter(award=award).select_related("meeting__body")
        .order_by("-meeting__meets_on", "-id"),
    }


def opportunity_voice_context(request: AuthenticatedRequest, opportunity: FundingOpportunity) -> dict[str, Any]:
    """The opportunity page's "CHIP priorities" section (the fund's ACH staff only)."""
    if not access.has_role(request.user, opportunity.fund.ach, *ACH_READERS):
        return {}
    return {"chip_section": True, "chip_tags": GrantPriorityTag.objects.filter(opportunity=opportunity)
            .select_related("priority__health_plan").order_by("priority__health_plan__title", "priority__position")}


@login_required
@require_POST
def award_meetings(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Link (``form=meeting``) or unlink (``form=unlink``) an advisory meeting where the award was discussed."""
    award = access.get_object_or_404(request.user, "change", Award.objects.select_related("fund", "grantee"), pk=pk)
    here = reverse("grants:award_detail", args=[award.pk])
    if request.POST.get("form") == "unlink":
        link = posted_row(request, "link", AwardMeeting.objects.filter(award=award))

        def unlink() -> str:
            advisory.award_meeting_unlink(actor=request.user, link=link)
            return here

        response = submit_form(request, _carrier(), unlink, general=True, success=_("The meeting was unlinked."))
        if response is not None:
            return response
        raise Http404("Not found")
    form = MeetingLinkForm(request.POST, prefix="meeting", meetings=meetings_held_by(award.fund.ach))
    if form.is_valid():
        def link_it() -> str:
            advisory.award_meeting_link(actor=request.user, award=award, meeting=form.cleaned_data["meeting"])
            return here

        response = submit_form(request, form, link_it, success=_("The meeting was linked."))
        if response is not None:
            return response
    from .manage import award_page_context

    return render(request, "grants/award_detail.html", award_page_context(request, award, meeting_form=form),
                  status=400)
