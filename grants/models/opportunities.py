"""Calls for proposals: the opportunity, its eligibility questions, rubric and reporting template."""


from __future__ import annotations

from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from ._common import _choices


class OpportunityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    DECIDED = "decided", _("Decided")


class FundingOpportunity(models.Model):
    """A call for proposals paid from one restriction of one wellness fund."""

    fund = models.ForeignKey(
        "wellness_fund.WellnessFund", on_delete=models.PROTECT, related_name="opportunities"
    )
    restriction = models.ForeignKey(
        "wellness_fund.Restriction", on_delete=models.PROTECT, related_name="opportunities"
    )
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    total_budget = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    award_min = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    award_max = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    opens_at = models.DateTimeField(help_text="Stored in UTC; shown in the opportunity's time zone.")
    closes_at = models.DateTimeField(help_text="Submissions at or after this instant are refused.")
    time_zone = models.CharField(max_length=64, default="America/Los_Angeles",
                                 help_text="IANA time zone the dates are announced in.")
    counties = models.ManyToManyField("organizations.County", blank=True, related_name="+")
    domains = models.JSONField(default=list, blank=True, help_text="Social-driver domain codes.")
    attachment_max_bytes = models.PositiveIntegerField(
        default=10 * 1024 * 1024, help_text="Largest attachment accepted, in bytes."
    )
    status = models.CharField(max_length=16, choices=OpportunityStatus.choices,
                              default=OpportunityStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["-opens_at", "id"]
        verbose_name_plural = "funding opportunities"
        constraints = [
            models.CheckConstraint(condition=Q(status__in=_choices(OpportunityStatus)),
                                   name="opportunity_status_valid"),
            # An award range must be a positive, non-empty interval inside the budget.
            models.CheckConstraint(condition=Q(award_min__gt=0), name="opportunity_award_min_positive"),
            models.CheckConstraint(condition=Q(award_min__lte=F("award_max")),
                                   name="opportunity_award_range_ordered"),
            models.CheckConstraint(condition=Q(award_max__lte=F("total_budget")),
                                   name="opportunity_award_max_within_budget"),
            # A call that closes before it opens could never receive an application.
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")),
                                   name="opportunity_closes_after_opens"),
            models.CheckConstraint(condition=Q(attachment_max_bytes__gt=0),
                                   name="opportunity_attachment_limit_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ach(self):  # type: ignore[no-untyped-def]
        return self.fund.ach


class EligibilityQuestion(models.Model):
    """A yes/no (or multiple choice) question; some answers disqualify the applicant."""

    opportunity = models.ForeignKey(FundingOpportunity, on_delete=models.CASCADE,
                                    related_name="eligibility_questions")
    number = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    answer_choices = models.JSONField(default=list, help_text='e.g. ["yes", "no"]')
    disqualifying_answers = models.JSONField(default=list, help_text='e.g. ["no"]')

    class Meta:
        ordering = ["opportunity", "number"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "number"], name="eligibility_unique_number"),
        ]

    def __str__(self) -> str:
        return f"Q{self.number}. {self.text}"


class RubricCriterion(models.Model):
    """One scoring criterion: a weight and an integer scale (``scale_min``..``scale_max``)."""

    opportunity = models.ForeignKey(FundingOpportunity, on_delete=models.CASCADE,
                                    related_name="rubric")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=6, decimal_places=2, help_text="Relative weight, e.g. 30.00.")
    scale_min = models.PositiveSmallIntegerField(default=0)
    scale_max = models.PositiveSmallIntegerField(default=5)

    class Meta:
        ordering = ["opportunity", "number"]
        verbose_name_plural = "rubric criteria"
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "number"], name="rubric_unique_number"),
            # A weight of zero or less would make the criterion meaningless or inverted.
            models.CheckConstraint(condition=Q(weight__gt=0), name="rubric_weight_positive"),
            # A scale needs at least two points to express a judgement.
            models.CheckConstraint(condition=Q(scale_max__gt=F("scale_min")), name="rubric_scale_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class ReportingTemplate(models.Model):
    """What grantees report and when: the award's report schedule is generated from it.

    Progress reports cover consecutive periods of ``frequency_months`` months
    from the award's start (0 = final report only) and are due
    ``due_days_after_period`` days after each period ends; the final report
    covers the whole award period and is due ``final_due_days_after_end``
    days after it ends.
    """

    opportunity = models.OneToOneField(FundingOpportunity, on_delete=models.CASCADE,
                                       related_name="reporting_template")
    frequency_months = models.PositiveSmallIntegerField(default=6)
    due_days_after_period = models.PositiveSmallIntegerField(default=30)
    final_due_days_after_end = models.PositiveSmallIntegerField(default=60)
    metrics = models.JSONField(default=list, blank=True,
                               help_text='Metrics asked for, e.g. [{"code": "sessions", "label": "Sessions held", "unit": "count"}].')
    demographics = models.JSONField(default=list, blank=True,
                                    help_text='Demographic breakdowns asked for, e.g. ["county", "race_ethnicity", "language"].')

    class Meta:
        constraints = [
            # Report periods longer than a year would leave a funded year unreported.
            models.CheckConstraint(condition=Q(frequency_months__lte=12),
                                   name="reporting_frequency_at_most_yearly"),
        ]

    def __str__(self) -> str:
        return f"Reporting for {self.opportunity}"


