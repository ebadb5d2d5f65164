"""Obligations, their county allocation, and the payments that fulfil them.

* ``Obligation``: what one policy version requires of one plan financial year, with
  the explanation lines (``lines``: ``[{"text", "amount"}]``, amounts as exact decimal
  strings) whose sum is ``total``. Recomputed while the year is open; frozen (with a
  snapshot of its inputs and policy terms) when the year is locked; superseded when
  the year is amended.
* ``ObligationAllocation``: the total split across counties (largest remainder), so
  the county amounts add up to the total to the cent.
* ``ObligationCredit``: a source of fulfilment: the part of one payment paid in one county
  (a wellness fund contribution received, a direct investment, or a premium-at-risk payment
  to the purchaser), with its amount, plan, date and kind. Credits are append-only (a
  PostgreSQL trigger refuses UPDATE/DELETE, except marking a credit reversed once) and
  unique per (source, reference, county), so recording the same payment twice writes nothing.
* ``FulfilmentAllocation``: part of a credit counted toward exactly one obligation. The
  allocations of a credit never add up to more than its amount, a reversed credit has
  none, and credit, obligation and allocation belong to one plan (checked by the services
  under a lock on the credit row, and at COMMIT by a PostgreSQL constraint trigger).
  Fulfilment of an obligation = the sum of its allocations; what a credit has left is
  shown as unallocated.
* ``AllocationRule``: which kinds of credit may count toward obligations of a policy basis
  (versioned data with its source, or flagged unverified).
* ``DirectInvestment``: a payment from the plan straight to a community organization, or a
  program the plan runs itself (``operated_by_plan``: a vaccination van, a promotores program),
  whose payee is then the plan and which is never a payment to an equity partner.
"""

from typing import ClassVar, Self

from django.db import models
from django.db.models import Case, F, Func, Q, Value, When
from django.db.models.functions import Cast, Left, Length, Substr
from django.db.models.lookups import Exact, Range
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from djmoney.models.fields import MoneyField

from ..references import SourceKind
from .policies import PolicyBasis, SocialDriverDomain


class ObligationStatus(models.TextChoices):
    CURRENT = "current", _("Current (recomputed when inputs change)")
    FROZEN = "frozen", _("Frozen (financial year locked)")
    SUPERSEDED = "superseded", pgettext_lazy("obligation status", "Superseded by an amendment")


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
    mlr_remittance_recipient = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Who receives the MLR remittance: the state agency (a regulator organization), or the "
                  "ACH whose wellness fund (mlr_remittance_fund_code) receives it.",
    )
    window_start = models.DateField()
    window_end = models.DateField()
    deadline = models.DateField()
    status = models.CharField(max_length=12, choices=ObligationStatus.choices, default=ObligationStatus.CURRENT)
    inputs_snapshot = models.JSONField(default=dict)
    policy_snapshot = models.JSONField(default=dict)
    computed_at = models.DateTimeField()
    frozen_at = models.DateTimeField(null=True, blank=True)

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

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

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

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


#: How a credit's ``reference`` begins when it names a contribution payment.
CONTRIBUTION_PAYMENT_PREFIX = f"{SourceKind.CONTRIBUTION_PAYMENT.value}:"


def referenced_id(field: str | F, prefix: str) -> Case:
    """SQL: the id a reference (``<kind>:<id>``, the text column ``field``, or an ``OuterRef`` to one)
    names when it begins with ``prefix``, else NULL. Plain string functions of the row alone (no regular expression), so
    both PostgreSQL and SQLite can keep it as a generated column."""
    rest = Substr(field, len(prefix) + 1)
    digits_only = Q(Exact(Func(rest, Value("0123456789"), function="LTRIM", output_field=models.CharField()),
                          Value("")))
    return Case(
        When(Q(Exact(Left(field, len(prefix)), Value(prefix))) & digits_only & Q(Range(Length(rest), (1, 18))),
             then=Cast(rest, models.BigIntegerField())),
        default=None, output_field=models.BigIntegerField())


class CreditSource(models.TextChoices):
    FUND_CONTRIBUTION = "fund_contribution", _("Wellness fund contribution received")
    DIRECT_INVESTMENT = "direct_investment", _("Direct investment by the plan")
    PURCHASER_PAYMENT = "purchaser_payment", _("Premium-at-risk payment to the purchaser")


