"""Applications by CBOs, their budget lines and attachments."""


from __future__ import annotations

from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from djmoney.models.fields import MoneyField

from ._common import _choices
from .opportunities import (
    FundingOpportunity,
)


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RECOMMENDED = "recommended", pgettext_lazy("application status", "Recommended")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")
    APPROVED = "approved", pgettext_lazy("application status", "Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    AWARDED = "awarded", pgettext_lazy("application status", "Awarded")


class Application(models.Model):
    opportunity = models.ForeignKey(FundingOpportunity, on_delete=models.PROTECT,
                                    related_name="applications")
    applicant = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                  related_name="grant_applications")
    status = models.CharField(max_length=16, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT)
    contact_name = models.CharField(max_length=255, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    project_title = models.CharField(max_length=255, blank=True)
    project_summary = models.TextField(blank=True)
    requested_amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD",
                                  null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    counties = models.ManyToManyField("organizations.County", blank=True, related_name="+")
    domains = models.JSONField(default=list, blank=True)
    target_populations = models.TextField(blank=True)
    eligibility_answers = models.JSONField(default=dict, blank=True,
                                           help_text="Question number (as text) -> answer.")
    recommendation_note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["opportunity", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=_choices(ApplicationStatus)),
                                   name="application_status_valid"),
            # A request of zero or less is not a request.
            models.CheckConstraint(condition=Q(requested_amount__isnull=True) | Q(requested_amount__gt=0),
                                   name="application_requested_positive"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True) | Q(period_end__isnull=True)
                | Q(period_end__gt=F("period_start")),
                name="application_period_ordered",
            ),
            # Anything past a draft was submitted: the submission instant must be kept.
            models.CheckConstraint(
                condition=Q(status__in=["draft", "withdrawn"]) | Q(submitted_at__isnull=False),
                name="application_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} — {self.project_title or 'untitled'}"

    @property
    def reference(self) -> str:
        return f"grants.application:{self.pk}"


class BudgetCategory(models.TextChoices):
    PERSONNEL = "personnel", _("Personnel")
    FRINGE = "fringe", _("Fringe benefits")
    TRAVEL = "travel", _("Travel")
    EQUIPMENT = "equipment", _("Equipment")
    SUPPLIES = "supplies", _("Supplies")
    CONTRACTUAL = "contractual", _("Contractual")
    PARTICIPANT_SUPPORT = "participant_support", _("Participant support")
    INDIRECT = "indirect", _("Indirect costs")
    OTHER = "other", pgettext_lazy("budget category", "Other")


class BudgetLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    number = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=24, choices=BudgetCategory.choices)
    description = models.CharField(max_length=255)
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="budget_line_unique_number"),
            models.CheckConstraint(condition=Q(category__in=_choices(BudgetCategory)),
                                   name="budget_line_category_valid"),
            # Negative lines would let a budget "add up" while hiding costs.
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description}"


class AttachmentType(models.TextChoices):
    PDF = "pdf", _("PDF")
    DOCX = "docx", _("Word document (DOCX)")
    XLSX = "xlsx", _("Excel workbook (XLSX)")
    PNG = "png", _("PNG image")
    JPEG = "jpeg", _("JPEG image")


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"grants/applications/{instance.application_id}/{instance.sha256[:16]}.{instance.file_type}"


class Attachment(models.Model):
    """A file attached to an application; its type was checked from its content."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    label = models.CharField(max_length=255)
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    file_type = models.CharField(max_length=8, choices=AttachmentType.choices)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(file_type__in=_choices(AttachmentType)),
                                   name="attachment_type_valid"),
            # An empty file cannot be a document of any accepted type.
            models.CheckConstraint(condition=Q(size_bytes__gt=0), name="attachment_not_empty"),
        ]

    def __str__(self) -> str:
        return self.label


