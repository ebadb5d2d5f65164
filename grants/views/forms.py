"""Forms of the grants pages: they parse what a person typed, the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import County
from web.forms import field_of
from web.money import MoneyAmountField
from web.once import OnceOnlyFormMixin

from ..models import (
    ApplicationStatus,
    BallotChoice,
    BudgetCategory,
    FundingOpportunity,
    SocialDriverDomain,
)

#: How many budget rows the application form offers (empty rows are ignored).
BUDGET_ROWS = 6


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ActionForm(OnceOnlyFormMixin, forms.Form):
    """A button that does one thing (open, close, submit...): only the once-only token.

    Rendered without an ``id`` so several buttons can share a page.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", False)
        super().__init__(*args, **kwargs)


class ApplicationForm(OnceOnlyFormMixin, forms.Form):
    """The application of a CBO to one call: every field optional while a draft."""

    contact_name = forms.CharField(label=_("Contact name"), max_length=255, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    project_title = forms.CharField(label=_("Project title"), max_length=255, required=False)
    project_summary = forms.CharField(label=_("Project summary"), widget=forms.Textarea(attrs={"rows": 4}),
                                      required=False)
    requested_amount = MoneyAmountField(label=_("Amount requested (USD)"), required=False,
                                        help_text=_("For example 25,000.00"))
    period_start = forms.DateField(label=_("Project start"), widget=DateInput, required=False)
    period_end = forms.DateField(label=_("Project end"), widget=DateInput, required=False)
    counties = forms.ModelMultipleChoiceField(label=_("Counties served"), queryset=County.objects.none(),
                                              widget=forms.CheckboxSelectMultiple, required=False)
    domains = forms.MultipleChoiceField(label=_("Social-driver domains"), choices=(),
                                        widget=forms.CheckboxSelectMultiple, required=False)
    target_populations = forms.CharField(label=_("Who the project serves"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, opportunity: FundingOpportunity, autosave: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if autosave:  # saving a draft again is harmless: no once-only token
            del self.fields["form_token"]
        self.opportunity = opportunity
        call_counties = opportunity.counties.all()
        field_of(self, "counties", forms.ModelMultipleChoiceField).queryset = (
            call_counties if call_counties.exists() else County.objects.all()
        ).order_by("name")
        domain_labels = dict(SocialDriverDomain.choices)
        allowed = opportunity.domains or list(domain_labels)
        field_of(self, "domains", forms.ChoiceField).choices = [(d, domain_labels.get(d, d)) for d in allowed]
        self.questions = list(opportunity.eligibility_questions.order_by("number"))
        for q in self.questions:
            self.fields[f"question_{q.number}"] = forms.ChoiceField(
                label=q.text, required=False, widget=forms.RadioSelect,
                choices=[(c, _(c.capitalize())) for c in q.answer_choices],
            )
        for n in range(1, BUDGET_ROWS + 1):
            self.fields[f"line_{n}_category"] = forms.ChoiceField(
                label=_("Line %(n)s: category") % {"n": n}, required=False,
                choices=[("", "—")] + list(BudgetCategory.choices),
            )
            self.fields[f"line_{n}_description"] = forms.CharField(
                label=_("Line %(n)s: description") % {"n": n}, required=False, max_length=255)
            self.fields[f"line_{n}_amount"] = MoneyAmountField(
                label=_("Line %(n)s: amount (USD)") % {"n": n}, required=False)

    @classmethod
    def initial_for(cls, application: Any) -> dict[str, Any]:
        """The form's values from a saved application (its budget lines in order)."""
        initial: dict[str, Any] = {
            name: getattr(application, name)
            for name in ("contact_name", "contact_email", "contact_phone", "project_title", "project_summary",
                         "period_start", "period_end", "target_populations")
        }
        initial["requested_amount"] = (application.requested_amount.amount
                                       if application.requested_amount is not None else None)
        initial["counties"] = list(application.counties.all())
        initial["domains"] = list(application.domains)
        for key, value in (application.eligibility_answers or {}).items():
            initial[f"question_{key}"] = value
        for line in application.budget_lines.order_by("number")[:BUDGET_ROWS]:
            n = line.number
            initial[f"line_{n}_category"] = line.category
            initial[f"line_{n}_description"] = line.description
            initial[f"line_{n}_amount"] = line.amount.amount
        return initial

    def budget_rows(self) -> list[list[forms.BoundField]]:
        return [[self[f"line_{n}_{part}"] for part in ("category", "description", "amount")]
                for n in range(1, BUDGET_ROWS + 1)]

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"question_{q.number}"] for q in self.questions]

    def main_fields(self) -> list[forms.BoundField]:
        names = ("contact_name", "contact_email", "contact_phone", "project_title", "project_summary",
                 "requested_amount", "period_start", "period_end", "counties", "domains", "target_populations")
        return [self[name] for name in names]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for n in range(1, BUDGET_ROWS + 1):
            parts = [data.get(f"line_{n}_{p}") for p in ("category", "description", "amount")]
            if any(parts) and not all(parts):
                for p, value in zip(("category", "description", "amount"), parts, strict=True):
                    if not value:
                        self.add_error(f"line_{n}_{p}", _("Fill in the whole line, or clear it."))
        return data

    def service_values(self) -> dict[str, Any]:
        """Keyword arguments for ``application_start`` / ``application_save_draft``."""
        d = self.cleaned_data
        values: dict[str, Any] = {
            name: d.get(name) or ""
            for name in ("contact_name", "contact_email", "contact_phone", "project_title", "project_summary",
                         "target_populations")
        }
        values["requested_amount"] = d.get("requested_amount")
        values["period_start"] = d.get("period_start")
        values["period_end"] = d.get("period_end")
        values["domains"] = list(d.get("domains") or [])
        values["eligibility_answers"] = {
            str(q.number): d[f"question_{q.number}"] for q in self.questions if d.get(f"question_{q.number}")
        }
        values["counties"] = list(d.get("counties") or [])
        values["budget_lines"] = [
            {"category": d[f"line_{n}_category"], "description": d[f"line_{n}_description"],
             "amount": d[f"line_{n}_amount"]}
            for n in range(1, BUDGET_ROWS + 1) if d.get(f"line_{n}_amount")
        ]
        return values


class ApplicationFilter(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status"))] + list(ApplicationStatus.choices))


class AcceptAwardForm(OnceOnlyFormMixin, forms.Form):
    accepted_name = forms.CharField(label=_("Your full name"), max_length=255, required=False)
    accepted_title = forms.CharField(label=_("Your title"), max_length=255, required=False)
    agree = forms.BooleanField(label=_("I accept the terms and conditions of this award."), required=True,
                               error_messages={"required": _("Tick the box to accept the terms.")})


class BallotForm(OnceOnlyFormMixin, forms.Form):
    prefix = "ballot"
    choice = forms.ChoiceField(label=_("Your vote"), choices=BallotChoice.choices, widget=forms.RadioSelect)


class RecusalForm(OnceOnlyFormMixin, forms.Form):
    prefix = "recuse"
    reason = forms.CharField(label=_("Reason for recusal"), max_length=500)


class OpenVoteForm(OnceOnlyFormMixin, forms.Form):
    prefix = "open"
    mover = forms.ChoiceField(label=_("Moved by"))
    seconder = forms.ChoiceField(label=_("Seconded by"))

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(str(pk), name) for pk, name in members]
        field_of(self, "mover", forms.ChoiceField).choices = choices
        field_of(self, "seconder", forms.ChoiceField).choices = choices


class ConflictForm(OnceOnlyFormMixin, forms.Form):
    prefix = "conflict"
    reason = forms.CharField(label=_("Describe the conflict of interest"), max_length=500)


class ReviewForm(OnceOnlyFormMixin, forms.Form):
    comment = forms.CharField(label=_("Overall comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, criteria: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"score_{c.number}"] = forms.TypedChoiceField(
                label=f"{c.number}. {c.name}", coerce=int, widget=forms.RadioSelect,
                choices=[(str(v), str(v)) for v in range(c.scale_min, c.scale_max + 1)],
                help_text=c.description,
            )
            self.fields[f"comment_{c.number}"] = forms.CharField(
                label=_("Comment on %(name)s") % {"name": c.name}, required=False,
                widget=forms.Textarea(attrs={"rows": 2}))

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"score_{c.number}"], self[f"comment_{c.number}"]) for c in self.criteria]

    def scores(self) -> dict[int, tuple[int, str]]:
        d = self.cleaned_data
        return {c.number: (d[f"score_{c.number}"], d.get(f"comment_{c.number}") or "") for c in self.criteria}


