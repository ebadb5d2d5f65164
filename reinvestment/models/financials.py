"""Plan financials: the annual results and enrollment a reinvestment obligation is computed from.

A ``PlanFinancialYear`` moves draft -> submitted -> locked. A locked year never
changes in place: an *amendment* creates a new year row that ``supersedes`` it
(the old row becomes ``superseded``) and says why. On PostgreSQL a trigger
(migration 0003) refuses any change to a locked row other than marking it
superseded, from any client.
"""

import uuid
from typing import Any, ClassVar, Self

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from djmoney.models.fields import MoneyField


class FinancialYearStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("financial year status", "Submitted")
    LOCKED = "locked", _("Locked")
    SUPERSEDED = "superseded", _("Superseded by an amendment")


def financial_document_path(instance: "PlanFinancialYear", filename: str) -> str:
    """A random name (the uploader's file name is not kept; ``reinvestment.documents``)."""
    suffix = ".pdf" if filename.lower().endswith(".pdf") else ""
    return f"reinvestment/financials/{instance.plan_id}/{instance.income_year}/{uuid.uuid4().hex}{suffix}"


class PlanFinancialYear(models.Model):
    """A plan's audited results for one income (calendar) year and line of business, in ``currency``.

    Money fields are amounts in the currency of the year (cents). ``quality_measures_missed``
    lists the codes of the quality measures whose minimum performance level the plan missed.
    """

    plan = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="financial_years"
    )
    income_year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1990)])
    line_of_business = models.ForeignKey(
        "reinvestment.LineOfBusiness", on_delete=models.PROTECT, related_name="+",
        help_text="The line of business these figures are for (a plan keeps one year per line).",
    )
    currency = models.CharField(max_length=3, default="USD")
    total_revenue = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    net_income = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    pretax_income = MoneyField(
        max_digits=16, decimal_places=2, default_currency="USD", null=True, blank=True
    )
    mlr_numerator = MoneyField(
        max_digits=16, decimal_places=2, default_currency="USD", null=True, blank=True,
        help_text="Medical loss ratio numerator: medical costs and quality improvement spending.",
    )
    mlr_denominator = MoneyField(
        max_digits=16, decimal_places=2, default_currency="USD", null=True, blank=True,
        help_text="Medical loss ratio denominator: premium revenue net of taxes and fees.",
    )
    gross_premium = MoneyField(
        max_digits=16, decimal_places=2, default_currency="USD", null=True, blank=True,
        help_text="Gross premium of the product, for premium-at-risk quality policies.",
    )
    mlr_rebate_reinvested = MoneyField(
        max_digits=16, decimal_places=2, default_currency="USD", null=True, blank=True,
        help_text="Of an MLR rebate the plan may keep to reinvest: the part reinvested in the community.",
    )
    mlr_rebate_returned = MoneyField(
        max_digits=16, decimal_places=2, default_currency="USD", null=True, blank=True,
        help_text="Of an MLR rebate the plan may keep to reinvest: the part returned to the state.",
    )
    quality_standards_met = models.BooleanField(
        default=True, help_text="Met the state's minimum quality performance levels this year."
    )
    quality_measures_missed = models.JSONField(default=list, blank=True)
    source_document = models.FileField(upload_to=financial_document_path, blank=True)
    status = models.CharField(
        max_length=12, choices=FinancialYearStatus.choices, default=FinancialYearStatus.DRAFT
    )
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    amendment_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["plan", "income_year", "id"]
        constraints = [
            # One live (not superseded) row per plan, year and line of business: amendments
            # replace (``supersedes``), never duplicate.
            models.UniqueConstraint(
                fields=["plan", "income_year", "line_of_business"],
                condition=~Q(status="superseded"),
                name="financial_year_one_live_per_plan_year_line",
            ),
            # Revenue is a gross amount: never negative.
            models.CheckConstraint(condition=Q(total_revenue__gte=0), name="financial_year_revenue_not_negative"),
            # Net income is what is left of revenue: it can be negative (a loss) but not above revenue.
            models.CheckConstraint(
                condition=Q(net_income__lte=F("total_revenue")), name="financial_year_net_income_within_revenue"
            ),
            # A ratio needs a positive denominator.
            models.CheckConstraint(
                condition=Q(mlr_denominator__isnull=True) | Q(mlr_denominator__gt=0),
                name="financial_year_mlr_denominator_positive",
            ),
            models.CheckConstraint(
                condition=Q(mlr_numerator__isnull=True) | Q(mlr_numerator__gte=0),
                name="financial_year_mlr_numerator_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(gross_premium__isnull=True) | Q(gross_premium__gte=0),
                name="financial_year_gross_premium_not_negative",
            ),
            # The split of an MLR rebate: both parts or neither, never negative.
            models.CheckConstraint(
                condition=Q(mlr_rebate_reinvested__isnull=True, mlr_rebate_returned__isnull=True)
                | Q(mlr_rebate_reinvested__gte=0, mlr_rebate_returned__gte=0),
                name="financial_year_mlr_rebate_split",
            ),
            # Every amount is in the year's currency.
            models.CheckConstraint(
                condition=Q(total_revenue_currency=F("currency")) & Q(net_income_currency=F("currency")),
                name="financial_year_single_currency",
            ),
            # An amendment must say why.
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(amendment_reason=""),
                name="financial_year_amendment_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in FinancialYearStatus]),
                name="financial_year_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} income year {self.income_year} ({self.status})"

    @property
    def is_locked(self) -> bool:
        return self.status in (FinancialYearStatus.LOCKED, FinancialYearStatus.SUPERSEDED)


class MemberMonthQuerySet(models.QuerySet["MemberMonth"]):
    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list["MemberMonth"]:
        objs = list(objs)
        defaults: dict[int, Any] = {}
        for obj in objs:
            obj.fill_default_line(defaults)
        return super().bulk_create(objs, *args, **kwargs)


class MemberMonth(models.Model):
    """Enrollment of a plan in a county for one calendar month and line of business (member months).

    ``month`` is always the first day of the month. A row written without a line of business
    is for the plan's default line (its state's Medicaid line: Medi-Cal in California), so
    figures of another line (commercial, Covered California, CalPERS) never merge into it.
    """

    plan = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="member_months"
    )
    line_of_business = models.ForeignKey(
        "reinvestment.LineOfBusiness", on_delete=models.PROTECT, related_name="+",
        help_text="The line of business the members are enrolled in (default: the plan's Medicaid line).",
    )
    county = models.ForeignKey("organizations.County", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="First day of the month.")
    member_months = models.PositiveIntegerField(validators=[MinValueValidator(0)])  # members x months

    objects: ClassVar[MemberMonthQuerySet] = MemberMonthQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["plan", "month", "county"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "line_of_business", "county", "month"],
                                    name="member_month_unique_per_line"),
            models.CheckConstraint(condition=Q(member_months__gte=0), name="member_month_not_negative"),
            models.CheckConstraint(condition=Q(month__day=1), name="member_month_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.county_id} {self.month:%Y-%m}: {self.member_months}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_default_line()
        super().save(*args, **kwargs)

    def fill_default_line(self, defaults: dict[int, Any] | None = None) -> None:
        """Give a row written without a line of business the plan's default line (``defaults``:
        plan id -> line already looked up)."""
        if self.line_of_business_id is None:
            from ..applicability import default_line_of_business

            cache = {} if defaults is None else defaults
            if self.plan_id not in cache:
                cache[self.plan_id] = default_line_of_business(self.plan)
            if cache[self.plan_id] is not None:
                self.line_of_business = cache[self.plan_id]


class CountyFinancial(models.Model):
    """A plan year's revenue and net income in one county, for policies that allocate by them."""

    financial_year = models.ForeignKey(
        PlanFinancialYear, on_delete=models.PROTECT, related_name="county_financials"
    )
    county = models.ForeignKey("organizations.County", on_delete=models.PROTECT, related_name="+")
    revenue = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    net_income = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["financial_year", "county"]
        constraints = [
            models.UniqueConstraint(fields=["financial_year", "county"], name="county_financial_unique"),
            # Shares are weights: never negative.
            models.CheckConstraint(condition=Q(revenue__gte=0), name="county_financial_revenue_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.financial_year_id} {self.county_id}"
