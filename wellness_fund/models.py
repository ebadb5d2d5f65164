"""Wellness funds held by ACHs, their restriction buckets and (in ledger modules) their ledger."""

from django.db import models
from django.db.models import Q


class WellnessFund(models.Model):
    code = models.SlugField(max_length=50, unique=True, help_text="e.g. demo-fund-1")
    name = models.CharField(max_length=255)
    ach = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="wellness_funds"
    )
    fiscal_agent = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    counties = models.ManyToManyField("organizations.County", related_name="wellness_funds")
    fiscal_year_start_month = models.PositiveSmallIntegerField(default=7)  # 1..12
    currency = models.CharField(max_length=3, default="USD")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1) & Q(fiscal_year_start_month__lte=12),
                name="fund_fiscal_year_start_month_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RestrictionKind(models.TextChoices):
    UNRESTRICTED = "unrestricted", "Unrestricted"
    PURPOSE = "purpose", "Restricted to a purpose"
    COUNTY = "county", "Restricted to a county"
    SOURCE = "source", "Restricted to a funding source"


class Restriction(models.Model):
    """A bucket of a fund's money: what it may be awarded for."""

    fund = models.ForeignKey(WellnessFund, on_delete=models.PROTECT, related_name="restrictions")
    code = models.SlugField(max_length=50)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, choices=RestrictionKind.choices)
    purpose = models.CharField(max_length=255, blank=True)
    county = models.ForeignKey(
        "organizations.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["fund", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "code"], name="restriction_unique_code"),
            models.CheckConstraint(
                condition=~Q(kind="county") | Q(county__isnull=False),
                name="restriction_county_needs_county",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund.code}/{self.code}"
