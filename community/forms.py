"""Forms of the community pages: they parse input only; the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import County
from reinvestment.models import SocialDriverDomain
from web.money import MoneyAmountField

from .models import (
    AdvisoryBodyType,
    AdvisoryMeeting,
    AdvisoryMember,
    Constituency,
    Decision,
    HealthPriority,
)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class BodyForm(forms.Form):
    body_type = forms.ModelChoiceField(label=_("Kind of body"), queryset=AdvisoryBodyType.objects.all())
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.SlugField(label=_("Address of the public page"), max_length=60,
                           help_text=_("Lowercase letters, digits and hyphens, e.g. golden-valley-cac."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    email = forms.EmailField(label=_("E-mail (never shown publicly)"), required=False)
    constituency = forms.ModelChoiceField(label=_("Represents"), queryset=Constituency.objects.all())
    joined_on = forms.DateField(label=_("Joined on"), widget=forms.DateInput(attrs={"type": "date"}))
    name_public = forms.BooleanField(label=_("Agrees to be named on the public page"), required=False)


class MeetingForm(forms.Form):
    meets_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    location = forms.CharField(label=_("Place or how to join"), max_length=255, required=False)
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                             help_text=_("Posted publicly as soon as it is saved."))
    topics = forms.CharField(label=_("Topics (one a line)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def topic_list(self) -> list[str]:
        return _lines(self.cleaned_data.get("topics", ""))


class AgendaForm(forms.Form):
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 6}))
    topics = forms.CharField(label=_("Topics (one a line)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def topic_list(self) -> list[str]:
        return _lines(self.cleaned_data.get("topics", ""))


class RecordMeetingForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 8}))
    notes_file = forms.FileField(label=_("Notes as a file (optional)"), required=False)
    attendees = forms.ModelMultipleChoiceField(label=_("Members present"), required=False,
                                               queryset=AdvisoryMember.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)
    public_attendees = forms.IntegerField(label=_("Members of the public present"), min_value=0, initial=0)

    def __init__(self, *args: Any, meeting: AdvisoryMeeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attendees"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = AdvisoryMember.objects.filter(body=meeting.body).order_by("name")


class PriorityTagForm(forms.Form):
    priority = forms.ModelChoiceField(label=_("CHIP priority"), queryset=HealthPriority.objects.none())

    def __init__(self, *args: Any, priorities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["priority"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = priorities
        field.label_from_instance = lambda obj: f"{obj.health_plan.title}: {obj.title}"  # type: ignore[method-assign]


class ReinvestmentPlanForm(forms.Form):
    income_year = forms.IntegerField(label=_("Income year"), min_value=1990, max_value=2200)
    narrative = forms.CharField(label=_("Narrative"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class PlanLineForm(forms.Form):
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.none())
    domain = forms.ChoiceField(label=_("Social-driver domain"), choices=SocialDriverDomain.choices)
    priority = forms.ModelChoiceField(label=_("CHIP priority"), queryset=HealthPriority.objects.none(), required=False)
    description = forms.CharField(label=_("What it pays for"), max_length=255)
    amount = MoneyAmountField(label=_("Amount"))

    def __init__(self, *args: Any, counties: Any, priorities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county = self.fields["county"]
        priority = self.fields["priority"]
        assert isinstance(county, forms.ModelChoiceField) and isinstance(priority, forms.ModelChoiceField)
        county.queryset = counties
        priority.queryset = priorities
        priority.label_from_instance = lambda obj: f"{obj.health_plan.title}: {obj.title}"  # type: ignore[method-assign]


class PlanMeetingsForm(forms.Form):
    narrative = forms.CharField(label=_("Narrative"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    meetings = forms.ModelMultipleChoiceField(label=_("Advisory meetings behind the plan"), required=False,
                                              queryset=AdvisoryMeeting.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["meetings"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = meetings


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    comments = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("Required when returning the plan."))