class ObligationCredit(models.Model):
    """A source of fulfilment: the part of one payment paid in ``county``.

    It counts toward obligations only through its allocations (``allocations``).
    ``income_year`` and ``policy_code`` say which year (and policy) the payment was
    recorded for; the automatic allocation looks there first. ``reversed_on`` is set when
    the payment is reversed (its allocations are removed in the same transaction).
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
    reversed_on = models.DateField(null=True, blank=True, help_text="The payment was reversed on this day.")
    #: The contribution payment ``reference`` names (None for other references), kept by the
    #: database from ``reference`` (a stored generated column): reports join credits to their
    #: payments on it instead of parsing every reference in each query.
    contribution_payment_id = models.GeneratedField(
        expression=referenced_id("reference", CONTRIBUTION_PAYMENT_PREFIX),
        output_field=models.BigIntegerField(null=True), db_persist=True)

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

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


class AllocationRule(models.Model):
    """Which kinds of credit may count toward obligations of ``basis`` (the highest version applies).

    The automatic allocation of a credit (``services.allocations``) goes to the oldest unmet
    obligation it qualifies for: the income year whose investment window contains the
    payment date (or the year the payer named), then ``priority`` (lower first) and policy
    code; what no such obligation needs is left unallocated.
    """

    basis = models.CharField(max_length=20, choices=PolicyBasis.choices)
    version = models.PositiveSmallIntegerField(default=1)
    qualifying_sources = models.JSONField(
        default=list, help_text="Kinds of credit (CreditSource values) that count toward obligations of this basis."
    )
    priority = models.PositiveSmallIntegerField(default=10, help_text="Within an income year, lower goes first.")
    source_citation = models.TextField(help_text="Where the rule comes from.")
    verified = models.BooleanField(default=False, help_text="A source document confirms the rule.")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["basis", "version"]
        constraints = [
            models.UniqueConstraint(fields=["basis", "version"], name="allocation_rule_unique_version"),
            models.CheckConstraint(
                condition=Q(basis__in=[b.value for b in PolicyBasis]), name="allocation_rule_basis_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.basis} v{self.version}: {', '.join(self.qualifying_sources) or 'nothing'}"


class FulfilmentAllocation(models.Model):
    """Part of one credit counted toward exactly one obligation (county and domain kept for reports).

    ``rule`` names the rule version of an automatic allocation; a person's allocation has
    none and carries ``reason``.
    """

    credit = models.ForeignKey(ObligationCredit, on_delete=models.PROTECT, related_name="allocations")
    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="fulfilments")
    plan = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("organizations.County", on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(max_length=24, blank=True, choices=SocialDriverDomain.choices)
    cha_chip_aligned = models.BooleanField(default=False)
    credited_on = models.DateField(help_text="The credit's date (fulfilment as of a day counts up to it).")
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    rule = models.ForeignKey(AllocationRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["obligation", "credited_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["credit", "obligation"], name="fulfilment_allocation_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="fulfilment_allocation_positive"),
        ]
        indexes = [models.Index(fields=["plan", "obligation"], name="fulfilment_plan_obligation_idx")]

    def __str__(self) -> str:
        return f"credit {self.credit_id} -> obligation {self.obligation_id}: {self.amount}"


class DirectInvestment(models.Model):
    """A payment from the plan straight to a community organization, or a program the plan operates
    itself (``operated_by_plan``; its payee is then the plan). Either counts as a credit."""

    plan = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="direct_investments")
    payee = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=255)
    county = models.ForeignKey("organizations.County", on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(max_length=24, choices=SocialDriverDomain.choices)
    paid_on = models.DateField()
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    cha_chip_aligned = models.BooleanField(help_text="Aligned with the local CHA/CHIP.")
    cac_consulted = models.BooleanField(help_text="The plan's community advisory committee was consulted.")
    operated_by_plan = models.BooleanField(
        default=False, help_text="A program the plan runs itself (its payee is the plan).")
    income_year = models.PositiveSmallIntegerField()
    policy_code = models.CharField(max_length=30, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["plan", "paid_on", "id"]
        constraints = [
            # A payment is strictly positive.
            models.CheckConstraint(condition=Q(amount__gt=0), name="direct_investment_positive"),
            # The payee is the plan exactly when the plan operates the program itself; otherwise a plan
            # does not pay itself.
            models.CheckConstraint(
                condition=(Q(operated_by_plan=True) & Q(payee=F("plan")))
                | (Q(operated_by_plan=False) & ~Q(payee=F("plan"))),
                name="direct_investment_payee_plan_iff_operated"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} -> {self.payee_id} {self.paid_on}: {self.amount}"


class PlanFiguresStamp(models.Model):
    """A new random value each time a plan's obligation figures may have changed: written only by
    the database, from statement-level triggers on obligations, their county allocations, credits,
    fulfilment allocations and financial years (INSERT, UPDATE and DELETE, whatever the client),
    and for every plan on a change to counties or lines of business (migration 0014).

    Pages that show a plan's figures cache what they computed under the plan's stamp, so a
    change to any row behind them is a new stamp and a fresh computation. The embedded SQLite
    database used for local runs has no triggers and no stamps: pages compute every time.
    """

    plan = models.OneToOneField("organizations.Organization", on_delete=models.CASCADE, primary_key=True,
                                related_name="+")
    stamp = models.UUIDField()

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.stamp}"
