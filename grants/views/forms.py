"""Forms of the grants pages: they parse what a person typed, the services decide the rest."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from community.selectors import category_codes
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
#: The most criteria a call's rubric holds on the page.
RUBRIC_MAX_ROWS = 20


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
    """A new or draft call for proposals. The rubric is rows of fields (name, weight, highest
    score; ``rows`` of them, added and removed with the page's buttons); questions and metrics
    are typed one per line, parts split by ``|``."""

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
    questions = forms.CharField(
        label=_("Eligibility questions"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One yes/no question per line: question | disqualifying answer (yes, no or empty)"))
    metrics = forms.CharField(
        label=_("Results to report"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: code | label | unit, e.g. participants | Participants | people"))
    frequency_months = forms.IntegerField(label=_("Months between progress reports"), min_value=1, max_value=12,
                                          initial=6)

    def __init__(self, *args: Any, fund: Any, rows: int = 3, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fund = fund
        self.rows = max(1, min(rows, RUBRIC_MAX_ROWS))
        for n in range(1, self.rows + 1):
            self.fields[f"criterion_{n}_name"] = forms.CharField(
                label=_("Criterion %(n)s: name") % {"n": n}, max_length=255, required=False)
            self.fields[f"criterion_{n}_weight"] = forms.DecimalField(
                label=_("Criterion %(n)s: weight") % {"n": n}, required=False, min_value=Decimal("0.01"),
                max_digits=6, decimal_places=2, localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "usa-input usa-input--small"}))
            self.fields[f"criterion_{n}_max"] = forms.IntegerField(
                label=_("Criterion %(n)s: highest score") % {"n": n}, required=False, min_value=1, max_value=100,
                widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small"}))
        field_of(self, "restriction", forms.ChoiceField).choices = [
            (str(r.pk), f"{r.name} ({r.code})") for r in fund.restrictions.order_by("code")]
        field_of(self, "counties", forms.ModelMultipleChoiceField).queryset = fund.counties.order_by("name")

    def rubric_rows(self) -> list[tuple[int, list[forms.BoundField]]]:
        return [(n, [self[f"criterion_{n}_{part}"] for part in ("name", "weight", "max")])
                for n in range(1, self.rows + 1)]

    def main_fields(self) -> list[forms.BoundField]:
        """Every field but the rubric rows and the token, in the order declared."""
        return [self[name] for name in self.fields if not name.startswith("criterion_") and name != "form_token"]

    def clean(self) -> dict[str, Any]:
        """Each rubric row filled in completely or left empty; at least one criterion."""
        cleaned = super().clean() or {}
        rubric = []
        for n in range(1, self.rows + 1):
            parts = {part: cleaned.get(f"criterion_{n}_{part}") for part in ("name", "weight", "max")}
            typed = {part for part in parts if self.data.get(self.add_prefix(f"criterion_{n}_{part}"), "").strip()}
            if not typed:
                continue
            for part in ("name", "weight", "max"):
                if part not in typed:
                    self.add_error(f"criterion_{n}_{part}", _("Fill in the whole row, or leave it empty."))
            if all(parts[p] not in (None, "") for p in parts):
                rubric.append({"name": parts["name"], "weight": parts["weight"], "scale_min": 0,
                               "scale_max": parts["max"]})
        if not rubric and not any(f.startswith("criterion_") for f in self.errors):
            self.add_error("criterion_1_name", _("Give at least one criterion of the scoring rubric."))
        cleaned["rubric"] = rubric
        return cleaned

    def hold_rows(self) -> None:
        """Show the bound values without checking them (the page only added or removed a row)."""
        self._errors = ErrorDict()
        self.cleaned_data = {}

    @classmethod
    def rows_after(cls, data: Any, *, add: bool, remove: int | None) -> tuple[Any, int]:
        """The posted values with one empty row added, or row ``remove`` taken out (later rows move up)."""
        rows = cls.rows_in(data)
        copy = data.copy()
        if add:
            return copy, min(rows + 1, RUBRIC_MAX_ROWS)
        if remove is not None and 1 <= remove <= rows and rows > 1:
            for n in range(remove, rows):
                for part in ("name", "weight", "max"):
                    copy[f"criterion_{n}_{part}"] = data.get(f"criterion_{n + 1}_{part}", "")
            for part in ("name", "weight", "max"):
                copy.pop(f"criterion_{rows}_{part}", None)
            return copy, rows - 1
        return copy, rows

    @staticmethod
    def rows_in(data: Any) -> int:
        """How many rubric rows a post carries (at least one, at most ``RUBRIC_MAX_ROWS``)."""
        try:
            return max(1, min(int(data.get("rubric_rows", "3")), RUBRIC_MAX_ROWS))
        except (TypeError, ValueError):
            return 3

    @classmethod
    def initial_for(cls, opportunity: Any) -> tuple[dict[str, Any], int]:
        """The form's values from a saved draft call, and how many rubric rows it needs."""
        template = opportunity.reporting_template
        initial: dict[str, Any] = {
            "restriction": str(opportunity.restriction_id), "title": opportunity.title,
            "description": opportunity.description, "total_budget": opportunity.total_budget.amount,
            "award_min": opportunity.award_min.amount, "award_max": opportunity.award_max.amount,
            "opens_at": opportunity.opens_at, "closes_at": opportunity.closes_at,
            "counties": list(opportunity.counties.all()), "domains": list(opportunity.domains),
            "questions": "\n".join(
                f"{q.text} | {q.disqualifying_answers[0] if q.disqualifying_answers else ''}".rstrip(" |")
                for q in opportunity.eligibility_questions.order_by("number")),
            "metrics": "\n".join(f"{m['code']} | {m.get('label', '')} | {m.get('unit', '')}"
                                 for m in template.metrics),
            "frequency_months": template.frequency_months,
        }
        criteria = list(opportunity.rubric.order_by("number"))
        for c in criteria:
            initial[f"criterion_{c.number}_name"] = c.name
            initial[f"criterion_{c.number}_weight"] = c.weight
            initial[f"criterion_{c.number}_max"] = c.scale_max
        return initial, max(len(criteria), 1)

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
                          "demographics": ["county", *category_codes()]},
        }


class AttachmentForm(OnceOnlyFormMixin, forms.Form):
    """A file attached to a draft application. What the file may be (type from its content, size
    within the call's limit, not empty) is decided by ``grants.services.application_attach``, the
    same function the API calls; ``content`` reads at most one byte more than the limit, so a
    file too large is refused without reading all of it."""

    prefix = "attachment"
    label = forms.CharField(label=_("What the file is"), max_length=255,
                            help_text=_("For example: budget narrative, letter of support."))
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word (DOCX), Excel (XLSX), PNG or JPEG."))

    def content(self, limit: int) -> bytes:
        upload = self.cleaned_data["file"]
        upload.seek(0)
        data: bytes = upload.read(limit + 1)
        return data
