"""Forms of the community pages: they parse input only; the services decide what is valid."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.dates import date_words
from organizations.models import County
from reinvestment.models import SocialDriverDomain
from web.money import MoneyAmountField

from .models import (
    AdvisoryBodyType,
    AdvisoryMeeting,
    AdvisoryMember,
    Constituency,
    Decision,
    EquityDimension,
    HealthPriority,
    OutcomeMeasure,
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


class OutcomeDimensionForm(forms.Form):
    """Step one of recording outcomes: which equity dimension (the categories follow from it)."""

    dimension = forms.ChoiceField(label=_("Equity dimension"))

    def __init__(self, *args: Any, dimensions: Sequence[EquityDimension], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dimension"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(d.code, d.name) for d in dimensions]


class OutcomesForm(forms.Form):
    """One dimension of a measure for a period: a count, and a denominator when the measure is a rate,
    per category of the dimension (labelled by name; categories left empty are not recorded)."""

    measure = forms.ModelChoiceField(label=_("Measure"), queryset=OutcomeMeasure.objects.all())
    period_start = forms.DateField(label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period to"), widget=forms.DateInput(attrs={"type": "date"}))
    dimension = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, dimension: EquityDimension, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["dimension"] = dimension.code
        super().__init__(*args, **kwargs)
        self.categories = list(dimension.categories.all())
        for i, category in enumerate(self.categories):
            self.fields[f"count_{i}"] = forms.IntegerField(
                label=_("%(c)s: count") % {"c": category.name}, required=False, min_value=0, max_value=2_000_000_000)
            self.fields[f"denominator_{i}"] = forms.IntegerField(
                label=_("%(c)s: of how many (for a rate)") % {"c": category.name}, required=False, min_value=0,
                max_value=2_000_000_000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i, category in enumerate(self.categories):
            count, denominator = data.get(f"count_{i}"), data.get(f"denominator_{i}")
            if denominator is not None and count is None:
                self.add_error(f"count_{i}", _("Give the count of %(c)s too.") % {"c": category.name})
            elif count is not None and denominator is not None and count > denominator:
                self.add_error(f"denominator_{i}", _("The count of %(c)s exceeds its denominator.")
                               % {"c": category.name})
        if not any(data.get(f"count_{i}") is not None for i in range(len(self.categories))) and not self.errors:
            raise forms.ValidationError(_("Give at least one category with its count."))
        return data

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """(category code -> count, category code -> denominator) of the categories filled in."""
        counts: dict[str, int] = {}
        denominators: dict[str, int] = {}
        for i, category in enumerate(self.categories):
            count, denominator = self.cleaned_data.get(f"count_{i}"), self.cleaned_data.get(f"denominator_{i}")
            if count is not None:
                counts[category.code] = count
            if denominator is not None:
                denominators[category.code] = denominator
        return counts, denominators


class MeetingLinkForm(forms.Form):
    """The advisory meeting where a record was discussed (the meetings offered: held ones of the
    record's organization)."""

    meeting = forms.ModelChoiceField(label=_("Advisory meeting"), queryset=AdvisoryMeeting.objects.none())

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["meeting"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = meetings
        field.label_from_instance = lambda obj: f"{obj.body.name}: {date_words(obj.meets_on)}"  # type: ignore[method-assign]


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
