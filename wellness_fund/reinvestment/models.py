"""Plan financials and the community reinvestment they require."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q


class MemberMonth(models.Model):
    """Enrollment of a plan in a county for one calendar month (count of member months).

    ``month`` is always the first day of the month.
    """

    plan = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="member_months"
    )
    county = models.ForeignKey("organizations.County", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="First day of the month.")
    member_months = models.PositiveIntegerField(validators=[MinValueValidator(0)])  # members x months

    class Meta:
        ordering = ["plan", "month", "county"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "county", "month"], name="member_month_unique"),
            models.CheckConstraint(condition=Q(member_months__gte=0), name="member_month_not_negative"),
            models.CheckConstraint(condition=Q(month__day=1), name="member_month_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.county_id} {self.month:%Y-%m}: {self.member_months}"
