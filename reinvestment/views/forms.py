"""The forms of the plan-finance pages: figures typed as text (never floats), choices from the data."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organizations.models import County, Organization, OrganizationKind
from web import once
from web.money import MoneyAmountField

from .. import selectors, services
from ..models import FinancialYearStatus, PlanFinancialYear, SocialDriverDomain


class YearFilter(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any"))] + list(FinancialYearStatus.choices))


class FiguresForm(forms.Form):
    """The figures of a financial year, typed as text (never floats)."""

    total_revenue = MoneyAmountField(label=_("Total revenue"), allow_zero=True)
    net_income = MoneyAmountField(label=_("Net income"), allow_zero=True, allow_negative=True,
                                  help_text=_("A loss is entered with a minus sign."))
    pretax_income = MoneyAmountField(label=_("Pre-tax income"), required=False, allow_zero=True,
                                     allow_negative=True)
    mlr_numerator = MoneyAmountField(label=_("MLR numerator"), required=False, allow_zero=True,
                                     help_text=_("Medical costs and quality improvement spending."))
    mlr_denominator = MoneyAmountField(label=_("MLR denominator"), required=False,
                                       help_text=_("Premium revenue net of taxes and fees."))
    gross_premium = MoneyAmountField(label=_("Gross premium"), required=False, allow_zero=True)
    quality_standards_met = forms.BooleanField(label=_("Met the minimum quality performance levels"),
                                               required=False, initial=True)
    quality_measures_missed = forms.CharField(
        label=_("Quality measures missed"), required=False,
        help_text=_("Codes of the measures missed, separated by commas."))

    def figures(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["quality_measures_missed"] = [
            c.strip() for c in (data.get("quality_measures_missed") or "").split(",") if c.strip()]
        return {k: data[k] for k in services.financials.FIGURES if k in data and k != "source_document"}


def policy_choices() -> list[tuple[str, str]]:
    codes: dict[str, str] = {}
    for p in selectors.policies_list():
        codes[p.code] = f"{p.code}: {p.name}"
    return [("", gettext("Do not compute yet")), *sorted(codes.items())]


class YearForm(once.OnceOnlyFormMixin, FiguresForm):
    income_year = forms.IntegerField(label=_("Income year"), min_value=1990, max_value=2200)
    source_document = forms.FileField(label=_("Audited financial statement"), required=False)
    policy = forms.ChoiceField(label=_("Compute the obligation under"), required=False)

    field_order = ["income_year", "total_revenue", "net_income"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["policy"]).choices = policy_choices()


class DocumentForm(once.OnceOnlyFormMixin, forms.Form):
    """The audited statement; what it may be (a PDF by its content, within the size limit) is
    decided by ``reinvestment.documents.statement_clean`` through the service, as for the API."""

    source_document = forms.FileField(label=_("Audited financial statement"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_document"].help_text = gettext("A PDF file, up to %(limit)s.") % {
            "limit": filesizeformat(settings.STATEMENT_MAX_BYTES)}


class ComputeForm(forms.Form):
    """Only the policies that apply to the year are offered (``selectors.applicable_policies``);
    none is chosen in advance."""

    policy = forms.ChoiceField(label=_("Policy"))

    def __init__(self, *args: Any, financial_year: PlanFinancialYear, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["policy"]).choices = [("", _("Choose a policy"))] + [
            (p.code, f"{p.code}: {p.name}") for p in selectors.applicable_policies(financial_year)]


class AmendForm(FiguresForm):
    reason = forms.CharField(label=_("Reason for the amendment"), widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["reason"]


class MemberMonthsForm(forms.Form):
    year = forms.IntegerField(label=_("Income year"), min_value=1990, max_value=2200)
    file = forms.FileField(label=_("CSV file"),
                           help_text=_("Columns: plan, county, month (YYYY-MM), member_months."))

    MAX_BYTES = 5 * 1024 * 1024  # 5 MB


class InvestmentFilter(forms.Form):
    income_year = forms.IntegerField(label=_("Income year"), required=False, min_value=1990, max_value=2200)
    domain = forms.ChoiceField(label=_("Domain"), required=False,
                               choices=[("", _("Any"))] + list(SocialDriverDomain.choices))


class InvestmentForm(once.OnceOnlyFormMixin, forms.Form):
    operated_by_plan = forms.BooleanField(
        label=_("The plan operates this program itself"), required=False,
        help_text=_("For example a vaccination van or a promotores program the plan runs. It is not a payment "
                    "to a community organization and never counts toward an equity-partner earmark."))
    payee = forms.ModelChoiceField(label=_("Paid to"), queryset=Organization.objects.none(), required=False,
                                   help_text=_("Leave empty when the plan operates the program itself."))
    purpose = forms.CharField(label=_("Purpose"), max_length=255)
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.none())
    domain = forms.ChoiceField(label=_("Social-driver domain"), choices=SocialDriverDomain.choices)
    paid_on = forms.DateField(label=_("Paid on"), help_text=_("YYYY-MM-DD"),
                              widget=forms.DateInput(attrs={"type": "date"}))
    amount = MoneyAmountField(label=_("Amount"))
    income_year = forms.IntegerField(label=_("Income year credited"), required=False, min_value=1990,
                                     max_value=2200, help_text=_("Leave empty to let the rule choose."))
    cha_chip_aligned = forms.BooleanField(label=_("Aligned with the local CHA/CHIP"), required=False)
    cac_consulted = forms.BooleanField(label=_("Community advisory committee consulted"), required=False)

    def __init__(self, *args: Any, plan: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        payee = cast(forms.ModelChoiceField, self.fields["payee"])
        payee.queryset = Organization.objects.filter(kind=OrganizationKind.CBO, is_active=True).order_by("legal_name")
        payee.label_from_instance = lambda o: o.legal_name  # type: ignore[method-assign,assignment]
        county = cast(forms.ModelChoiceField, self.fields["county"])
        county.queryset = County.objects.filter(state=plan.jurisdiction or "CA").order_by("name")
        county.label_from_instance = lambda c: c.name  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("operated_by_plan") and data.get("payee") is not None:
            self.add_error("payee", gettext("A program the plan operates itself has no other payee."))
        elif not data.get("operated_by_plan") and data.get("payee") is None and "payee" not in self.errors:
            self.add_error("payee", gettext("Name the community organization paid, or tick that the plan operates "
                                            "the program itself."))
        return data
