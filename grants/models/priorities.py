"""CHIP priorities an opportunity or an award serves (``community.HealthPriority``).

One row per (target, priority), exactly one target set; an award with no tag of its own serves
the priorities of its opportunity (``grants.selectors.priorities``). The CHIP-aligned earmark
counts a plan's fund contributions through the priorities the fund declares
(``community.PriorityTag``); these tags say which of the fund's grants serve which priority,
on the fund's public page and in the plan's compliance report.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class GrantPriorityTag(models.Model):
    priority = models.ForeignKey("community.HealthPriority", on_delete=models.PROTECT, related_name="grant_tags")
    opportunity = models.ForeignKey("grants.FundingOpportunity", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="priority_tags")
    award = models.ForeignKey("grants.Award", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="priority_tags")
    tagged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(opportunity__isnull=False) & Q(award__isnull=True))
                | (Q(opportunity__isnull=True) & Q(award__isnull=False)),
                name="grant_priority_tag_exactly_one_target"),
            models.UniqueConstraint(fields=["priority", "opportunity"], condition=Q(opportunity__isnull=False),
                                    name="grant_priority_tag_unique_opportunity"),
            models.UniqueConstraint(fields=["priority", "award"], condition=Q(award__isnull=False),
                                    name="grant_priority_tag_unique_award"),
        ]

    def __str__(self) -> str:
        target = f"opportunity {self.opportunity_id}" if self.opportunity_id else f"award {self.award_id}"
        return f"{self.priority_id} ← {target}"