class AssignReviewerForm(OnceOnlyFormMixin, forms.Form):
    prefix = "assign"
    reviewer = forms.ChoiceField(label=_("Reviewer"))

    def __init__(self, *args: Any, reviewers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "reviewer", forms.ChoiceField).choices = [("", "—")] + [(str(pk), name) for pk, name in reviewers]


class RecommendForm(OnceOnlyFormMixin, forms.Form):
    prefix = "recommend"
    recommended = forms.TypedChoiceField(
        label=_("Recommendation"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("Recommend to the board")), ("no", _("Do not recommend"))])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AgendaForm(OnceOnlyFormMixin, forms.Form):
    prefix = "agenda"
    meeting = forms.ChoiceField(label=_("Meeting"))
    title = forms.CharField(label=_("Agenda item title"), max_length=255)
    amount = MoneyAmountField(label=_("Amount to approve (USD)"))
    motion = forms.CharField(label=_("Motion"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, meetings: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "meeting", forms.ChoiceField).choices = [("", "—")] + [(str(pk), label) for pk, label in meetings]


class AwardForm(OnceOnlyFormMixin, forms.Form):
    """An award from an approved decision, paid in one or two tranches (percent of the award)."""
    prefix = "award"

    amount = MoneyAmountField(label=_("Award amount (USD)"))
    period_start = forms.DateField(label=_("Award period start"), widget=DateInput)
    period_end = forms.DateField(label=_("Award period end"), widget=DateInput)
    first_percent = forms.DecimalField(label=_("First tranche (percent of the award)"), max_digits=5, decimal_places=2,
                                       initial="100")
    first_due = forms.DateField(label=_("First tranche due"), widget=DateInput)
    second_due = forms.DateField(label=_("Second tranche due (rest of the award; leave empty for one tranche)"),
                                 widget=DateInput, required=False)
    conditions = forms.CharField(label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def tranches(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        rows = [{"basis": "percent", "value": str(d["first_percent"]), "due_on": d["first_due"],
                 "requires_report": None}]
        if d.get("second_due"):
            rows.append({"basis": "percent", "value": str(100 - d["first_percent"]), "due_on": d["second_due"],
                         "requires_report": None})
        return rows


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _lines(text: str) -> list[list[str]]:
    return [[part.strip() for part in line.split("|")] for line in text.splitlines() if line.strip()]


class OpportunityForm(OnceOnlyFormMixin, forms.Form):
    """A new call for proposals. Rubric, questions and metrics are typed one per line, parts split by ``|``."""

    restriction = forms.ChoiceField(label=_("Restriction the awards are paid from"))
    title = forms.CharField(label=_("Title"), max_length=255)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    total_budget = MoneyAmountField(label=_("Total budget (USD)"))
    award_min = MoneyAmountField(label=_("Smallest award (USD)"))
    award_max = MoneyAmountField(label=_("Largest award (USD)"))
    opens_at = forms.DateTimeField(label=_("Opens at (Pacific time)"), widget=DateTimeInput,
                                   input_formats=["%Y-%m-%dT%H:%M"])
    closes_at = forms.DateTimeField(label=_("Closes at (Pacific time)"), widget=DateTimeInput,
                                    input_formats=["%Y-%m-%dT%H:%M"])
    counties = forms.ModelMultipleChoiceField(label=_("Counties"), queryset=County.objects.none(),
                                              widget=forms.CheckboxSelectMultiple, required=False)
    domains = forms.MultipleChoiceField(label=_("Social-driver domains"), choices=SocialDriverDomain.choices,
                                        widget=forms.CheckboxSelectMultiple, required=False)
    rubric = forms.CharField(
        label=_("Scoring rubric"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One criterion per line: name | weight | highest score, e.g. Community need | 40 | 5"))
    questions = forms.CharField(
        label=_("Eligibility questions"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One yes/no question per line: question | disqualifying answer (yes, no or empty)"))
    metrics = forms.CharField(
        label=_("Results to report"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: code | label | unit, e.g. participants | Participants | people"))
    frequency_months = forms.IntegerField(label=_("Months between progress reports"), min_value=1, max_value=12,
                                          initial=6)

    def __init__(self, *args: Any, fund: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fund = fund
        field_of(self, "restriction", forms.ChoiceField).choices = [
            (str(r.pk), f"{r.name} ({r.code})") for r in fund.restrictions.order_by("code")]
        field_of(self, "counties", forms.ModelMultipleChoiceField).queryset = fund.counties.order_by("name")

    def clean_rubric(self) -> list[dict[str, Any]]:
        rows = []
        for n, parts in enumerate(_lines(self.cleaned_data["rubric"]), start=1):
            if len(parts) != 3 or not parts[2].isdigit():
                raise forms.ValidationError(
                    _("Line %(n)s: write name | weight | highest score.") % {"n": n})
            rows.append({"name": parts[0], "weight": parts[1], "scale_min": 0, "scale_max": int(parts[2])})
        return rows

    def clean_questions(self) -> list[dict[str, Any]]:
        rows = []
        for n, parts in enumerate(_lines(self.cleaned_data["questions"]), start=1):
            bad = parts[1].lower() if len(parts) > 1 else ""
            if len(parts) > 2 or bad not in ("", "yes", "no"):
                raise forms.ValidationError(_("Line %(n)s: write question | yes, no or nothing.") % {"n": n})
            rows.append({"text": parts[0], "choices": ["yes", "no"], "disqualifying": [bad] if bad else []})
        return rows

    def clean_metrics(self) -> list[dict[str, str]]:
        rows = []
        for n, parts in enumerate(_lines(self.cleaned_data["metrics"]), start=1):
            if len(parts) != 3 or not all(parts):
                raise forms.ValidationError(_("Line %(n)s: write code | label | unit.") % {"n": n})
            rows.append({"code": parts[0], "label": parts[1], "unit": parts[2]})
        return rows

    def service_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "restriction": self.fund.restrictions.get(pk=d["restriction"]),
            "title": d["title"], "description": d["description"], "total_budget": d["total_budget"],
            "award_min": d["award_min"], "award_max": d["award_max"], "opens_at": d["opens_at"],
            "closes_at": d["closes_at"], "counties": list(d["counties"]), "domains": list(d["domains"]),
            "rubric": d["rubric"], "eligibility_questions": d["questions"],
            "reporting": {"frequency_months": d["frequency_months"], "metrics": d["metrics"],
                          "demographics": ["county", "race_ethnicity", "language", "age_band", "gender_identity"]},
        }
