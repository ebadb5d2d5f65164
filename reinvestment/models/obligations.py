"""Obligations, their county allocation, and the payments that fulfil them.

* ``Obligation``: what one policy version requires of one plan financial year, with
  the explanation lines (``lines``: ``[{"text", "amount"}]``, amounts as exact decimal
  strings) whose sum is ``total``. Recomputed while the year is open; frozen (with a
  snapshot of its inputs and policy terms) when the year is locked; superseded when
  the year is amended.
* ``ObligationAllocation``: the total split across counties (largest remainder), so
  the county amounts add up to the total to the cent.
* ``ObligationCredit``: a payment that counts toward the plan's obligations of one
  income year in one county: a wellness fund contribution received (recorded by the
  wellness fund) or a direct investment (recorded here). Credits are append-only
  (a PostgreSQL trigger refuses UPDATE/DELETE) and unique per (source, reference,
  county), so recording the same payment twice writes nothing.
* ``DirectInvestment``: a payment from the plan straight to a community organization.
"""

from django.db import models
from django.db.models import F, Q
from djmoney.models.fields import MoneyField

from .policies import SocialDriverDomain


class ObligationStatus(models.TextChoices):
    CURRENT = "current", "Current (recomputed when inputs change)"
    FROZEN = "frozen", "Frozen (financial year locked)"
    SUPERSEDED = "superseded", "Superseded by an amendment"


class Obligation(models.Model):
    plan = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="obligations")
    financial_year = models.ForeignKey(
        "reinvestment.PlanFinancialYear", on_delete=models.PROTECT, related_name="obligations"
    )
    income_year = models.PositiveSmallIntegerField()
    policy = models.ForeignKey("reinvestment.ReinvestmentPolicy", on_delete=models.PROTECT, related_name="obligations")
    policy_code = models.CharField(max_length=30)
    policy_version = models.PositiveSmallIntegerField()
    currency = models.CharField(max_length=3, default="USD")
    total = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    lines = models.JSONField(default=list)
    mlr_remittance = MoneyField(max_digits=16, decimal_places=2, default_currency="USD", default=0)
    mlr_lines = models.JSONField(default=list, blank=True)
    mlr_remittance_fund_code = models.CharField(
        max_length=50, blank=True,
        help_text="Code of the wellness fund that receives the MLR remittance (named by the fund's side).",
    )
    window_start = models.DateField()
    window_end = models.DateField()
    deadline = models.DateField()
    status = models.CharField(max_length=12, choices=ObligationStatus.choices, default=ObligationStatus.CURRENT)
    inputs_snapshot = models.JSONField(default=dict)
    policy_snapshot = models.JSONField(default=dict)
    computed_at = models.DateTimeField()
    frozen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "income_year", "policy_code", "id"]
        constraints = [
            # One live obligation per financial year and policy.
            models.UniqueConstraint(
                fields=["financial_year", "policy_code"],
                condition=~Q(status="superseded"),
                name="obligation_one_live_per_year_policy",
            ),
            # Zero when the basis is not positive; never negative.
            models.CheckConstraint(condition=Q(total__gte=0), name="obligation_total_not_negative"),
            models.CheckConstraint(condition=Q(mlr_remittance__gte=0), name="obligation_mlr_not_negative"),
            models.CheckConstraint(condition=Q(window_end__gte=F("window_start")), name="obligation_window_ordered"),
            # A frozen obligation carries the moment it was frozen.
            models.CheckConstraint(
                condition=Q(status="current") | Q(frozen_at__isnull=False), name="obligation_frozen_has_time"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ObligationStatus]), name="obligation_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy_code} v{self.policy_version} plan {self.plan_id} {self.income_year}: {self.total}"


class ObligationAllocation(models.Model):
    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="allocations")
    county = models.ForeignKey("organizations.County", on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(max_digits=20, decimal_places=2, help_text="Member months, revenue or net income.")
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")

    class Meta:
        ordering = ["obligation", "county__name"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "county"], name="obligation_allocation_unique"),
            # Allocations are parts of a non-negative total.
            models.CheckConstraint(condition=Q(amount__gte=0), name="obligation_allocation_not_negative"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="obligation_allocation_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.obligation_id} {self.county_id}: {self.amount}"


class CreditSource(models.TextChoices):
    FUND_CONTRIBUTION = "fund_contribution", "Wellness fund contribution received"
    DIRECT_INVESTMENT = "direct_investment", "Direct investment by the plan"


class ObligationCredit(models.Model):
    """A payment counting toward a plan's obligations of ``income_year`` in ``county``.

    ``policy_code`` empty = counts toward every obligation of the plan's year; set it
    when a plan owes under several policies in a year and the payment is for one of them.
    """

    plan = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="obligation_credits")
    income_year = models.PositiveSmallIntegerField()
    county = models.ForeignKey("organizations.County", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=20, choices=CreditSource.choices)
    reference = models.CharField(max_length=120, help_text='The source record, e.g. "wellness_fund.contributionpayment:17".')
    credited_on = models.DateField()
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    payee = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    domain = models.CharField(max_length=24, blank=True, choices=SocialDriverDomain.choices)
    description = models.TextField(blank=True)
    cha_chip_aligned = models.BooleanField(default=False)
    policy_code = models.CharField(max_length=30, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "income_year", "credited_on", "id"]
        constraints = [
            # Idempotence: one credit per source record and county.
            models.UniqueConstraint(fields=["source", "reference", "county"], name="obligation_credit_unique_source"),
            # A credit is money received: strictly positive.
            models.CheckConstraint(condition=Q(amount__gt=0), name="obligation_credit_positive"),
            models.CheckConstraint(
                condition=Q(source__in=[s.value for s in CreditSource]), name="obligation_credit_source_valid"
            ),
        ]
        indexes = [models.Index(fields=["plan", "income_year"], name="credit_plan_year_idx")]

    def __str__(self) -> str:
        return f"{self.source} {self.reference} {self.county_id}: {self.amount}"


class DirectInvestment(models.Model):
    """A payment from the plan straight to a community organization (counts as a credit)."""

    plan = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="direct_investments")
    payee = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=255)
    county = models.ForeignKey("organizations.County", on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(max_length=24, choices=SocialDriverDomain.choices)
    paid_on = models.DateField()
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    cha_chip_aligned = models.BooleanField(help_text="Aligned with the local CHA/CHIP.")
    cac_consulted = models.BooleanField(help_text="The plan's community advisory committee was consulted.")
    income_year = models.PositiveSmallIntegerField()
    policy_code = models.CharField(max_length=30, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "paid_on", "id"]
        constraints = [
            # A payment is strictly positive.
            models.CheckConstraint(condition=Q(amount__gt=0), name="direct_investment_positive"),
            # A plan does not invest in itself.
            models.CheckConstraint(condition=~Q(payee=F("plan")), name="direct_investment_payee_not_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} -> {self.payee_id} {self.paid_on}: {self.amount}"
