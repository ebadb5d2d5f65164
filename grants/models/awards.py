"""Awards, their tranches and report schedules."""


from __future__ import annotations

from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from organizations.dates import date_words

from ._common import _choices
from .applications import (
    Application,
)
from .board import (
    Decision,
)


class AwardStatus(models.TextChoices):
    OFFERED = "offered", _("Offered (awaiting acceptance)")
    ACCEPTED = "accepted", pgettext_lazy("award status", "Accepted")
    CANCELLED = "cancelled", pgettext_lazy("award status", "Cancelled")
    CLOSED = "closed", pgettext_lazy("award status", "Closed out")


class Award(models.Model):
    """Money committed to a grantee from an approved decision.

    ``commitment_reference`` ("grants.award:<id>") is the reference under which
    the fund's ledger holds the commitment (``wellness_fund.commitments``);
    disbursements and returns post against it too.
    """

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="award")
    grantee = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                related_name="grant_awards")
    fund = models.ForeignKey("wellness_fund.WellnessFund", on_delete=models.PROTECT, related_name="awards")
    restriction = models.ForeignKey("wellness_fund.Restriction", on_delete=models.PROTECT,
                                    related_name="awards")
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    period_start = models.DateField()
    period_end = models.DateField()
    conditions = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=AwardStatus.choices, default=AwardStatus.OFFERED)
    commitment_reference = models.CharField(max_length=64, unique=True)
    committed_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    accepted_name = models.CharField(max_length=255, blank=True)
    accepted_title = models.CharField(max_length=255, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=_choices(AwardStatus)), name="award_status_valid"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="award_amount_positive"),
            models.CheckConstraint(condition=Q(period_end__gt=F("period_start")), name="award_period_ordered"),
            # Acceptance is a signature: who, in what capacity, when.
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True)
                | (~Q(accepted_name="") & ~Q(accepted_title="") & Q(accepted_by__isnull=False)),
                name="award_acceptance_signed",
            ),
            # A closed award says when it was closed.
            models.CheckConstraint(condition=~Q(status="closed") | Q(closed_at__isnull=False),
                                   name="award_closed_has_time"),
        ]

    def __str__(self) -> str:
        return f"Award {self.pk} to {self.grantee}"


class TrancheBasis(models.TextChoices):
    PERCENT = "percent", _("Percent of the award")
    FIXED = "fixed", _("Fixed amount")


class TrancheStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("tranche status", "Scheduled")
    RELEASED = "released", _("Released for payment")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", pgettext_lazy("tranche status", "Cancelled")


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("Progress report")
    FINAL = "final", _("Final report")


class ReportStatus(models.TextChoices):
    DUE = "due", _("Due")
    SUBMITTED = "submitted", pgettext_lazy("grantee report status", "Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")
    WAIVED = "waived", _("Waived")


class ReportSchedule(models.Model):
    """A grantee report due under an award (generated from the opportunity's template)."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="reports")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=ReportKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.DUE)

    class Meta:
        ordering = ["award", "number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="report_schedule_unique_number"),
            models.CheckConstraint(condition=Q(kind__in=_choices(ReportKind)), name="report_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=_choices(ReportStatus)), name="report_status_valid"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="report_period_ordered"),
            # A report cannot be due before the period it describes has ended.
            models.CheckConstraint(condition=Q(due_on__gte=F("period_end")), name="report_due_after_period"),
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s %(number)s due %(due)s") % {"kind": self.get_kind_display(), "number": self.number,
                                                            "due": date_words(self.due_on)}


class Tranche(models.Model):
    """One payment of an award; it may wait until a given report is accepted."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="tranches")
    number = models.PositiveSmallIntegerField()
    basis = models.CharField(max_length=8, choices=TrancheBasis.choices)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True,
                                  help_text="Percent of the award (0-100], for percent tranches.")
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    due_on = models.DateField()
    requires_report = models.ForeignKey(ReportSchedule, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="gated_tranches",
                                        help_text="Paid only once this report is accepted.")
    status = models.CharField(max_length=16, choices=TrancheStatus.choices, default=TrancheStatus.SCHEDULED)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["award", "number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="tranche_unique_number"),
            # Released and paid tranches say when they were released.
            models.CheckConstraint(condition=~Q(status__in=["released", "paid"]) | Q(released_at__isnull=False),
                                   name="tranche_release_recorded"),
            models.CheckConstraint(condition=Q(basis__in=_choices(TrancheBasis)), name="tranche_basis_valid"),
            models.CheckConstraint(condition=Q(status__in=_choices(TrancheStatus)), name="tranche_status_valid"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
            # A percent tranche carries its percent (0 < p <= 100); a fixed one carries none.
            models.CheckConstraint(
                condition=(Q(basis="percent") & Q(percent__gt=0) & Q(percent__lte=100))
                | (Q(basis="fixed") & Q(percent__isnull=True)),
                name="tranche_percent_matches_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"Tranche {self.number} of award {self.award_id}"


