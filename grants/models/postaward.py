"""After the award: approved budget, disbursements, grantee reports, reminders, amendments."""


from __future__ import annotations

from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from djmoney.models.fields import MoneyField

from ._common import _choices
from .applications import (
    BudgetCategory,
)
from .awards import (
    Award,
    ReportSchedule,
    Tranche,
)
from .board import (
    AgendaItem,
)

#
# Disbursements, grantee reports, reminders, amendments and close-out
# (``grants.services.disbursements`` / ``reports`` / ``reminders`` / ``amendments`` /
# ``closeout``; roll-ups in ``grants.selectors.rollups``).


class AwardBudgetLine(models.Model):
    """The approved budget of an award, line by line (copied from the application at award time).

    Expenditures are reported against these lines; only an amendment moves money between
    them, and the lines always add up to the award amount (checked by the services that
    write them, in the same transaction).
    """

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="budget_lines")
    number = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=24, choices=BudgetCategory.choices)
    description = models.CharField(max_length=255)
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["award", "number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="award_budget_line_unique_number"),
            models.CheckConstraint(condition=Q(category__in=_choices(BudgetCategory)),
                                   name="award_budget_line_category_valid"),
            # A reallocation may empty a line, never make it negative.
            models.CheckConstraint(condition=Q(amount__gte=0), name="award_budget_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.description}"


class Disbursement(models.Model):
    """The payment of one released tranche, posted to the fund's ledger (``transaction``).

    Append-only (a PostgreSQL trigger refuses UPDATE and DELETE): no column may change once
    recorded, because no service needs one to; paying a tranche changes the tranche's status,
    not this row.
    """

    tranche = models.OneToOneField(Tranche, on_delete=models.PROTECT, related_name="disbursement")
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="disbursements")
    paid_on = models.DateField()
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    payment_reference = models.CharField(max_length=120, help_text="Bank transfer or check number.")
    transaction = models.OneToOneField("wellness_fund.LedgerTransaction", on_delete=models.PROTECT,
                                       related_name="grant_disbursement")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["award", "paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive"),
            # A payment without a bank reference cannot be traced to the bank statement.
            models.CheckConstraint(condition=~Q(payment_reference=""), name="disbursement_reference_given"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} paid {self.paid_on} (tranche {self.tranche_id})"


class GranteeReport(models.Model):
    """What the grantee wrote for one scheduled report (the draft and the submitted version).

    ``total_served`` counts people once each; every demographic breakdown
    (``PeopleServed`` rows of one dimension) adds up to it on submission.
    """

    schedule = models.OneToOneField(ReportSchedule, on_delete=models.PROTECT, related_name="content")
    progress = models.TextField(blank=True, help_text="Progress toward the objectives.")
    successes = models.TextField(blank=True)
    challenges = models.TextField(blank=True)
    total_served = models.PositiveIntegerField(null=True, blank=True, help_text="People, each counted once.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    review_comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["schedule"]
        constraints = [
            # A count of people is never negative (the field type cannot say so on every database).
            models.CheckConstraint(condition=Q(total_served__isnull=True) | Q(total_served__gte=0),
                                   name="grantee_report_total_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Report {self.schedule_id}"


class ReportExpenditure(models.Model):
    """Money spent in the report's period on one approved budget line (USD)."""

    report = models.ForeignKey(GranteeReport, on_delete=models.CASCADE, related_name="expenditures")
    budget_line = models.ForeignKey(AwardBudgetLine, on_delete=models.PROTECT, related_name="expenditures")
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["report", "budget_line__number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "budget_line"], name="report_expenditure_unique_line"),
            # Refunds are amendments, not negative spending.
            models.CheckConstraint(condition=Q(amount__gte=0), name="report_expenditure_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on line {self.budget_line_id}"


class ReportMetric(models.Model):
    """One metric the template asks for: the target and what was achieved in the period."""

    report = models.ForeignKey(GranteeReport, on_delete=models.CASCADE, related_name="metrics")
    code = models.CharField(max_length=64)
    label = models.CharField(max_length=255)
    unit = models.CharField(max_length=32, blank=True)
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["report", "code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "code"], name="report_metric_unique_code"),
            models.CheckConstraint(condition=Q(actual__isnull=True) | Q(actual__gte=0),
                                   name="report_metric_actual_not_negative"),
            models.CheckConstraint(condition=Q(target__isnull=True) | Q(target__gte=0),
                                   name="report_metric_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.actual} of {self.target}"


#: The dimension of people served by county (FIPS codes); every other dimension is one of the
#: equity taxonomy in force (``community.EquityDimension``), checked by ``report_save_draft``.
COUNTY_DIMENSION = "county"


class PeopleServed(models.Model):
    """People served in one category of one demographic dimension.

    ``dimension`` is ``county`` or the code of a dimension of the equity taxonomy in force on the
    report's period end (``community.selectors.taxonomy_in_force``); ``category`` is a county FIPS
    code or a category code of that dimension ("not_reported" and "declined" are categories).
    """

    report = models.ForeignKey(GranteeReport, on_delete=models.CASCADE, related_name="people")
    dimension = models.CharField(max_length=40)
    category = models.CharField(max_length=64)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["report", "dimension", "category"]
        verbose_name_plural = "people served"
        constraints = [
            models.UniqueConstraint(fields=["report", "dimension", "category"], name="people_served_unique_cell"),
            models.CheckConstraint(condition=~Q(dimension="") & ~Q(category=""), name="people_served_cell_named"),
            # People are counted, never subtracted.
            models.CheckConstraint(condition=Q(count__gte=0), name="people_served_count_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}/{self.category}: {self.count}"


class ReportEventKind(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("grantee report status", "Submitted")
    RETURNED = "returned", _("Returned for revision")
    ACCEPTED = "accepted", _("Accepted")


class ReportEvent(models.Model):
    """The history of a report: each submission (with a frozen copy) and each review."""

    report = models.ForeignKey(GranteeReport, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=ReportEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField()
    comment = models.TextField(blank=True)
    content = models.JSONField(default=dict, blank=True, help_text="The report as submitted (submissions only).")

    class Meta:
        ordering = ["report", "at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=_choices(ReportEventKind)), name="report_event_kind_valid"),
            # Asking for a revision without saying what to revise helps nobody.
            models.CheckConstraint(condition=~Q(kind="returned") | ~Q(comment=""),
                                   name="report_event_return_has_comment"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"


class ReminderPolicy(models.Model):
    """When grantees are reminded of reports and when the administrator's digest goes out.

    Versioned rows: the newest version of the fund applies, else the newest default row
    (``fund`` empty, seeded by migration 0005). Offsets are in days: ``days_before_due``
    [14, 3] reminds 14 and 3 days before the due date; ``days_after_due`` [1, 7, 30]
    after it, while the report is not submitted. ``digest_weekday``: 0 = Monday.
    """

    fund = models.ForeignKey("wellness_fund.WellnessFund", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    version = models.PositiveSmallIntegerField(default=1)
    days_before_due = models.JSONField(default=list)
    days_after_due = models.JSONField(default=list)
    digest_weekday = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "-version"]
        verbose_name_plural = "reminder policies"
        constraints = [
            models.UniqueConstraint(fields=["fund", "version"], name="reminder_policy_unique_version"),
            models.UniqueConstraint(fields=["version"], condition=Q(fund__isnull=True),
                                    name="reminder_policy_unique_default_version"),
            models.CheckConstraint(condition=Q(digest_weekday__lte=6), name="reminder_policy_weekday_valid"),
        ]

    def __str__(self) -> str:
        return f"Reminders {self.fund_id or 'default'} v{self.version}"


class AmendmentKind(models.TextChoices):
    REALLOCATION = "reallocation", _("Budget reallocation between lines")
    EXTENSION = "extension", _("No-cost extension of the period")
    AMOUNT = "amount", _("Change of the award amount")


class Amendment(models.Model):
    """One change to an award's terms, with the terms before and after (the award's history)."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=AmendmentKind.choices)
    reason = models.TextField()
    board_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="amendments",
                                   help_text="The passed board motion behind an increase.")
    amount_change = MoneyField(max_digits=16, decimal_places=2, default_currency="USD", default=0)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    effective_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["award", "number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="amendment_unique_number"),
            models.CheckConstraint(condition=Q(kind__in=_choices(AmendmentKind)), name="amendment_kind_valid"),
            models.CheckConstraint(condition=~Q(reason=""), name="amendment_reason_given"),
            # Only an amount change moves money; an increase needs the board's motion.
            models.CheckConstraint(condition=Q(kind="amount") | Q(amount_change=0),
                                   name="amendment_money_only_for_amount"),
            models.CheckConstraint(condition=~Q(kind="amount") | ~Q(amount_change=0),
                                   name="amendment_amount_changes"),
            models.CheckConstraint(condition=Q(amount_change__lte=0) | Q(board_item__isnull=False),
                                   name="amendment_increase_needs_board"),
        ]

    def __str__(self) -> str:
        return f"Amendment {self.number} of award {self.award_id}"
